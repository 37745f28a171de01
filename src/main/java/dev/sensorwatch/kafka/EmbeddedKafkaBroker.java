package dev.sensorwatch.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (Kafka's own KRaft server, combined {@code broker,controller} roles)
 * running inside this JVM, bound to 127.0.0.1 only.
 *
 * <p>Used by the demo, by {@code run} when no cluster is named, and by integration tests. The data
 * directory is formatted with Kafka's own storage {@link Formatter} only when it is not formatted yet,
 * so {@link #stop()} followed by {@link #start(Path, int, Map)} on the same directory and port brings
 * the same cluster back with its topics and records.
 *
 * <p>Default broker settings (each can be replaced through the {@code overrides} map):
 * <ul>
 *   <li>replication factor 1 and min ISR 1 for the internal topics ({@code __consumer_offsets},
 *       {@code __transaction_state}, {@code __share_group_state}); without these a one-node broker
 *       cannot create them, so consumer groups get nothing and transactions hang;</li>
 *   <li>{@code group.initial.rebalance.delay.ms=0}, so a consumer group gets its first assignment at once;</li>
 *   <li>{@code num.partitions=1} and a single partition for each internal topic;</li>
 *   <li>{@code auto.create.topics.enable=false}: a typo in a topic name fails loudly instead of silently
 *       creating an empty topic; create topics with {@link #createTopics(Map)};</li>
 *   <li>16 MiB log segments and an 8 MiB log-cleaner buffer; no time or size retention: replayed
 *       history carries record timestamps from years ago, which time-based retention would delete
 *       while it is being processed. The data directory grows until it is removed.</li>
 * </ul>
 *
 * <p>With a {@link SaslListener} the broker also listens on a second port for {@code SASL_PLAINTEXT}
 * (or, with a key store, {@code SASL_SSL}) clients, mechanisms {@code PLAIN}, {@code SCRAM-SHA-256} and
 * {@code SCRAM-SHA-512}, and advertises it, so that a client bootstrapped there is sent back to it and
 * must authenticate on every connection; the PLAINTEXT port stays open for the broker's own readiness
 * check and {@link #createTopics(Map)}.
 *
 * <p>Note that Kafka's fatal-error handlers end the process (as a stand-alone broker would) if the
 * broker meets an unrecoverable storage fault.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The node id of the single combined broker/controller. */
    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final List<String> SCRAM_MECHANISMS = List.of("SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final int saslPort;
    private final KafkaRaftServer server;
    private boolean stopped;

    private EmbeddedKafkaBroker(Path dataDir, int port, int saslPort, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.port = port;
        this.saslPort = saslPort;
        this.server = server;
    }

    /**
     * An extra SASL listener on 127.0.0.1 that accepts the mechanisms {@code PLAIN}, {@code SCRAM-SHA-256}
     * and {@code SCRAM-SHA-512} for the given users: {@code SASL_PLAINTEXT}, or {@code SASL_SSL} when a
     * key store is given ({@link #withTls(Path, String)}).
     *
     * <p>PLAIN users are part of the listener's JAAS configuration; SCRAM credentials are written into the
     * cluster metadata when the data directory is formatted and, on a restart on an already formatted
     * directory, created (or replaced) through the Admin API before {@code start} returns.
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
     * Formats {@code dataDir} if needed, starts the broker on {@code port} and returns once it serves clients.
     *
     * @param dataDir   the broker's own directory for its logs and metadata (created if missing)
     * @param port      the client port on 127.0.0.1; 0 picks a free one (the controller always gets another free port)
     * @param overrides broker properties that replace or add to the defaults (for an extra SASL listener
     *                  see {@link #start(Path, int, Map, SaslListener)}); the readiness check and
     *                  {@link #createTopics(Map)} connect to {@link #bootstrapServers()} as a plain client,
     *                  so the listener on {@code port} must stay PLAINTEXT
     * @return the running broker
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        return start(dataDir, port, overrides, null);
    }

    /**
     * Like {@link #start(Path, int, Map)}, with an extra SASL listener for clients that must authenticate.
     *
     * @param dataDir   the broker's own directory for its logs and metadata (created if missing)
     * @param port      the PLAINTEXT client port on 127.0.0.1; 0 picks a free one
     * @param overrides broker properties that replace or add to the defaults
     * @param sasl      the SASL listener and its users, or {@code null} for none
     * @return the running broker
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides, SaslListener sasl) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(overrides, "overrides");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        long t0 = System.nanoTime();
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker data directory " + dir, e);
        }
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort(brokerPort);
        int saslPort = sasl == null ? -1 : sasl.port() == 0 ? freePort(brokerPort, controllerPort) : sasl.port();

        Map<String, String> properties = brokerProperties(dir, brokerPort, controllerPort, overrides);
        if (sasl != null) {
            addSaslListener(properties, saslPort, sasl);
        }
        KafkaConfig config = new KafkaConfig(properties, false);
        boolean formatted = formatIfNeeded(config, dir, sasl);
        long t1 = System.nanoTime();

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, brokerPort, saslPort, server);
        long t2;
        try {
            server.startup();
            t2 = System.nanoTime();
            broker.awaitReady();
            if (sasl != null && !formatted) {
                broker.upsertScramUsers(sasl.users());
            }
        } catch (RuntimeException | Error e) {
            broker.stop();
            throw e;
        }
        long t3 = System.nanoTime();
        LOG.info("Embedded Kafka broker ready at {}{} (data {}{}) in {} ms: config+format {} ms, server startup {} ms,"
                        + " first client answer {} ms",
                broker.bootstrapServers(),
                sasl == null ? "" : ", " + sasl.securityProtocol() + " at " + broker.saslBootstrapServers(),
                dir, formatted ? ", newly formatted" : "", millis(t3 - t0),
                millis(t1 - t0), millis(t2 - t1), millis(t3 - t2));
        return broker;
    }

    /**
     * Starts a broker on a free port with the default settings; see {@link #start(Path, int, Map)}.
     *
     * @param dataDir the broker's own directory for its logs and metadata
     * @return the running broker
     */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, 0, Map.of());
    }

    /**
     * The address clients connect to.
     *
     * @return {@code "127.0.0.1:PORT"}
     */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /**
     * The address of the SASL listener, for clients that authenticate.
     *
     * @return {@code "127.0.0.1:PORT"}
     * @throws IllegalStateException if the broker was started without a {@link SaslListener}
     */
    public String saslBootstrapServers() {
        return HOST + ":" + saslPort();
    }

    /**
     * The SASL client port; pass it in a {@link SaslListener} to restart on the same address.
     *
     * @return the port of the SASL listener
     * @throws IllegalStateException if the broker was started without a {@link SaslListener}
     */
    public int saslPort() {
        if (saslPort < 0) {
            throw new IllegalStateException("this broker has no SASL listener");
        }
        return saslPort;
    }

    /**
     * The client port; pass it to {@link #start(Path, int, Map)} to restart on the same address.
     *
     * @return the port the broker listens on for clients
     */
    public int port() {
        return port;
    }

    /**
     * The directory holding the broker's logs and metadata.
     *
     * @return the absolute data directory
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates the topics (replication factor 1) that do not exist yet and waits until every partition has a leader.
     *
     * @param topicPartitions topic name to partition count; topics that already exist are left as they are
     */
    public void createTopics(Map<String, Integer> topicPartitions) {
        if (topicPartitions.isEmpty()) {
            return;
        }
        List<NewTopic> newTopics = new ArrayList<>();
        topicPartitions.forEach((name, partitions) -> newTopics.add(new NewTopic(name, partitions, (short) 1)));
        try (Admin admin = admin()) {
            admin.createTopics(newTopics).values().forEach((name, future) -> {
                try {
                    future.get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name, e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topic " + name, e);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("timed out creating topic " + name, e);
                }
            });
            awaitLeaders(admin, topicPartitions.keySet());
        }
    }

    /**
     * Shuts the broker down in order and waits until it has stopped; the port is free again afterwards.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long t0 = System.nanoTime();
        try {
            server.shutdown();
        } finally {
            server.awaitShutdown();
        }
        LOG.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers(), millis(System.nanoTime() - t0));
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    // ---------------------------------------------------------------- internals

    private static Map<String, String> brokerProperties(Path dir, int brokerPort, int controllerPort,
                                                        Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>();
        // identity and listeners: KRaft combined mode, one static voter, loopback only
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dir.toString());

        // one node: internal topics with RF 1 / min ISR 1, otherwise groups and transactions never work
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");

        // a small dev broker
        p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("log.retention.ms", "-1");
        p.put("log.retention.bytes", "-1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");

        p.putAll(overrides);
        return p;
    }

    /**
     * Adds the SASL listener: PLAIN users in its JAAS configuration, SCRAM credentials from the
     * cluster metadata. The broker itself keeps talking PLAINTEXT (inter-broker and controller listeners).
     */
    private static void addSaslListener(Map<String, String> p, int saslPort, SaslListener sasl) {
        String listener = sasl.securityProtocol();
        String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
        p.put("listeners", p.get("listeners") + "," + listener + "://" + HOST + ":" + saslPort);
        p.put("advertised.listeners", p.get("advertised.listeners") + "," + listener + "://" + HOST + ":" + saslPort);
        p.put("listener.security.protocol.map",
                p.get("listener.security.protocol.map") + "," + listener + ":" + listener);
        if (sasl.keyStore() != null) {
            p.put(prefix + "ssl.keystore.type", "PKCS12");
            p.put(prefix + "ssl.keystore.location", sasl.keyStore().toAbsolutePath().toString());
            p.put(prefix + "ssl.keystore.password", sasl.keyStorePassword());
            p.put(prefix + "ssl.key.password", sasl.keyStorePassword());
        }
        p.put(prefix + "sasl.enabled.mechanisms", "PLAIN," + String.join(",", SCRAM_MECHANISMS));
        StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        new TreeMap<>(sasl.users()).forEach((name, password) ->
                plain.append(" user_").append(name).append("=\"").append(password).append('"'));
        p.put(prefix + "plain.sasl.jaas.config", plain.append(';').toString());
        for (String mechanism : SCRAM_MECHANISMS) {
            p.put(prefix + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
    }

    /** The storage formatter's {@code --add-scram} arguments for every user and SCRAM mechanism. */
    private static List<String> scramArguments(Map<String, String> users) {
        List<String> arguments = new ArrayList<>();
        for (String mechanism : SCRAM_MECHANISMS) {
            new TreeMap<>(users).forEach((name, password) ->
                    arguments.add(mechanism + "=[name=" + name + ",password=\"" + password + "\"]"));
        }
        return arguments;
    }

    /**
     * Creates or replaces the users' SCRAM credentials through the Admin API and waits until the broker
     * lists them (the directory was formatted earlier, possibly with other users).
     */
    private void upsertScramUsers(Map<String, String> users) {
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            // a request may alter each user once: one request per mechanism
            for (String mechanism : SCRAM_MECHANISMS) {
                List<UserScramCredentialAlteration> alterations = new ArrayList<>();
                users.forEach((name, password) -> alterations.add(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(ScramMechanism.fromMechanismName(mechanism), 4096), password)));
                admin.alterUserScramCredentials(alterations).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            while (System.nanoTime() < deadline) {
                try {
                    var described = admin.describeUserScramCredentials(List.copyOf(users.keySet())).all()
                            .get(5, TimeUnit.SECONDS);
                    if (described.keySet().containsAll(users.keySet()) && described.values().stream()
                            .allMatch(d -> d.credentialInfos().size() == SCRAM_MECHANISMS.size())) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e; // ResourceNotFound until the metadata reaches the broker
                }
                pause(50);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the SCRAM users " + users.keySet(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM users", e);
        }
        throw new IllegalStateException("SCRAM users " + users.keySet() + " not visible after " + TOPIC_TIMEOUT, last);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Formats the log directories with Kafka's own formatter unless {@code meta.properties} is already there. */
    private static boolean formatIfNeeded(KafkaConfig config, Path dir, SaslListener sasl) {
        Path metaProperties = dir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
        if (Files.exists(metaProperties)) {
            LOG.debug("{} is already formatted", dir);
            return false;
        }
        // The same steps as `kafka-storage.sh format` (kafka.tools.StorageTool.runFormatCommand) for a
        // controller with a static controller.quorum.voters.
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .setNodeId(config.nodeId())
                .setWriteBootstrapSnapshot(true)
                .setClusterId(Uuid.randomUuid().toString())
                .setUnstableFeatureVersionsEnabled(false)
                .setIgnoreFormatted(true)
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setHasDynamicQuorum(false);
        if (sasl != null) {
            formatter.setScramArguments(scramArguments(sasl.users()));
        }
        for (String logDir : config.logDirs()) {
            formatter.addDirectory(logDir);
        }
        if (!formatter.directories().contains(config.metadataLogDir())) {
            formatter.addDirectory(config.metadataLogDir());
        }
        try {
            formatter.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dir, e);
        }
        LOG.debug("formatted {}", dir);
        return true;
    }

    private Admin admin() {
        Map<String, Object> conf = new HashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        conf.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        conf.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-broker-admin");
        return Admin.create(conf);
    }

    /** Polls until the broker answers describeCluster with itself as a live node. */
    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the broker", e);
                }
                pause(50);
            }
        }
        throw new IllegalStateException("broker at " + bootstrapServers() + " not ready after " + STARTUP_TIMEOUT, last);
    }

    /** Polls until every partition of the topics has a leader in the broker's metadata. */
    private static void awaitLeaders(Admin admin, Set<String> topics) {
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
                boolean allLed = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .map(TopicPartitionInfo::leader)
                        .allMatch(leader -> leader != null && !leader.isEmpty());
                if (allLed) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e; // typically UnknownTopicOrPartition until the metadata reaches the broker
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + topics, e);
            }
            pause(50);
        }
        throw new IllegalStateException("topics " + topics + " have no leaders after " + TOPIC_TIMEOUT, last);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort(int... avoid) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                int candidate = socket.getLocalPort();
                boolean clash = false;
                for (int a : avoid) {
                    clash |= a == candidate;
                }
                if (!clash) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("cannot find a free port on " + HOST);
    }
}
