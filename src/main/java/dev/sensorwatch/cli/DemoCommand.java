package dev.sensorwatch.cli;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.kafka.BenignKafkaLogFilter;
import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import dev.sensorwatch.stream.AvroSerde;
import dev.sensorwatch.stream.DetectorMetrics;
import dev.sensorwatch.stream.DetectorTopology;
import dev.sensorwatch.stream.OutputFormat;
import dev.sensorwatch.stream.RecordJson;
import dev.sensorwatch.stream.Replayer;
import dev.sensorwatch.stream.StreamsRunner;
import dev.sensorwatch.stream.TopologySettings;
import dev.sensorwatch.view.FleetView;
import dev.sensorwatch.view.FleetViewHandler;
import dev.sensorwatch.view.ProcessMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch demo}: the whole pipeline on one machine, with a live view and a summary. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts an embedded Kafka broker, replays a sample of the NAB corpus shipped in the jar"
            + " (or --input), scores it with the stream processor, shows anomalies as they are found and ends"
            + " with a summary. Needs nothing but a JDK; leaves nothing behind."})
final class DemoCommand implements Callable<Integer> {

    private static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);

    @ParentCommand
    Main main;

    @Mixin
    SeriesOptions series;

    @Option(names = "--input", paramLabel = "PATH",
            description = "CSV file or folder to replay instead of the shipped sample (with --format).")
    Path input;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "NAB-style windows JSON to compare anomalies with (the sample ships its own).")
    Path labels;

    @Mixin
    DetectorOptions detector;

    @Mixin
    OutputFormatOptions output;

    @Option(names = "--speed", paramLabel = "FACTOR|max", defaultValue = "max",
            description = "Replay pace: recorded pace times FACTOR, or max. Default: ${DEFAULT-VALUE}.")
    String speed;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = Converters.DurationConverter.class,
            description = "Give up if scoring has not finished by then. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--quiet", description = "No live view; only the summary.")
    boolean quiet;

    @Option(names = "--serve",
            description = "Serve the fleet view on http://127.0.0.1:<--view-port>/ while scoring and, after the"
                    + " summary, until Ctrl-C.")
    boolean serve;

    @Option(names = "--view-port", paramLabel = "PORT", defaultValue = "9464",
            description = "Port of the fleet view with --serve (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int viewPort;

    /** Counted down once the demo has closed its broker and deleted its work folder. */
    private final CountDownLatch cleanedUp = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = main.spec.commandLine().getOut();
        double factor = Converters.speed(speed);
        TopologySettings settings = new TopologySettings(TopologySettings.DEFAULT_INPUT_TOPIC,
                TopologySettings.DEFAULT_SCORES_TOPIC, TopologySettings.DEFAULT_ANOMALIES_TOPIC,
                TopologySettings.DEFAULT_DEAD_LETTER_TOPIC, detector.config(),
                TopologySettings.DEFAULT_MAX_CHANNELS).withOutputFormat(output.outputFormat);
        Path work = Files.createTempDirectory(BenignKafkaLogFilter.DEMO_DIRECTORY_PREFIX);
        try {
            Path data = input;
            Path windows = labels;
            if (data == null) {
                data = LocalFiles.extractSample(work.resolve("sample"));
                series.format = SeriesFormat.NAB;
                windows = windows == null ? data.resolve("labels.json") : windows;
                out.println("Replaying the shipped NAB sample (MIT, Numenta; see demo/nab/NOTICE.md in the jar)");
            }
            List<SeriesFile> all = series.read(data);
            Map<String, List<NabLabels.Window>> labelled = windows != null && Files.isRegularFile(windows)
                    ? NabLabels.read(windows) : Map.of();
            return run(out, settings, work, all, labelled, factor);
        } finally {
            LocalFiles.deleteQuietly(work);
            cleanedUp.countDown();
        }
    }

    private int run(PrintWriter out, TopologySettings settings, Path work, List<SeriesFile> all,
                    Map<String, List<NabLabels.Window>> labelled, double factor) throws Exception {
        long total = Replayer.count(all);
        long started = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0, Map.of())) {
            out.printf("Embedded Kafka broker at %s; %d series, %,d readings%n", broker.bootstrapServers(), all.size(), total);
            broker.createTopics(Map.of(settings.inputTopic(), 2, settings.scoresTopic(), 2,
                    settings.anomaliesTopic(), 2, settings.deadLetterTopic(), 1));
            Properties streamsProps = StreamsRunner.properties("sensorwatch-demo", broker.bootstrapServers(),
                    work.resolve("state"), Map.of());
            PrometheusMeterRegistry registry = ProcessMetrics.registry(Map.of());
            HttpEndpoints endpoints = serve ? HttpEndpoints.start("127.0.0.1", viewPort, registry, () -> true) : null;
            if (endpoints != null) {
                streamsProps.put(StreamsConfig.APPLICATION_SERVER_CONFIG,
                        "127.0.0.1:" + endpoints.port());
            }
            try (endpoints; StreamsRunner runner = new StreamsRunner(
                    DetectorTopology.build(settings, new DetectorMetrics(registry)), streamsProps, registry)) {
                if (endpoints != null) {
                    endpoints.serveRest(new FleetViewHandler(new FleetView(
                            runner.streams(), new HostInfo("127.0.0.1", endpoints.port()),
                            settings.detector().threshold())));
                    out.println("Fleet view at http://127.0.0.1:" + endpoints.port() + "/");
                }
                runner.start();
                Properties client = new Properties();
                client.put("bootstrap.servers", broker.bootstrapServers());
                CompletableFuture<Long> replay = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new Replayer(client, settings.inputTopic(), factor).publish(all, n -> { });
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                Summary summary = watch(out, broker.bootstrapServers(), settings, total, replay);
                replay.join();
                double seconds = (System.nanoTime() - started) / 1e9;
                if (summary.scored + summary.deadLetters < total) {
                    out.printf("Timed out after %s: %,d of %,d readings scored%n", timeout, summary.scored, total);
                    return 1;
                }
                summary.print(out, all, labelled, seconds);
                if (endpoints != null) {
                    out.println("Serving the fleet view at http://127.0.0.1:" + endpoints.port() + "/ until Ctrl-C");
                    out.flush();
                    // Ctrl-C: stop the streams client, then let this thread close the broker and delete the work folder
                    Thread hook = new Thread(() -> {
                        runner.close(Duration.ofSeconds(10));
                        try {
                            cleanedUp.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "sensorwatch-demo-shutdown");
                    Runtime.getRuntime().addShutdownHook(hook);
                    runner.stopped().join();
                }
                return 0;
            }
        }
    }

    /** Follows the scores and dead-letter topics until every reading is accounted for. */
    private Summary watch(PrintWriter out, String bootstrap, TopologySettings settings, long total,
                          CompletableFuture<Long> replay) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Summary summary = new Summary();
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastProgress = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(settings.scoresTopic(), settings.deadLetterTopic())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (summary.scored + summary.deadLetters < total && System.nanoTime() < deadline) {
                if (replay.isCompletedExceptionally()) {
                    replay.join();
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(settings.deadLetterTopic())) {
                        summary.deadLetters++;
                        continue;
                    }
                    AnomalyScore score = settings.outputFormat() == OutputFormat.JSON
                            ? RecordJson.readScore(record.value()).score() : SCORES.decode(record.value());
                    summary.add(score);
                    if (score.getAnomaly() && !quiet) {
                        out.printf("%s  %-52s %s  value %-12s predicted %-12s score %.6f  %s%n", highlight("ANOMALY"),
                                score.getSensorId(), score.getEventTime(), format(score.getObserved().get(0)),
                                format(score.getPredicted().get(0)), score.getAnomalyScore(),
                                score.getSignal().name().toLowerCase(Locale.ROOT));
                    }
                }
                if (!quiet && System.nanoTime() - lastProgress > 2_000_000_000L) {
                    lastProgress = System.nanoTime();
                    out.printf("... %,d of %,d readings scored, %d anomalies so far%n", summary.scored, total, summary.anomalies);
                }
            }
        }
        return summary;
    }

    private static String highlight(String text) {
        return System.console() != null ? "\u001B[1;31m" + text + "\u001B[0m" : text;
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "-" : String.format("%.4g", value);
    }

    /** Counts per sensor, and the anomalies found. */
    private static final class Summary {
        long scored;
        long anomalies;
        long deadLetters;
        final Map<String, long[]> perSensor = new TreeMap<>();
        final Map<String, List<Long>> flaggedTimes = new TreeMap<>();
        final List<AnomalyScore> top = new ArrayList<>();

        void add(AnomalyScore score) {
            scored++;
            long[] counts = perSensor.computeIfAbsent(score.getSensorId(), k -> new long[2]);
            counts[0]++;
            if (score.getAnomaly()) {
                anomalies++;
                counts[1]++;
                flaggedTimes.computeIfAbsent(score.getSensorId(), k -> new ArrayList<>())
                        .add(score.getEventTime().toEpochMilli());
                top.add(score);
                top.sort(Comparator.comparingDouble(AnomalyScore::getAnomalyScore).reversed());
                if (top.size() > 5) {
                    top.remove(top.size() - 1);
                }
            }
        }

        void print(PrintWriter out, List<SeriesFile> all, Map<String, List<NabLabels.Window>> labelled, double seconds) {
            out.println();
            out.println("Summary");
            out.printf("  readings scored   %,d in %.1f s (%,.0f readings/s end to end, broker start included)%n",
                    scored, seconds, scored / seconds);
            out.printf("  anomalies flagged %,d%n", anomalies);
            out.printf("  dead letters      %,d%n", deadLetters);
            out.println();
            out.printf("  %-56s %9s %9s %s%n", "sensor", "readings", "flagged", labelled.isEmpty() ? "" : "labelled windows with a flag");
            for (SeriesFile file : all) {
                long[] counts = perSensor.getOrDefault(file.sensorId(), new long[2]);
                String windows = "";
                List<NabLabels.Window> ws = labelled.get(file.sensorId());
                if (ws != null) {
                    List<Long> times = flaggedTimes.getOrDefault(file.sensorId(), List.of());
                    long hit = ws.stream().filter(w -> times.stream().anyMatch(w::contains)).count();
                    windows = hit + " of " + ws.size();
                }
                out.printf("  %-56s %9d %9d %s%n", file.sensorId(), counts[0], counts[1], windows);
            }
            if (!top.isEmpty()) {
                out.println();
                out.println("  highest scores");
                for (AnomalyScore s : top) {
                    out.printf("    %.6f  %s at %s (value %s, predicted %s, %s)%n", s.getAnomalyScore(), s.getSensorId(),
                            Instant.ofEpochMilli(s.getEventTime().toEpochMilli()), format(s.getObserved().get(0)),
                            format(s.getPredicted().get(0)), s.getSignal().name().toLowerCase(Locale.ROOT));
                }
            }
        }
    }
}
