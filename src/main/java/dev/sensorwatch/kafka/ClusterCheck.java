package dev.sensorwatch.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.utils.Utils;

/**
 * Checks, before a command starts its real work, that the cluster answers with the given client
 * settings (address, security protocol, SASL and TLS settings), within a bounded time.
 *
 * <p>A client that cannot authenticate otherwise fails late and obscurely: one without credentials
 * against a SASL listener, or speaking plain text to a TLS listener, just sees its connections
 * closed and retries until some timeout. Here one {@code describeCluster} call stands for every
 * client of the command, and its failure becomes a message that says what to fix. An address
 * nothing listens on (connection refused, unknown host) is found by a plain TCP connection first
 * and fails within seconds, whatever the timeout. Messages never contain the value of a secret
 * setting.
 */
public final class ClusterCheck {

    /** How long one TCP connection attempt of {@link #probe} may take before it counts as inconclusive. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private ClusterCheck() {
    }

    /**
     * Asks the cluster for its nodes with {@code clientProperties}, waiting at most {@code timeout}.
     *
     * @param clientProperties bootstrap servers and every client setting the command will use
     * @param timeout          how long the cluster may take to answer
     * @return the nodes of the cluster
     * @throws IllegalArgumentException if the client settings themselves are invalid (e.g. a malformed
     *                                  JAAS configuration, or a SASL protocol without one)
     * @throws IllegalStateException    if the cluster cannot be reached or refuses the credentials; the
     *                                  message names the address, the security protocol, the cause and
     *                                  the settings to check
     */
    @SuppressWarnings("checkstyle:qualifiedName") // the future's TimeoutException beside Kafka's
    public static Collection<Node> verify(Properties clientProperties, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, BenignKafkaLogFilter.CLUSTER_CHECK_CLIENT); // its own: see BenignKafkaLogFilter
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        String protocol = props.getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "");
        if (protocol.toUpperCase(Locale.ROOT).startsWith("SASL")
                && props.getProperty(SaslConfigs.SASL_JAAS_CONFIG) == null
                && System.getProperty("java.security.auth.login.config") == null) {
            throw new IllegalArgumentException("security.protocol=" + protocol + " needs credentials: set"
                    + " kafka.sasl.jaas.config (and kafka.sasl.mechanism), e.g. org.apache.kafka.common.security"
                    + ".scram.ScramLoginModule required username=\"…\" password=\"…\";");
        }
        probe(props, timeout, false); // before the client, which would call an unknown host a bad setting
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            throw new IllegalArgumentException("invalid Kafka client settings: "
                    + Secrets.redact(causes(e), clientProperties), e);
        }
        try (admin) {
            probe(props, timeout, true);
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes()
                    .get(millis + 5_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(explain(e.getCause(), clientProperties, timeout), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(explain(new TimeoutException("no answer"), clientProperties, timeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to the Kafka cluster", e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /**
     * Opens (and closes) a TCP connection to the addresses of {@code bootstrap.servers}, one after
     * the other, each attempt waiting at most {@link #PROBE_TIMEOUT}, until one accepts. When none
     * does because every address is refused, has no route or has a host name that does not
     * resolve, no Kafka client could ever connect: this fails at once instead of letting the client
     * retry for the whole timeout. An address that does not answer in time is no proof (a slow
     * network, a busy listener), so then the check goes on with the Kafka client and the full timeout.
     *
     * @param connect whether to connect; without, only the host names are resolved
     * @throws IllegalStateException if no address can be connected to, naming each and why
     */
    static void probe(Properties props, Duration timeout, boolean connect) {
        String bootstrap = props.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> failures = new ArrayList<>();
        for (String address : bootstrap.split(",")) {
            String server = address.strip();
            if (server.isEmpty()) {
                continue;
            }
            String host = Utils.getHost(server);
            Integer port = Utils.getPort(server);
            if (host == null || port == null) {
                return; // malformed: the Kafka client says what is wrong with it
            }
            InetAddress[] ips;
            try {
                ips = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                failures.add(server + ": unknown host " + host);
                continue;
            }
            if (!connect) {
                return;
            }
            for (InetAddress ip : ips) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return; // out of time: let the Kafka client report
                }
                try (Socket socket = new Socket(Proxy.NO_PROXY)) {
                    socket.connect(new InetSocketAddress(ip, port), (int) Math.min(left, PROBE_TIMEOUT.toMillis()));
                    return; // something listens there; the Kafka client checks the rest
                } catch (ConnectException | NoRouteToHostException e) {
                    failures.add(server + (ip.getHostAddress().equals(host) ? "" : " (" + ip.getHostAddress() + ")")
                            + ": " + (e instanceof ConnectException ? "connection refused" : "no route to host"));
                } catch (IOException e) {
                    return; // no answer in time, or another network error: not conclusive
                }
            }
        }
        if (!failures.isEmpty()) {
            String why = failures.size() == 1 && failures.get(0).startsWith(bootstrap.strip() + ": ")
                    ? failures.get(0).substring(bootstrap.strip().length() + 2) : String.join("; ", failures);
            throw new IllegalStateException("cannot connect to the Kafka cluster at " + bootstrap + ": " + why
                    + "; check --bootstrap-server (host and port of a running broker)");
        }
    }

    /** What went wrong and what to check, for the failure {@code cause} of the check. */
    static String explain(Throwable cause, Properties props, Duration timeout) {
        String bootstrap = props.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        String protocol = props.getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
        String mechanism = props.getProperty(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM);
        boolean sasl = protocol.toUpperCase(Locale.ROOT).startsWith("SASL");
        String as = "security.protocol=" + protocol + (sasl ? ", sasl.mechanism=" + mechanism : "");
        String detail = Secrets.redact(String.valueOf(cause.getMessage()), props);
        String message;
        if (cause instanceof UnsupportedSaslMechanismException) {
            message = "the Kafka cluster at " + bootstrap + " does not accept sasl.mechanism=" + mechanism + " ("
                    + detail + "); set kafka.sasl.mechanism to one the cluster enables";
        } else if (cause instanceof SaslAuthenticationException) {
            message = "authentication failed at the Kafka cluster at " + bootstrap + " (" + as + "): " + detail
                    + "; check the user name and password in kafka.sasl.jaas.config and kafka.sasl.mechanism";
        } else if (cause instanceof SslAuthenticationException) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root != cause && root.getMessage() != null) {
                detail += " (" + Secrets.redact(root.getMessage(), props) + ")";
            }
            message = "TLS handshake with the Kafka cluster at " + bootstrap + " failed (" + as + "): " + detail
                    + "; check kafka.ssl.truststore.* (the cluster's certificate authority), and kafka.ssl.keystore.*"
                    + " if the cluster asks for client certificates";
        } else if (cause instanceof AuthenticationException) {
            message = "authentication failed at the Kafka cluster at " + bootstrap + " (" + as + "): " + detail
                    + "; check kafka.security.protocol and the kafka.sasl.* and kafka.ssl.* settings";
        } else if (cause instanceof TimeoutException) {
            message = "no answer from the Kafka cluster at " + bootstrap + " within " + seconds(timeout) + " (" + as
                    + "): it is unreachable, or its listener expects another security protocol or credentials;"
                    + " check --bootstrap-server, kafka.security.protocol and the kafka.sasl.* / kafka.ssl.* settings"
                    + " (--connect-timeout sets how long to wait)";
        } else {
            message = "cannot use the Kafka cluster at " + bootstrap + " (" + as + "): "
                    + cause.getClass().getSimpleName() + ": " + detail;
        }
        return message;
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1e3);
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                text.append(text.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return text.toString();
    }
}
