package dev.sensorwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@link ClusterCheck} and {@link Secrets} without a broker: what a user reads when the cluster is not there. */
class ClusterCheckTest {

    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"sw\" password=\"hunter2\";";

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionFailsAtOnceWhateverTheTimeout() throws IOException {
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:" + closedPort() + ", 127.0.0.1:" + closedPort());
        // generous bound: the point is "not the 30 s timeout", not a speed target
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThatThrownBy(
                () -> ClusterCheck.verify(props, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot connect to the Kafka cluster at " + props.get("bootstrap.servers"))
                .hasMessageContaining("connection refused")
                .hasMessageContaining("check --bootstrap-server"));
    }

    @Test
    void anUnknownHostFailsAtOnce() {
        Properties props = new Properties();
        props.put("bootstrap.servers", "no-such-host.invalid:9092");
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThatThrownBy(
                () -> ClusterCheck.verify(props, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown host no-such-host.invalid"));
    }

    /**
     * A listener that takes connections but never answers (the kernel completes the handshake of a
     * socket nobody accepts from) passes the quick probe and gets the whole timeout: a slow cluster
     * is not refused early.
     */
    @Test
    void noAnswerWithinTheTimeoutNamesAddressProtocolAndSettings() throws IOException {
        Properties props = new Properties();
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        props.put("bootstrap.servers", "127.0.0.1:" + silent.getLocalPort());
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", JAAS);
        long t0 = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThatThrownBy(
                () -> ClusterCheck.verify(props, Duration.ofMillis(1500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no answer from the Kafka cluster at " + props.get("bootstrap.servers")
                        + " within 1.5 s")
                .hasMessageContaining("security.protocol=SASL_PLAINTEXT, sasl.mechanism=SCRAM-SHA-512")
                .hasMessageContaining("kafka.security.protocol")
                .hasMessageNotContaining("hunter2"));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        silent.close();
        assertThat(millis).as("waited for the timeout").isGreaterThanOrEqualTo(1500);
        System.out.printf("cluster check gave up after %d ms (timeout 1500 ms)%n", millis);
    }

    @Test
    void malformedClientSettingsAreAUsageErrorWithoutTheSecret() {
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:9");
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", JAAS.replace(";", "")); // not terminated
        assertThatThrownBy(() -> ClusterCheck.verify(props, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid Kafka client settings")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void redactHidesSecretValuesAndThePasswordsInsideJaas() {
        Map<String, String> settings = Map.of("sasl.jaas.config", JAAS, "ssl.truststore.password", "s3cret!",
                "security.protocol", "SASL_SSL");
        String text = "bad " + JAAS + " or s3cret! or just hunter2 via SASL_SSL";
        assertThat(Secrets.redact(text, settings))
                .doesNotContain("hunter2", "s3cret!").contains("SASL_SSL", Secrets.HIDDEN);
        assertThat(Secrets.redact(null, settings)).isNull();
        assertThat(Secrets.isSecret("sasl.oauthbearer.client.credentials.client.secret")).isTrue();
        assertThat(Secrets.isSecret("ssl.keystore.key")).isTrue();
        assertThat(Secrets.isSecret("sasl.mechanism")).isFalse();
    }
}
