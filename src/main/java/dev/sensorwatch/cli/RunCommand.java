package dev.sensorwatch.cli;

import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import dev.sensorwatch.kafka.Topics;
import dev.sensorwatch.stream.CatchUp;
import dev.sensorwatch.stream.DetectorMetrics;
import dev.sensorwatch.stream.DetectorTopology;
import dev.sensorwatch.stream.StreamsRunner;
import dev.sensorwatch.stream.TopologySettings;
import dev.sensorwatch.view.FleetView;
import dev.sensorwatch.view.FleetViewHandler;
import dev.sensorwatch.view.ProcessMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch run}: the stream processor. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the stream processor: reads readings, writes scores, anomalies and dead letters."
            + " Needs --bootstrap-server, the Kafka cluster to work with, or --embedded-broker, which starts a"
            + " single-node Kafka broker in this process for trying sensorwatch out. Run more instances with the same"
            + " --application-id to share the work; stops cleanly on SIGTERM."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    Main main;

    @Mixin
    KafkaClientOptions kafka;

    @Mixin
    CommonOptions common;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = "sensorwatch",
            description = "Kafka Streams application id; instances with the same id share partitions. Default: ${DEFAULT-VALUE}.")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "sensorwatch-data/state",
            description = "Directory of the local state stores. Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Option(names = "--embedded-broker",
            description = "Instead of --bootstrap-server: start a single-node Kafka broker in this process, on"
                    + " 127.0.0.1:--broker-port, and process the readings published to it. For trying sensorwatch out.")
    boolean embeddedBroker;

    @Option(names = "--broker-dir", paramLabel = "DIR", defaultValue = "sensorwatch-data/broker",
            description = "Data directory of the embedded broker (with --embedded-broker). Default: ${DEFAULT-VALUE}.")
    Path brokerDir;

    @Option(names = "--broker-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Port of the embedded broker (with --embedded-broker; 0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int brokerPort;

    @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create missing topics with --partitions partitions. Default: ${DEFAULT-VALUE}.")
    boolean createTopics;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address of the /metrics and /health endpoints. Default: ${DEFAULT-VALUE}.")
    String metricsHost;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9464",
            description = "Port of the fleet view and the /metrics and /health endpoints; -1 disables them."
                    + " Default: ${DEFAULT-VALUE}.")
    int metricsPort;

    @Option(names = "--advertised-host", paramLabel = "HOST",
            description = "Host name other instances use to reach this one's fleet view (Kafka Streams'"
                    + " application.server, with the --metrics-port in use). Default: --metrics-host, or this"
                    + " machine's host name when that is a wildcard address.")
    String advertisedHost;

    @Option(names = "--stop-when-caught-up",
            description = "Exit 0 once every reading in the input topic has been scored and committed, and the output"
                    + " topics are readable to their ends by read-committed consumers (for backfills).")
    boolean stopWhenCaughtUp;

    @Option(names = "--detector-cache", paramLabel = "SENSORS", defaultValue = "" + TopologySettings.DEFAULT_DETECTOR_CACHE,
            description = "Sensors whose decoded detectors each stream task keeps in memory (about 25 KB per sensor"
                    + " with one channel, 70 KB with eight): their readings skip decoding the stored state, and a"
                    + " detector is encoded and written once per commit however many readings it scored; 0 writes"
                    + " every reading as it is scored. Default: ${DEFAULT-VALUE}.")
    int detectorCache;

    @Option(names = "--checkpoint-every", paramLabel = "READINGS",
            defaultValue = "" + TopologySettings.DEFAULT_CHECKPOINT_EVERY,
            description = "Readings after which a sensor's whole detector is written again; at a commit in between, the"
                    + " readings it scored since its last write are written instead, a few dozen bytes each, and scored"
                    + " again when the detector is next decoded (after a restart or a move: at most READINGS - 1 per"
                    + " sensor). 1 writes the whole detector at every commit in which the sensor scored."
                    + " Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--fleet-view", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Keep each sensor's latest scores and events in two state stores and serve the fleet view"
                    + " on the --metrics-port; --no-fleet-view saves their writes (a ring entry per reading, a"
                    + " summary per sensor and commit). Default: ${DEFAULT-VALUE}.")
    boolean fleetView;

    @Option(names = "--reset", description = "Delete this instance's local state before starting (it is rebuilt from the changelog topics).")
    boolean reset;

    private Properties clientProperties;

    @Override
    public Integer call() throws Exception {
        TopologySettings settings = common.topology().withDetectorCache(detectorCache).withFleetView(fleetView)
                .withCheckpointEvery(checkpointEvery);
        Map<String, String> overrides = kafka.settings(main.settings);
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new IllegalArgumentException("--metrics-port must be -1 (off) or a port, got " + metricsPort);
        }
        checkCluster();
        Map<String, String> commonTags = Map.of("application", applicationId,
                "instance", InetAddress.getLocalHost().getHostName());
        PrometheusMeterRegistry registry = ProcessMetrics.registry(commonTags);
        AtomicReference<StreamsRunner> started = new AtomicReference<>();
        // bind the endpoints first: a port in use stops start-up before anything else happens
        HttpEndpoints endpoints = metricsPort < 0 ? null : HttpEndpoints.start(metricsHost, metricsPort, registry,
                () -> started.get() != null && started.get().healthy());
        if (endpoints != null) {
            main.spec.commandLine().getOut().println("Metrics at http://" + metricsHost + ":" + endpoints.port() + "/metrics");
        }
        EmbeddedKafkaBroker broker = null;
        StreamsRunner runner;
        try {
            String bootstrap = kafka.bootstrapServer;
            if (embeddedBroker) {
                LOG.warn("Starting an embedded single-node Kafka broker (--embedded-broker); this instance scores only"
                        + " what is published to it");
                broker = EmbeddedKafkaBroker.start(brokerDir, brokerPort, Map.of());
                bootstrap = broker.bootstrapServers();
                main.spec.commandLine().getOut().println("Embedded Kafka broker at " + bootstrap + " (data in " + brokerDir
                        + "): publish readings there, e.g. replay --bootstrap-server " + bootstrap);
            }
            clientProperties = kafka.connect(main.settings, bootstrap);
            LOG.info("Starting {} against {} with Kafka settings {}", applicationId, bootstrap, Settings.masked(overrides));
            checkInputTopic(Topics.names(clientProperties), settings);
            if (createTopics) {
                Topics.ensure(clientProperties, common.topicPartitions(settings), (short) -1);
            }
            Properties props = StreamsRunner.properties(applicationId, bootstrap, stateDir, overrides);
            HostInfo self = null;
            if (endpoints != null && fleetView) {
                self = new HostInfo(advertisedHost(), endpoints.port());
                props.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
            }
            runner = new StreamsRunner(DetectorTopology.build(settings, new DetectorMetrics(registry, commonTags)), props, registry);
            runner.exportConsumerLag(registry, commonTags);
            ProcessMetrics.bindTo(registry);
            if (endpoints != null && fleetView) {
                endpoints.serveRest(new FleetViewHandler(new FleetView(runner.streams(), self,
                        settings.detector().threshold())));
                main.spec.commandLine().getOut().println("Fleet view at http://" + metricsHost + ":" + endpoints.port() + "/");
            }
            started.set(runner);
        } catch (RuntimeException e) {
            if (endpoints != null) {
                endpoints.close();
            }
            if (broker != null) {
                broker.stop();
            }
            throw e;
        }
        EmbeddedKafkaBroker embedded = broker;
        Runnable stop = () -> {
            LOG.info("Stopping");
            runner.close(Duration.ofSeconds(30));
            if (endpoints != null) {
                endpoints.close();
            }
            if (embedded != null) {
                embedded.stop();
            }
        };
        Thread shutdownHook = new Thread(stop, "sensorwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            if (reset) {
                runner.cleanUp();
            }
            runner.start();
            main.spec.commandLine().getOut().println("Processing " + settings.inputTopic() + " -> "
                    + settings.scoresTopic() + ", " + settings.anomaliesTopic() + ", " + settings.deadLetterTopic()
                    + " (" + settings.outputFormat() + " records) as " + applicationId + "; stop with Ctrl-C or SIGTERM");
            if (stopWhenCaughtUp) {
                PrintWriter out = main.spec.commandLine().getOut();
                long held = CatchUp.await(runner, clientProperties, applicationId, settings,
                        CatchUp.transactionTimeout(overrides), (records, timeout) -> out.printf("%,d records on the"
                                + " output topics wait behind a transaction an earlier instance left open; the broker"
                                + " aborts it after transaction.timeout.ms (%d s)%n", records, timeout.toSeconds()));
                if (held != 0) {
                    main.spec.commandLine().getErr().printf("sensorwatch run: the output topics are still held back by"
                            + " an open transaction (%s records); they become readable once the broker aborts it%n",
                            held < 0 ? "unknown number of" : String.format("%,d", held));
                }
                out.println("Caught up with " + settings.inputTopic() + "; stopping");
                runner.close(Duration.ofSeconds(30));
            }
            KafkaStreams.State end = runner.stopped().join();
            if (end == KafkaStreams.State.ERROR) {
                main.spec.commandLine().getErr().println("sensorwatch run: Kafka Streams failed; see the log above");
                return 1;
            }
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
                stop.run();
            } catch (IllegalStateException exiting) {
                // the JVM is shutting down (SIGTERM): the hook stops everything
            }
        }
    }

    /**
     * Checks that exactly one of {@code --bootstrap-server} and {@code --embedded-broker} is given,
     * so that a misconfigured cluster address never ends in an instance that looks healthy but
     * processes an empty broker of its own.
     */
    private void checkCluster() {
        String bootstrap = kafka.bootstrapServer;
        if (embeddedBroker && bootstrap != null) {
            throw new IllegalArgumentException("--embedded-broker and --bootstrap-server " + bootstrap
                    + " exclude each other: give one");
        }
        if (!embeddedBroker && bootstrap != null && bootstrap.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-server is empty (is SENSORWATCH_BOOTSTRAP_SERVER, or"
                    + " bootstrap-server in the config file, set to an empty value?)");
        }
        if (!embeddedBroker && bootstrap == null) {
            throw new IllegalArgumentException("run needs the Kafka cluster to work with: --bootstrap-server HOST:PORT"
                    + " (or SENSORWATCH_BOOTSTRAP_SERVER, or bootstrap-server= in the config file); or --embedded-broker"
                    + " to start a single-node broker in this process for trying sensorwatch out");
        }
    }

    /**
     * Stops start-up when the input topic does not exist but one with a near name does (a typo
     * would otherwise create an empty topic and leave a healthy-looking instance scoring nothing),
     * or when it does not exist and topics are not to be created; says loudly that it creates a
     * missing one otherwise.
     */
    private void checkInputTopic(Set<String> existing, TopologySettings settings) {
        String input = settings.inputTopic();
        if (existing.contains(input)) {
            return;
        }
        List<String> candidates = existing.stream()
                .filter(t -> !t.startsWith("__") && !t.startsWith(applicationId + "-"))
                .filter(t -> !t.equals(settings.scoresTopic()) && !t.equals(settings.anomaliesTopic())
                        && !t.equals(settings.deadLetterTopic()))
                .sorted().toList();
        String near = Names.nearest(input, candidates);
        if (near != null) {
            throw new Main.UsageException("the input topic " + input + " does not exist, but " + near
                    + " does (did you mean --input-topic " + near + "?)");
        }
        if (!createTopics) {
            throw new Main.UsageException("the input topic " + input + " does not exist (and --no-create-topics"
                    + " keeps run from creating it); check --input-topic");
        }
        LOG.warn("The input topic {} does not exist; creating it", input);
        main.spec.commandLine().getOut().println("Creating the input topic " + input + ", which did not exist:"
                + " nothing is scored until readings are published to it (check --input-topic)");
    }

    /** The host other instances reach this one's fleet view at. */
    private String advertisedHost() throws UnknownHostException {
        if (advertisedHost != null && !advertisedHost.isBlank()) {
            return advertisedHost.trim();
        }
        InetAddress bound = InetAddress.getByName(metricsHost);
        return bound.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostName() : metricsHost;
    }
}
