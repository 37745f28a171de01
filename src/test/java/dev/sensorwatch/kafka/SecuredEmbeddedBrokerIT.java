package dev.sensorwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link SecuredEmbeddedBroker} fixture: the embedded broker with a further SASL listener
 * ({@link EmbeddedKafkaBroker.Listener}) and SCRAM users.
 */
class SecuredEmbeddedBrokerIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static Properties saslClient(String bootstrap, String mechanism, String user, String password) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", mechanism);
        props.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return props;
    }

    @Test
    void saslListenerAcceptsItsUsersWithEveryMechanismAndKeepsThemAcrossARestart(@TempDir Path dir) {
        SecuredEmbeddedBroker first = SecuredEmbeddedBroker.start(dir, 0, Map.of(),
                SecuredEmbeddedBroker.SaslListener.withUsers(Map.of("alice", "alice-pw")));
        int port = first.port();
        int saslPort = first.saslPort();
        String sasl = first.saslBootstrapServers();
        try {
            assertThat(sasl).isEqualTo("127.0.0.1:" + saslPort);
            assertThat(saslPort).isNotEqualTo(port);
            for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")) {
                // a client that came in through the SASL listener is sent back to it
                assertThat(ClusterCheck.verify(saslClient(sasl, mechanism, "alice", "alice-pw"), WAIT))
                        .as(mechanism).singleElement().extracting(Node::port).isEqualTo(saslPort);
                assertThatThrownBy(() -> ClusterCheck.verify(saslClient(sasl, mechanism, "alice", "wrong"), WAIT))
                        .as(mechanism).hasMessageContaining("authentication failed");
            }
            assertThatThrownBy(() -> ClusterCheck.verify(saslClient(sasl, "SCRAM-SHA-512", "bob", "bob-pw"), WAIT))
                    .hasMessageContaining("authentication failed");
            Properties oauth = saslClient(sasl, "OAUTHBEARER", "alice", "alice-pw");
            oauth.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
                    + " unsecuredLoginStringClaim_sub=\"alice\";");
            assertThatThrownBy(() -> ClusterCheck.verify(oauth, WAIT))
                    .hasMessageContaining("does not accept sasl.mechanism=OAUTHBEARER");
        } finally {
            first.stop();
        }

        // on the same directory alice's SCRAM credentials are still in the metadata log; bob is added
        try (SecuredEmbeddedBroker second = SecuredEmbeddedBroker.start(dir, port, Map.of(),
                SecuredEmbeddedBroker.SaslListener.withUsers(Map.of("bob", "bob-pw")).onPort(saslPort))) {
            assertThat(second.saslBootstrapServers()).isEqualTo(sasl);
            assertThat(ClusterCheck.verify(saslClient(sasl, "SCRAM-SHA-512", "alice", "alice-pw"), WAIT))
                    .as("alice with SCRAM-SHA-512").hasSize(1);
            for (String mechanism : List.of("PLAIN", "SCRAM-SHA-512")) {
                assertThat(ClusterCheck.verify(saslClient(sasl, mechanism, "bob", "bob-pw"), WAIT))
                        .as("bob with %s", mechanism).hasSize(1);
            }
        }
    }

    @Test
    void saslUsersMustFitIntoAJaasConfiguration() {
        assertThatThrownBy(() -> SecuredEmbeddedBroker.SaslListener.withUsers(Map.of("a", "xyzzy\"1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'").hasMessageNotContaining("xyzzy");
        SecuredEmbeddedBroker.SaslListener tls = SecuredEmbeddedBroker.SaslListener.withUsers(Map.of("a", "xyzzy1"))
                .withTls(Path.of("k.p12"), "xyzzy2");
        assertThat(tls).asString().contains("a", "k.p12").doesNotContain("xyzzy");
        assertThat(tls.listener()).asString().contains("SASL_SSL").doesNotContain("xyzzy");
        assertThatThrownBy(() -> SecuredEmbeddedBroker.SaslListener.withUsers(Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
