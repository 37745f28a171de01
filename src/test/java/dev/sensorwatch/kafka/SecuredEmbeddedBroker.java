package dev.sensorwatch.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A test fixture: the {@link EmbeddedKafkaBroker} with a further listener for clients that must
 * authenticate, {@code SASL_PLAINTEXT} or (with a key store) {@code SASL_SSL}, mechanisms {@code PLAIN},
 * {@code SCRAM-SHA-256} and {@code SCRAM-SHA-512}, for the users of its {@link SaslListener}. The
 * listener is advertised, so a client bootstrapped there is sent back to it and must authenticate on
 * every connection; the PLAINTEXT port stays open for the broker's own readiness check, topic creation
 * and the SCRAM users set up here.
 *
 * <p>PLAIN users are part of the listener's JAAS configuration; SCRAM credentials are created (or
 * replaced) through the Admin API on the PLAINTEXT listener before {@link #start} returns, on a new
 * data directory and on a restart alike. Users of an earlier start stay in the cluster's metadata.
 */
public final class SecuredEmbeddedBroker implements AutoCloseable {

    private static final List<String> SCRAM_MECHANISMS = List.of("SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Duration USERS_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafkaBroker broker;
    private final String protocol;

    private SecuredEmbeddedBroker(EmbeddedKafkaBroker broker, String protocol) {
        this.broker = broker;
        this.protocol = protocol;
    }

    /**
     * The SASL listener on 127.0.0.1 and its users: {@code SASL_PLAINTEXT}, or {@code SASL_SSL} when a
     * key store is given ({@link #withTls(Path, String)}).
     *
     * @param port             the SASL client port on 127.0.0.1; 0 picks a free one
     * @param users            user name to password; names and passwords must not contain {@code "}, {@code ,},
     *                         {@code =}, {@code ;}, a backslash or white space
     * @param keyStore         a PKCS12 key store with the broker's key and certificate (for 127.0.0.1), or
     *                         {@code null} for a listener without TLS
     * @param keyStorePassword the password of the key store and of its key; {@code null} without TLS
     */
    public record SaslListener(int port, Map<String, String> users, Path keyStore, String keyStorePassword) {

        /** Checks the port, the users and the key store and keeps an immutable copy of the users. */
        public SaslListener {
            if ((keyStore == null) != (keyStorePassword == null)) {
                throw new IllegalArgumentException("a TLS key store needs its password, and a password its key store");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("SASL port out of range: " + port);
            }
            Objects.requireNonNull(users, "users");
            if (users.isEmpty()) {
                throw new IllegalArgumentException("a SASL listener needs at least one user");
            }
            users.forEach((name, password) -> {
                if (!plainToken(name) || !plainToken(password)) {
                    throw new IllegalArgumentException("SASL user names and passwords must be non-empty and must not"
                            + " contain \", , = ; \\ or white space (user '" + name + "')");
                }
            });
            users = Map.copyOf(users);
        }

        /**
         * A listener on a free port.
         *
         * @param users user name to password
         * @return the listener
         */
        public static SaslListener withUsers(Map<String, String> users) {
            return new SaslListener(0, users, null, null);
        }

        /**
         * The same listener with TLS: {@code SASL_SSL}.
         *
         * @param keyStore         a PKCS12 key store with the broker's key and certificate
         * @param keyStorePassword its password (also the key's)
         * @return the listener with TLS
         */
        public SaslListener withTls(Path keyStore, String keyStorePassword) {
            return new SaslListener(port, users, keyStore, keyStorePassword);
        }

        /**
         * The same listener on another port.
         *
         * @param newPort the port; 0 picks a free one
         * @return the listener on {@code newPort}
         */
        public SaslListener onPort(int newPort) {
            return new SaslListener(newPort, users, keyStore, keyStorePassword);
        }

        /**
         * The listener's security protocol, which is also its listener name.
         *
         * @return {@code SASL_SSL} with a key store, {@code SASL_PLAINTEXT} without
         */
        public String securityProtocol() {
            return keyStore == null ? "SASL_PLAINTEXT" : "SASL_SSL";
        }

        /**
         * The broker listener: the key store, if any, and the mechanisms, with the PLAIN users in its
         * JAAS configuration; SCRAM credentials come from the cluster metadata.
         */
        EmbeddedKafkaBroker.Listener listener() {
            Map<String, String> settings = new LinkedHashMap<>();
            if (keyStore != null) {
                settings.put("ssl.keystore.type", "PKCS12");
                settings.put("ssl.keystore.location", keyStore.toAbsolutePath().toString());
                settings.put("ssl.keystore.password", keyStorePassword);
                settings.put("ssl.key.password", keyStorePassword);
            }
            settings.put("sasl.enabled.mechanisms", "PLAIN," + String.join(",", SCRAM_MECHANISMS));
            StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            new TreeMap<>(users).forEach((name, password) ->
                    plain.append(" user_").append(name).append("=\"").append(password).append('"'));
            settings.put("plain.sasl.jaas.config", plain.append(';').toString());
            for (String mechanism : SCRAM_MECHANISMS) {
                settings.put(mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
            return new EmbeddedKafkaBroker.Listener(securityProtocol(), port, settings);
        }

        /** Names the users and the key store, never a password. */
        @Override
        public String toString() {
            return "SaslListener[port=" + port + ", users=" + new TreeMap<>(users).keySet()
                    + (keyStore == null ? "" : ", keyStore=" + keyStore) + "]";
        }

        private static boolean plainToken(String text) {
            return text != null && !text.isEmpty() && text.chars().noneMatch(c -> "\",=;\\".indexOf(c) >= 0
                    || Character.isWhitespace(c));
        }
    }

    /**
     * Starts the broker with the SASL listener (see {@link EmbeddedKafkaBroker#start(Path, int, Map, List)})
     * and returns once its SCRAM users can log in.
     *
     * @param dataDir   the broker's own directory for its logs and metadata (created if missing)
     * @param port      the PLAINTEXT client port on 127.0.0.1; 0 picks a free one
     * @param overrides broker properties that replace or add to the defaults
     * @param sasl      the SASL listener and its users
     * @return the running broker
     */
    public static SecuredEmbeddedBroker start(Path dataDir, int port, Map<String, String> overrides, SaslListener sasl) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port, overrides, List.of(sasl.listener()));
        try {
            upsertScramUsers(broker, sasl.users());
        } catch (RuntimeException | Error e) {
            broker.stop();
            throw e;
        }
        return new SecuredEmbeddedBroker(broker, sasl.securityProtocol());
    }

    /**
     * Creates or replaces the users' SCRAM credentials through the Admin API and waits until the broker
     * lists them (the directory may have been formatted earlier, possibly with other users).
     */
    private static void upsertScramUsers(EmbeddedKafkaBroker broker, Map<String, String> users) {
        try (Admin admin = Admin.create(broker.adminProperties())) {
            // a request may alter each user once: one request per mechanism
            for (String mechanism : SCRAM_MECHANISMS) {
                List<UserScramCredentialAlteration> alterations = new ArrayList<>();
                users.forEach((name, password) -> alterations.add(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(ScramMechanism.fromMechanismName(mechanism), 4096), password)));
                admin.alterUserScramCredentials(alterations).all().get(USERS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            // ResourceNotFound until the metadata reaches the broker
            Poll.until("the SCRAM users " + new TreeMap<>(users).keySet() + " to be visible", USERS_TIMEOUT, () -> {
                var described = admin.describeUserScramCredentials(List.copyOf(users.keySet())).all()
                        .get(5, TimeUnit.SECONDS);
                return described.keySet().containsAll(users.keySet()) && described.values().stream()
                        .allMatch(d -> d.credentialInfos().size() == SCRAM_MECHANISMS.size());
            });
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the SCRAM users " + users.keySet(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM users", e);
        }
    }

    /** The broker itself. */
    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** The PLAINTEXT address, for clients that do not authenticate ({@code "127.0.0.1:PORT"}). */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The PLAINTEXT port; pass it to {@link #start} to restart on the same address. */
    public int port() {
        return broker.port();
    }

    /** The address of the SASL listener, for clients that authenticate ({@code "127.0.0.1:PORT"}). */
    public String saslBootstrapServers() {
        return broker.bootstrapServers(protocol);
    }

    /** The SASL client port; pass it in a {@link SaslListener} to restart on the same address. */
    public int saslPort() {
        return broker.port(protocol);
    }

    /** Stops the broker; see {@link EmbeddedKafkaBroker#stop()}. */
    public void stop() {
        broker.stop();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
