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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (Kafka's own KRaft server, combined {@code broker,controller} roles)
 * running inside this JVM, bound to 127.0.0.1 only.
 *
 * <p>Used by {@code broker}, {@code demo}, {@code run --embedded-broker}, {@code bench} and the
 * integration tests. The data directory is formatted with Kafka's own storage {@link Formatter} only
 * when it is not formatted yet, so {@link #stop()} followed by {@link #start(Path, int, Map)} on the
 * same directory and port brings the same cluster back with its topics and records.
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
 * <p>Further {@link Listener}s (TLS, SASL) can be added beside the PLAINTEXT one; the PLAINTEXT port
 * stays open for the broker's own readiness check and {@link #createTopics(Map)}. Users, credentials
 * and certificates for them are the caller's business: this class only adds the listener with the
 * settings it is given.
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
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int port;
    /** Security protocol of each further listener to its port. */
    private final Map<String, Integer> listenerPorts;
    private final KafkaRaftServer server;
    private boolean stopped;

    private EmbeddedKafkaBroker(Path dataDir, int port, Map<String, Integer> listenerPorts, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.port = port;
        this.listenerPorts = Map.copyOf(listenerPorts);
        this.server = server;
    }

    /**
     * A further client listener on 127.0.0.1 beside the PLAINTEXT one, advertised like it, so that a
     * client bootstrapped there is sent back to it: for clients that must use another security
     * protocol (TLS, SASL). The broker itself keeps talking PLAINTEXT (inter-broker and controller
     * listeners).
     *
     * @param securityProtocol the listener's security protocol, also its name: {@code SSL},
     *                         {@code SASL_PLAINTEXT} or {@code SASL_SSL}
     * @param port             the client port on 127.0.0.1; 0 picks a free one
     * @param settings         the listener's own broker settings, named without their
     *                         {@code listener.name.<name>.} prefix ({@code ssl.keystore.location},
     *                         {@code sasl.enabled.mechanisms}, {@code plain.sasl.jaas.config}, ...)
     */
    public record Listener(String securityProtocol, int port, Map<String, String> settings) {

        /** Checks the protocol and the port and keeps an immutable copy of the settings. */
        public Listener {
            Objects.requireNonNull(securityProtocol, "securityProtocol");
            if (!List.of("SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(securityProtocol)) {
                throw new IllegalArgumentException("a further listener is SSL, SASL_PLAINTEXT or SASL_SSL, not "
                        + securityProtocol);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(securityProtocol + " port out of range: " + port);
            }
            settings = Map.copyOf(settings);
        }

        /** Names the protocol, the port and the settings, never a setting's value (it may be a password). */
        @Override
        public String toString() {
            return "Listener[" + securityProtocol + ", port=" + port + ", settings=" + new TreeMap<>(settings).keySet()
                    + "]";
        }
    }

    /**
     * Formats {@code dataDir} if needed, starts the broker on {@code port} and returns once it serves clients.
     *
     * @param dataDir   the broker's own directory for its logs and metadata (created if missing)
     * @param port      the client port on 127.0.0.1; 0 picks a free one (the controller always gets another free port)
     * @param overrides broker properties that replace or add to the defaults (for further listeners see
     *                  {@link #start(Path, int, Map, List)}); the readiness check and
     *                  {@link #createTopics(Map)} connect to {@link #bootstrapServers()} as a plain client,
     *                  so the listener on {@code port} must stay PLAINTEXT
     * @return the running broker
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        return start(dataDir, port, overrides, List.of());
    }

    /**
     * Like {@link #start(Path, int, Map)}, with further listeners beside the PLAINTEXT one.
     *
     * @param dataDir   the broker's own directory for its logs and metadata (created if missing)
     * @param port      the PLAINTEXT client port on 127.0.0.1; 0 picks a free one
     * @param overrides broker properties that replace or add to the defaults
     * @param listeners further listeners, each with another security protocol
     * @return the running broker
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides,
                                            List<Listener> listeners) {
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
        List<Integer> taken = new ArrayList<>(List.of(brokerPort, controllerPort));
        Map<String, Integer> listenerPorts = new LinkedHashMap<>();
        for (Listener listener : listeners) {
            int listenerPort = listener.port() == 0
                    ? freePort(taken.stream().mapToInt(Integer::intValue).toArray()) : listener.port();
            taken.add(listenerPort);
            if (listenerPorts.put(listener.securityProtocol(), listenerPort) != null) {
                throw new IllegalArgumentException("two " + listener.securityProtocol() + " listeners");
            }
        }

        Map<String, String> properties = brokerProperties(dir, brokerPort, controllerPort, overrides);
        for (Listener listener : listeners) {
            addListener(properties, listener, listenerPorts.get(listener.securityProtocol()));
        }
        KafkaConfig config = new KafkaConfig(properties, false);
        boolean formatted = formatIfNeeded(config, dir);
        long t1 = System.nanoTime();

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, brokerPort, listenerPorts, server);
        long t2;
        try {
            server.startup();
            t2 = System.nanoTime();
            broker.awaitReady();
        } catch (RuntimeException | Error e) {
            broker.stop();
            throw e;
        }
        long t3 = System.nanoTime();
        StringBuilder further = new StringBuilder();
        listenerPorts.forEach((protocol, listenerPort) ->
                further.append(", ").append(protocol).append(" at ").append(HOST).append(':').append(listenerPort));
        LOG.info("Embedded Kafka broker ready at {}{} (data {}{}) in {} ms: config+format {} ms, server startup {} ms,"
                        + " first client answer {} ms",
                broker.bootstrapServers(), further, dir, formatted ? ", newly formatted" : "", millis(t3 - t0),
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
     * The address of a further listener.
     *
     * @param securityProtocol the listener's security protocol, as in its {@link Listener}
     * @return {@code "127.0.0.1:PORT"}
     * @throws IllegalStateException if the broker was started without such a listener
     */
    public String bootstrapServers(String securityProtocol) {
        return HOST + ":" + port(securityProtocol);
    }

    /**
     * The port of a further listener; pass it in its {@link Listener} to restart on the same address.
     *
     * @param securityProtocol the listener's security protocol, as in its {@link Listener}
     * @return the port of that listener
     * @throws IllegalStateException if the broker was started without such a listener
     */
    public int port(String securityProtocol) {
        Integer listenerPort = listenerPorts.get(securityProtocol);
        if (listenerPort == null) {
            throw new IllegalStateException("this broker has no " + securityProtocol + " listener");
        }
        return listenerPort;
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
     * Creates the topics (replication factor 1, the broker's topic settings) that do not exist yet and
     * waits until every partition of those has a leader; see {@link Topics#ensure(Properties, Map, short, Map)}.
     *
     * @param topicPartitions topic name to partition count; topics that already exist are left as they are
     */
    public void createTopics(Map<String, Integer> topicPartitions) {
        Topics.ensure(adminProperties(), topicPartitions, (short) 1, Map.of());
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

    /** Adds {@code listener} on {@code listenerPort} to the listeners, advertised ones and protocol map. */
    private static void addListener(Map<String, String> p, Listener listener, int listenerPort) {
        String name = listener.securityProtocol();
        p.put("listeners", p.get("listeners") + "," + name + "://" + HOST + ":" + listenerPort);
        p.put("advertised.listeners", p.get("advertised.listeners") + "," + name + "://" + HOST + ":" + listenerPort);
        p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + "," + name + ":" + name);
        String prefix = "listener.name." + name.toLowerCase(Locale.ROOT) + ".";
        listener.settings().forEach((key, value) -> p.put(prefix + key, value));
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Formats the log directories with Kafka's own formatter unless {@code meta.properties} is already there. */
    private static boolean formatIfNeeded(KafkaConfig config, Path dir) {
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

    /** Settings of the broker's own admin client: the PLAINTEXT listener, short timeouts and back-offs. */
    Properties adminProperties() {
        Properties conf = new Properties();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        conf.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        conf.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-broker-admin");
        return conf;
    }

    /** Polls until the broker answers describeCluster with itself as a live node. */
    private void awaitReady() {
        try (Admin admin = Admin.create(adminProperties())) {
            Poll.until("the broker at " + bootstrapServers() + " to answer", STARTUP_TIMEOUT,
                    () -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
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
