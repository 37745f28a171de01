package dev.sensorwatch.cli;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.TrainingPeriod;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.io.Timestamps;
import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import dev.sensorwatch.kafka.Topics;
import dev.sensorwatch.nab.EventEvaluation;
import dev.sensorwatch.nab.FlagEvaluation;
import dev.sensorwatch.nab.NabEvaluation;
import dev.sensorwatch.nab.NabScorer;
import dev.sensorwatch.stream.CatchUp;
import dev.sensorwatch.stream.DetectorMetrics;
import dev.sensorwatch.stream.DetectorTopology;
import dev.sensorwatch.stream.Replayer;
import dev.sensorwatch.stream.StreamsRunner;
import dev.sensorwatch.stream.TopologySettings;
import dev.sensorwatch.view.ProcessMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sensorwatch bench}: measurements of the detector. Each subcommand calls the services the
 * other commands call ({@link ScoreFiles} and {@link dev.sensorwatch.batch.BatchScorer}, the
 * evaluations of {@code dev.sensorwatch.nab}, the stream processor's runner and {@link CatchUp}),
 * in this process.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the detector.", subcommands = {BenchCommand.Nab.class, BenchCommand.Smap.class, BenchCommand.Stream.class, BenchLatency.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The data folder of a labelled corpus laid out as NAB's: {@code data/} and
     * {@code labels/combined_windows.json}.
     *
     * @throws IllegalArgumentException naming {@code option} if either is missing
     */
    static Path corpusData(Path corpus, String option) {
        Path data = corpus.resolve("data");
        if (!Files.isDirectory(data) || !Files.isRegularFile(corpusLabels(corpus))) {
            throw new IllegalArgumentException(option + " " + corpus + " does not hold data/ and labels/combined_windows.json");
        }
        return data;
    }

    /** The labelled windows of a corpus laid out as NAB's. */
    static Path corpusLabels(Path corpus) {
        return corpus.resolve("labels").resolve("combined_windows.json");
    }

    /** {@code sensorwatch bench nab}: score the NAB corpus, evaluate it, print one table. */
    @Command(name = "nab", mixinStandardHelpOptions = true,
            description = {"Runs score over the NAB corpus, then evaluate, and prints the scores and the time taken."})
    static final class Nab implements Callable<Integer> {

        @ParentCommand
        BenchCommand bench;

        @Option(names = "--nab", paramLabel = "DIR", required = true,
                description = "The NAB corpus (a copy of github.com/numenta/NAB), holding DIR/data/<category>/<file>.csv"
                        + " and DIR/labels/combined_windows.json.")
        Path nab;

        @Option(names = "--output", paramLabel = "DIR",
                description = "Folder for the result files (default: a temporary folder, deleted afterwards).")
        Path output;

        @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = DetectorConfig.DEFAULT_THRESHOLD_TEXT,
                description = "Flag threshold written into the result files (evaluate picks its own). Default: ${DEFAULT-VALUE}.")
        double threshold;

        @Option(names = "--report", paramLabel = "FILE",
                description = "Also write a self-contained HTML report with the labelled windows.")
        Path report;

        @Option(names = "--per-series", description = "Also list detected windows and false positives of each series.")
        boolean perSeries;

        @Option(names = "--contributions",
                description = "Also score the corpus once with each predictor and each signal switched off, and print what each contributes.")
        boolean contributions;

        @Override
        public Integer call() throws Exception {
            Path data = corpusData(nab, "--nab");
            Path labels = corpusLabels(nab);
            Path results = output != null ? output : Files.createTempDirectory("sensorwatch-nab");
            PrintWriter out = bench.spec.commandLine().getOut();
            try {
                long started = System.nanoTime();
                ScoreFiles.run(out, scoreNab(data, results, config(DetectorOptions.ALL_MEMBERS,
                        DetectorOptions.ALL_SIGNALS), report, report == null ? null : labels));
                double scoring = (System.nanoTime() - started) / 1e9;
                long evaluating = System.nanoTime();
                List<NabScorer.Result> scored = NabEvaluation.score(NabEvaluation.read(results, labels));
                double evaluation = (System.nanoTime() - evaluating) / 1e9;
                out.println();
                EvaluationTables.printNab(out, scored, perSeries);
                out.printf("%nscore took %.1f s, evaluate %.1f s, on %d cores%n", scoring, evaluation,
                        Runtime.getRuntime().availableProcessors());
                if (contributions) {
                    printContributions(out, data, labels, scored);
                }
                return 0;
            } finally {
                if (output == null) {
                    LocalFiles.deleteQuietly(results);
                }
            }
        }

        /** The detector of {@code --threshold} with these predictors and signals. */
        private DetectorConfig config(String members, String signals) {
            return DetectorOptions.config(threshold, members, signals);
        }

        /** Scores the corpus once per lesion of {@link #NAB_LESIONS} and prints each profile's score and its change. */
        private void printContributions(PrintWriter out, Path data, Path labels, List<NabScorer.Result> whole)
                throws Exception {
            out.printf("%n%-28s %10s %10s %10s %9s %6s%n", "what each contributes (NAB)", "standard", "low FP", "low FN",
                    "windows", "FPs");
            out.printf("%-28s %10.2f %10.2f %10.2f %4d/%-4d %6d%n", "the whole detector", whole.get(0).normalized(),
                    whole.get(1).normalized(), whole.get(2).normalized(), whole.get(0).detectedWindows(),
                    whole.get(0).windows(), whole.get(0).falsePositives());
            PrintWriter silent = new PrintWriter(Writer.nullWriter());
            for (Lesion lesion : NAB_LESIONS) {
                Path results = Files.createTempDirectory("sensorwatch-nab-lesion");
                try {
                    ScoreFiles.run(silent, scoreNab(data, results, config(lesion.members(), lesion.signals()), null, null));
                    List<NabScorer.Result> r = NabEvaluation.score(NabEvaluation.read(results, labels));
                    out.printf("%-28s %10s %10s %10s %4d/%-4d %6d%n", lesion.what(), delta(r, whole, 0), delta(r, whole, 1),
                            delta(r, whole, 2), r.get(0).detectedWindows(), r.get(0).windows(), r.get(0).falsePositives());
                } finally {
                    LocalFiles.deleteQuietly(results);
                }
            }
        }

        private static String delta(List<NabScorer.Result> r, List<NabScorer.Result> whole, int profile) {
            return String.format("%.2f (%+.2f)", r.get(profile).normalized(),
                    r.get(profile).normalized() - whole.get(profile).normalized());
        }
    }

    /** The detector with some predictors or signals switched off: what {@code --members}, {@code --signals} say. */
    private record Lesion(String what, String members, String signals) {
    }

    /** NAB with each online predictor and signal switched off in turn, beside the whole detector. */
    private static final List<Lesion> NAB_LESIONS = List.of(
        new Lesion("without the LSTM", "last,daily", DetectorOptions.ALL_SIGNALS),
        new Lesion("without the last value", "lstm,daily", DetectorOptions.ALL_SIGNALS),
        new Lesion("without the daily profile", "lstm,last", DetectorOptions.ALL_SIGNALS),
        new Lesion("without prediction_error", DetectorOptions.ALL_MEMBERS,
                "sustained_error,level_shift,weekly_shift,new_territory"),
        new Lesion("without sustained_error", DetectorOptions.ALL_MEMBERS,
                "prediction_error,level_shift,weekly_shift,new_territory"),
        new Lesion("without level_shift", DetectorOptions.ALL_MEMBERS,
                "prediction_error,sustained_error,weekly_shift,new_territory"),
        new Lesion("without weekly_shift", DetectorOptions.ALL_MEMBERS,
                "prediction_error,sustained_error,level_shift,new_territory"),
        new Lesion("without new_territory", DetectorOptions.ALL_MEMBERS,
                "prediction_error,sustained_error,level_shift,weekly_shift"));

    /**
     * What {@code score --format nab --input data --output results} does with {@code config}, and
     * with {@code --report report --labels labels} where those are not null.
     */
    static ScoreFiles.Request scoreNab(Path data, Path results, DetectorConfig config, Path report, Path labels) {
        return new ScoreFiles.Request(data, results, SeriesFormat.NAB, SeriesOptions.defaultCsvOptions(), config, 0,
                report, labels);
    }

    /**
     * {@code sensorwatch bench smap}: scores the SMAP telemetry twice, learning from each
     * channel's training part ({@code --learn-until}) and online from nothing, and prints the
     * event-wise and row-wise table of both, test parts only.
     */
    @Command(name = "smap", mixinStandardHelpOptions = true,
            description = {"Scores the SMAP telemetry (see its README) with --learn-until at the start of the test parts, and"
                + " online without it, and prints event-wise and row-wise precision, recall and F1 of in_event and"
                + " is_anomaly over the test parts."})
    static final class Smap implements Callable<Integer> {

        /** Where every SMAP test part starts. */
        static final String TEST_START = "2020-06-01T00:00:00";

        @ParentCommand
        BenchCommand bench;

        @Option(names = "--smap", paramLabel = "DIR", required = true,
                description = "The SMAP folder, holding data/ and labels/combined_windows.json.")
        Path smap;

        @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = DetectorConfig.DEFAULT_THRESHOLD_TEXT,
                description = "Flag threshold. Default: ${DEFAULT-VALUE}.")
        double threshold;

        @Option(names = "--per-series", description = "Also list each channel's windows, found windows and false alarms.")
        boolean perSeries;

        @Override
        public Integer call() throws Exception {
            Path data = corpusData(smap, "--smap");
            Path labels = corpusLabels(smap);
            PrintWriter out = bench.spec.commandLine().getOut();
            long from = Timestamps.parseMillis(TEST_START, ZoneOffset.UTC);
            // what each predictor contributes: learning from history with both, with one of them, and online
            String[][] runs = {{"lstm,last", TEST_START, null}, {"lstm", TEST_START, null}, {"last", TEST_START, null},
                {"lstm,last", TEST_START, "state_distance"},
                {"lstm,last", TEST_START, "sustained_error"},
                {"lstm,last,daily", null, null}};
            List<String> lines = new ArrayList<>();
            for (String[] run : runs) {
                Path results = Files.createTempDirectory("sensorwatch-smap");
                try {
                    DetectorConfig config = DetectorOptions.config(threshold, run[0],
                            run[2] != null ? run[2] : DetectorOptions.ALL_SIGNALS);
                    if (run[1] != null) {
                        config = config.withTraining(TrainingPeriod.until(from));
                    }
                    String what = (run[1] != null ? "--learn-until" : "online") + ", --members " + run[0]
                            + (run[2] != null ? ", --signals " + run[2] : "");
                    out.println(what);
                    ScoreFiles.run(out, scoreNab(data, results, config, null, null));
                    for (String column : List.of("in_event", "is_anomaly")) {
                        Map<String, EventEvaluation.Counts> counts = FlagEvaluation.evaluate(results, labels, column, from, 0);
                        EvaluationTables.printFlags(out, column, counts, perSeries && column.equals("in_event") && run == runs[0]);
                        EventEvaluation.Counts t = FlagEvaluation.total(counts);
                        lines.add(String.format("%-75s %-10s %6d/%-3d %12d %8.3f %8.3f", what, column, t.found(),
                                t.windows(), t.falseAlarms(), t.f1(), t.rowF1()));
                    }
                    out.println();
                } finally {
                    LocalFiles.deleteQuietly(results);
                }
            }
            out.printf("%-75s %-10s %10s %12s %8s %8s%n", "SMAP, test parts", "flags", "found", "false alarms", "F1", "row F1");
            lines.forEach(out::println);
            return 0;
        }
    }

    /**
     * {@code sensorwatch bench stream}: readings per second through a real broker. Starts an
     * embedded broker, replays the input once, then runs the stream processor over it as {@code run
     * --stop-when-caught-up} does, once per round and {@code --detector-cache} value, in turns, each
     * as a new application with its own output topics and state, and prints the wall time of each
     * run (start-up of the Kafka Streams client included), the medians and their ratios. The runs
     * share this process and its JVM, warmed up by the warm-up runs; they are built from the same
     * parts as {@code run}'s ({@link DetectorTopology}, {@link StreamsRunner}, {@link CatchUp}),
     * without its HTTP endpoints.
     */
    @Command(name = "stream", mixinStandardHelpOptions = true,
            description = {"Replays the NAB sample shipped in the jar (or --input) into an embedded broker, then times"
                + " the stream processor scoring it, as run --stop-when-caught-up, once per round and --detector-cache"
                + " value, in turns; prints readings/s, medians and ratios."})
    static final class Stream implements Callable<Integer> {

        /** The topic the input is replayed to, read by every run. */
        private static final String READINGS = "readings";

        @ParentCommand
        BenchCommand bench;

        @Option(names = "--input", paramLabel = "PATH",
                description = "CSV file or folder to replay (with --format). Default: the NAB sample shipped in the jar.")
        Path input;

        @Option(names = "--format", paramLabel = "nab|csv", defaultValue = "nab",
                converter = SeriesOptions.FormatConverter.class,
                description = "Format of --input. Default: ${DEFAULT-VALUE}.")
        SeriesFormat format;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
                description = "Runs per --detector-cache value. Default: ${DEFAULT-VALUE}.")
        int rounds;

        @Option(names = "--detector-cache", paramLabel = "SENSORS", split = ",", defaultValue = "256,0",
                description = "The run --detector-cache values to compare. Default: ${DEFAULT-VALUE}.")
        List<Integer> caches;

        @Option(names = "--warmup-runs", paramLabel = "N", defaultValue = "1",
                description = "Untimed runs first (with the first --detector-cache value), so that the timed ones do"
                        + " not pay for the JIT compiler warming up. Default: ${DEFAULT-VALUE}.")
        int warmupRuns;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
                description = "Stream threads (num.stream.threads) of each run. Default: ${DEFAULT-VALUE}.")
        int threads;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
                description = "Partitions of the topics. Default: ${DEFAULT-VALUE}.")
        int partitions;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1 || rounds > 100) {
                throw new IllegalArgumentException("--rounds must be in [1, 100], got " + rounds);
            }
            if (warmupRuns < 0 || warmupRuns > 10) {
                throw new IllegalArgumentException("--warmup-runs must be in [0, 10], got " + warmupRuns);
            }
            if (threads < 1 || partitions < 1) {
                throw new IllegalArgumentException("--threads and --partitions must be at least 1");
            }
            for (int cache : caches) {
                TopologySettings.DEFAULTS.withDetectorCache(cache); // a value out of range fails here, not in a run
            }
            PrintWriter out = bench.spec.commandLine().getOut();
            Path work = Files.createTempDirectory("sensorwatch-bench-stream");
            EmbeddedKafkaBroker broker = null;
            try {
                Path data = input != null ? input : LocalFiles.extractSample(work.resolve("sample"));
                List<SeriesFile> series = SeriesOptions.read(data, input != null ? format : SeriesFormat.NAB,
                        SeriesOptions.defaultCsvOptions());
                broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0, Map.of());
                String bootstrap = broker.bootstrapServers();
                out.printf("Embedded broker at %s; replaying %s%n", bootstrap, input != null ? data : "the shipped sample");
                out.flush();
                Properties client = new Properties();
                client.put("bootstrap.servers", bootstrap);
                Topics.ensure(client, Map.of(READINGS, partitions), (short) -1);
                new Replayer(client, READINGS, Double.POSITIVE_INFINITY).publish(series, sent -> { });
                long readings = committed(bootstrap, READINGS);
                out.printf("%,d readings in the input topic; %d warm-up run(s), then %d round(s) of run"
                        + " --stop-when-caught-up per setting, %d stream thread(s), exactly-once%n%n", readings, warmupRuns,
                        rounds, threads);
                out.printf("%-6s %-16s %10s %12s %10s %10s%n", "round", "detector-cache", "wall (s)", "readings/s",
                        "scores", "dead");
                for (int w = 1; w <= warmupRuns; w++) {
                    Timed run = runOnce(client, "bench-warmup-" + w, caches.get(0), work, readings);
                    if (run == null) {
                        return 1;
                    }
                    out.printf("%-6s %-16d %10.1f %,12.0f %,10d %,10d%n", "warmup", caches.get(0), run.wall(),
                            readings / run.wall(), run.scores(), run.dead());
                    out.flush();
                }
                Map<Integer, List<Double>> walls = new LinkedHashMap<>();
                for (int round = 1; round <= rounds; round++) {
                    for (int cache : caches) {
                        Timed run = runOnce(client, "bench-" + cache + "-" + round, cache, work, readings);
                        if (run == null) {
                            return 1;
                        }
                        walls.computeIfAbsent(cache, k -> new ArrayList<>()).add(run.wall());
                        out.printf("%-6d %-16d %10.1f %,12.0f %,10d %,10d%n", round, cache, run.wall(),
                                readings / run.wall(), run.scores(), run.dead());
                        out.flush();
                    }
                }
                out.println();
                Integer first = caches.get(0);
                double base = median(walls.get(first));
                for (var e : walls.entrySet()) {
                    double m = median(e.getValue());
                    out.printf("detector-cache %-8d median %6.1f s  %,8.0f readings/s  %s%n", e.getKey(), m, readings / m,
                            e.getKey().equals(first) ? "" : String.format("(%.2f× the time of detector-cache %d)", m / base, first));
                }
                out.printf("on %d cores; start-up of each run included%n", Runtime.getRuntime().availableProcessors());
                return 0;
            } finally {
                if (broker != null) {
                    broker.stop();
                }
                LocalFiles.deleteQuietly(work);
            }
        }

        /** One timed run: wall seconds (start-up included), scores and dead letters it committed. */
        private record Timed(double wall, long scores, long dead) {
        }

        /**
         * Runs the stream processor as application {@code id} until it has caught up with the input
         * topic, as {@code run --stop-when-caught-up --metrics-port -1} does with the default detector;
         * null (after saying why) if it failed.
         */
        private Timed runOnce(Properties client, String id, int cache, Path work, long readings) throws Exception {
            long started = System.nanoTime();
            TopologySettings settings = new TopologySettings(READINGS, id + "-scores", id + "-anomalies", id + "-dlq",
                    DetectorOptions.config(DetectorConfig.DEFAULT_THRESHOLD, DetectorOptions.ALL_MEMBERS,
                            DetectorOptions.ALL_SIGNALS),
                    TopologySettings.DEFAULT_MAX_CHANNELS, TopologySettings.DEFAULT_MAX_FUTURE_SKEW)
                    .withDetectorCache(cache);
            Map<String, Integer> topics = new LinkedHashMap<>();
            topics.put(settings.inputTopic(), partitions);
            topics.put(settings.scoresTopic(), partitions);
            topics.put(settings.anomaliesTopic(), partitions);
            topics.put(settings.deadLetterTopic(), 1);
            Topics.ensure(client, topics, (short) -1);
            Map<String, String> overrides = Map.of("num.stream.threads", String.valueOf(threads));
            String bootstrap = client.getProperty("bootstrap.servers");
            Map<String, String> tags = Map.of("application", id, "instance", InetAddress.getLocalHost().getHostName());
            PrometheusMeterRegistry registry = ProcessMetrics.registry(tags);
            KafkaStreams.State end;
            try (StreamsRunner runner = new StreamsRunner(DetectorTopology.build(settings, new DetectorMetrics(registry, tags)),
                    StreamsRunner.properties(id, bootstrap, work.resolve("state").resolve(id), overrides), registry)) {
                runner.exportConsumerLag(registry, tags);
                ProcessMetrics.bindTo(registry);
                runner.start();
                CatchUp.await(runner, client, id, settings, CatchUp.transactionTimeout(overrides),
                        (records, timeout) -> { }); // what stays held back shows in the counts below
                runner.close(Duration.ofSeconds(30));
                end = runner.stopped().join();
            }
            double wall = (System.nanoTime() - started) / 1e9;
            PrintWriter err = bench.spec.commandLine().getErr();
            if (end == KafkaStreams.State.ERROR) {
                err.printf("sensorwatch bench stream: run %s failed: Kafka Streams stopped in state ERROR; see the log%n", id);
                return null;
            }
            long scores = committed(bootstrap, settings.scoresTopic());
            long dead = committed(bootstrap, settings.deadLetterTopic());
            if (scores + dead != readings) {
                err.printf("sensorwatch bench stream: %s wrote %,d scores and %,d dead letters for %,d readings%n",
                        id, scores, dead, readings);
                return null;
            }
            return new Timed(wall, scores, dead);
        }

        private static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        /**
         * Records committed to {@code topic}, counted by reading it (read committed) to its last
         * stable offsets: offsets alone would also count the markers of committed transactions.
         */
        private static long committed(String bootstrap, String topic) {
            Properties props = new Properties();
            props.put("bootstrap.servers", bootstrap);
            props.put("isolation.level", "read_committed");
            props.put("enable.auto.commit", "false");
            props.put("max.poll.records", "10000");
            try (var consumer = new KafkaConsumer<byte[], byte[]>(props,
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                var ends = consumer.endOffsets(partitions);
                long count = 0;
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("could not read " + topic + " to its end within 2 minutes");
                    }
                    count += consumer.poll(Duration.ofMillis(200)).count();
                }
                return count;
            }
        }
    }
}
