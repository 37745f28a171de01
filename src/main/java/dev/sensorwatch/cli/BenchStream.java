package dev.sensorwatch.cli;

import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.TrainingPeriod;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import dev.sensorwatch.kafka.Topics;
import dev.sensorwatch.stream.AvroSerde;
import dev.sensorwatch.stream.CatchUp;
import dev.sensorwatch.stream.DetectorMetrics;
import dev.sensorwatch.stream.DetectorTopology;
import dev.sensorwatch.stream.ModelFreeTopology;
import dev.sensorwatch.stream.ReadingJournal;
import dev.sensorwatch.stream.Replayer;
import dev.sensorwatch.stream.SensorStateCodec;
import dev.sensorwatch.stream.StreamsRunner;
import dev.sensorwatch.stream.TopologySettings;
import dev.sensorwatch.view.ProcessMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sensorwatch bench stream}: readings per second through a real broker, the product beside a
 * model-free ceiling. Starts an embedded broker, publishes the input once (the NAB sample shipped in
 * the jar, {@code --input}, or a synthetic fleet), then runs in turns, each as a new application with
 * its own output topics and state, the stream processor as {@code run --stop-when-caught-up} runs it
 * ({@link DetectorTopology}, {@link StreamsRunner}, {@link CatchUp}) and {@link ModelFreeTopology}
 * with each {@code --model-free-bytes} value, under the same {@link StreamsRunner#properties}; and
 * prints each run's wall time (start-up included), its throughput from the first to the last
 * committed input offset, the changelog bytes it wrote per reading, the medians and the ratios of
 * the product to each model-free run. The runs share this JVM, or with {@code --instances N} each
 * run is N JVMs of its own: {@code run} for the product.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = {"Publishes the NAB sample shipped in the jar (or --input, or a synthetic fleet of --sensors"
            + " × --readings) to an embedded broker, then times, in turns per round, the stream processor scoring it"
            + " as run --stop-when-caught-up does, and a model-free topology (the same input and routing, one state"
            + " get and put of --model-free-bytes per reading, one output record) as a ceiling; prints each run,"
            + " the medians, the ratios product / model-free, and the changelog bytes written per reading."})
final class BenchStream implements Callable<Integer> {

    /** The topic the input is published to, read by every run. */
    private static final String READINGS = "readings";
    /** The {@code --model-free-bytes} value that stands for the product's own stored bytes per reading. */
    static final String STORED = "S";
    /** The synthetic fleet's first event time. */
    static final Instant FLEET_START = Instant.parse("2024-01-01T00:00:00Z");
    /** The synthetic fleet's spacing of readings: five minutes, 288 a day. */
    static final Duration FLEET_STEP = Duration.ofMinutes(5);
    private static final long FLEET_SEED = 20_240_101L;
    /** Readings a detector has seen when its stored bytes are measured. */
    static final int STORED_SIZE_READINGS = 3000;
    /** How often the committed input offsets are sampled. */
    private static final Duration COMMIT_SAMPLING = Duration.ofMillis(200);
    /** How long the instances of one run (with {@code --instances}) may take. */
    private static final Duration INSTANCES_LIMIT = Duration.ofHours(2);
    /** A row of the table of runs. */
    private static final String ROW = "%-7s %-26s %8s %11s %13s %12s %10s %6s %14s%n";
    /** A row of the table of medians. */
    private static final String SUMMARY = "%-26s %8s %11s %12s %14s %24s %12s%n";

    @ParentCommand
    BenchCommand bench;

    @Option(names = "--input", paramLabel = "PATH",
            description = "CSV file or folder to replay (with --format). Default: the NAB sample shipped in the jar.")
    Path input;

    @Option(names = "--format", paramLabel = "nab|csv", defaultValue = "nab",
            converter = SeriesOptions.FormatConverter.class,
            description = "Format of --input. Default: ${DEFAULT-VALUE}.")
    SeriesFormat format;

    @Option(names = "--sensors", paramLabel = "N",
            description = "Instead of --input: a synthetic fleet of N sensors (with --readings), each reporting a daily"
                    + " sine plus noise per channel every 5 minutes, published as a fleet reports: reading t of every"
                    + " sensor, then reading t+1 of every sensor. The values are the same in every run.")
    Integer sensors;

    @Option(names = "--readings", paramLabel = "M", description = "Readings per sensor of the synthetic fleet (--sensors).")
    Integer readingsPerSensor;

    @Option(names = "--channels", paramLabel = "D",
            description = "Channels of each synthetic sensor (with --sensors). Default: 1.")
    Integer channels;

    @Option(names = "--learn-first", paramLabel = "N|DURATION",
            description = "Give the product's sensors a training period, as run --learn-first does: their first N"
                    + " readings (or those within DURATION of their first). Default: none, the detector learns online.")
    String learnFirst;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Rounds; each runs the product and then each --model-free-bytes value once."
                    + " Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--warmup-runs", paramLabel = "N", defaultValue = "1",
            description = "Untimed runs of the product first, so that the timed ones do not pay for the JIT compiler"
                    + " warming up. Default: ${DEFAULT-VALUE}.")
    int warmupRuns;

    @Option(names = "--model-free-bytes", paramLabel = "BYTES", split = ",", defaultValue = "128," + STORED,
            description = "Value sizes of the model-free runs: bytes, or " + STORED + " for the product's stored bytes"
                    + " per reading, measured in this bench as the changelog bytes its first run wrote divided by its"
                    + " readings. Default: ${DEFAULT-VALUE}.")
    List<String> modelFreeBytes;

    @Option(names = "--checkpoint-every", paramLabel = "READINGS", split = ",",
            defaultValue = "" + TopologySettings.DEFAULT_CHECKPOINT_EVERY,
            description = "The product's checkpoint interval (run --checkpoint-every); several, comma-separated, run the"
                    + " product once with each in every round, the first one the reference of the ratios."
                    + " Default: ${DEFAULT-VALUE}.")
    List<Integer> checkpointEvery;

    @Option(names = "--update-every", paramLabel = "N", split = ",", defaultValue = "" + DetectorConfig.DEFAULT_UPDATE_EVERY,
            description = "The product's online learning interval (run --update-every); several, comma-separated, run the"
                    + " product once with each (and each --checkpoint-every and --detector-cache) in every round."
                    + " Default: ${DEFAULT-VALUE}.")
    List<Integer> updateEvery;

    @Option(names = "--detector-cache", paramLabel = "SENSORS", split = ",",
            defaultValue = "" + TopologySettings.DEFAULT_DETECTOR_CACHE,
            description = "The product's decoded detectors per task (run --detector-cache); several, comma-separated,"
                    + " run the product once with each (and each --checkpoint-every) in every round."
                    + " Default: ${DEFAULT-VALUE}.")
    List<Integer> detectorCache;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Stream threads (num.stream.threads) of each instance. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--instances", paramLabel = "N",
            description = "Run each run as N JVMs of its own against the one broker, sharing the work as instances"
                    + " of one application do: run --stop-when-caught-up for the product. A run is over when all"
                    + " have exited. Default: the runs share this JVM.")
    Integer instances;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
            description = "Partitions of the topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    private PrintWriter out;
    private PrintWriter err;
    private Path work;
    private String bootstrap;
    private Properties client;
    private Admin admin;
    private long readings;
    /** The runs of a round, the product first. */
    private List<Setting> settings = List.of();
    /** The product's stored bytes per reading, once its first run has measured it, and where it came from. */
    private int storedBytes;
    private String storedSource;
    /** The JVMs of the run going on (with {@code --instances}). */
    private final List<Process> children = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        settings = checkedSettings();
        out = bench.spec.commandLine().getOut();
        err = bench.spec.commandLine().getErr();
        work = Files.createTempDirectory("sensorwatch-bench-stream");
        Thread endChildren = new Thread(this::destroyChildren, "bench-stream-children");
        Runtime.getRuntime().addShutdownHook(endChildren);
        // the bench's broker never compacts: a run's changelog topics keep every byte it wrote
        EmbeddedKafkaBroker broker = null;
        try {
            broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0, Map.of("log.cleaner.min.cleanable.ratio", "1.0"));
            bootstrap = broker.bootstrapServers();
            client = new Properties();
            client.put("bootstrap.servers", bootstrap);
            admin = Admin.create(client);
            Topics.ensure(client, Map.of(READINGS, partitions), (short) -1);
            out.printf("Embedded broker at %s; publishing %s%n", bootstrap, publish());
            out.flush();
            readings = committed(bootstrap, READINGS);
            out.printf("%,d readings in the input topic (%d partition(s)); %d warm-up run(s) of the product, then %d"
                    + " round(s) of %s; %s, %d stream thread(s) each, exactly-once%n", readings, partitions, warmupRuns,
                    rounds, settings.stream().map(Setting::label).collect(Collectors.joining(", ")),
                    instances == null ? "in this JVM" : instances + " JVM(s) per run", threads);
            if (learnFirst != null) {
                out.printf("the product's sensors learn from their first readings: --learn-first %s%n", learnFirst);
            }
            if ((instances == null ? 1 : instances) * threads > partitions) {
                out.printf("(more stream threads than partitions: some of them get no task)%n");
            }
            out.println();
            out.printf(ROW, "round", "run", "wall s", "readings/s", "1st commit s", "committed/s", "scores", "dead",
                    "changelog B/r");
            Setting product = settings.get(0);
            for (int w = 1; w <= warmupRuns; w++) {
                if (measure(product, "bench-warmup-" + w, "warmup", false) == null) {
                    return 1;
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (int s = 0; s < settings.size(); s++) {
                    Setting setting = settings.get(s);
                    String id = "bench-" + round + "-" + s + (setting.product() ? "-product" : "-model-free");
                    if (measure(setting, id, String.valueOf(round), true) == null) {
                        return 1;
                    }
                }
            }
            printSummary(settings);
            printStoredBytesPerSensor(out);
            out.printf("%non %d cores; wall s from the start of a run to caught up (CatchUp), start-up%s included;"
                    + " committed/s from the first to the last committed input offset, sampled every %.1f s%n",
                    Runtime.getRuntime().availableProcessors(), instances == null ? "" : " of the JVMs",
                    COMMIT_SAMPLING.toMillis() / 1000.0);
            return 0;
        } finally {
            destroyChildren();
            try {
                Runtime.getRuntime().removeShutdownHook(endChildren);
            } catch (IllegalStateException exiting) {
                // the JVM is shutting down: the hook ends the children
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (broker != null) {
                broker.stop();
            }
            LocalFiles.deleteQuietly(work);
        }
    }

    // ---------------------------------------------------------------- options

    /** The product's training period: {@code --learn-first}, or none. */
    TrainingPeriod trainingPeriod() {
        return learnFirst == null ? TrainingPeriod.NONE : TrainingOptions.parseFirst(learnFirst);
    }

    /** The runs of a round, the product first; checks every option before anything starts. */
    List<Setting> checkedSettings() {
        trainingPeriod(); // a bad --learn-first fails here, before anything starts
        checkRange("--rounds", rounds, 1, 100);
        checkRange("--warmup-runs", warmupRuns, 0, 10);
        checkRange("--threads", threads, 1, 64);
        checkRange("--partitions", partitions, 1, 1000);
        if (instances != null) {
            checkRange("--instances", instances, 1, 16);
        }
        if (sensors != null || readingsPerSensor != null || channels != null) {
            if (input != null) {
                throw new IllegalArgumentException("--input and the synthetic fleet (--sensors, --readings, --channels)"
                        + " exclude each other: give one");
            }
            if (sensors == null || readingsPerSensor == null) {
                throw new IllegalArgumentException("a synthetic fleet needs both --sensors N and --readings M"
                        + (channels != null ? " (--channels only sets the channels of its sensors)" : ""));
            }
            checkRange("--sensors", sensors, 1, 1_000_000);
            checkRange("--readings", readingsPerSensor, 1, 1_000_000);
            checkRange("--channels", channels(), 1, TopologySettings.DEFAULT_MAX_CHANNELS);
            if ((long) sensors * readingsPerSensor > 100_000_000L) {
                throw new IllegalArgumentException("--sensors × --readings must be at most 100,000,000 readings, got "
                        + String.format("%,d", (long) sensors * readingsPerSensor));
            }
        }
        List<Setting> runs = new ArrayList<>();
        if (checkpointEvery == null || checkpointEvery.isEmpty()) {
            throw new IllegalArgumentException("--checkpoint-every needs at least one value");
        }
        if (detectorCache == null || detectorCache.isEmpty()) {
            throw new IllegalArgumentException("--detector-cache needs at least one value");
        }
        if (updateEvery == null || updateEvery.isEmpty()) {
            throw new IllegalArgumentException("--update-every needs at least one value");
        }
        for (int cache : detectorCache) {
            checkRange("--detector-cache", cache, 0, TopologySettings.MAX_DETECTOR_CACHE);
        }
        for (int every : checkpointEvery) {
            checkRange("--checkpoint-every", every, 1, TopologySettings.MAX_CHECKPOINT_EVERY);
        }
        for (int update : updateEvery) {
            checkRange("--update-every", update, 1, DetectorConfig.DEFAULTS.windowRows() - 1);
            for (int every : checkpointEvery) {
                for (int cache : detectorCache) {
                    runs.add(new Setting(true, false, 0, new ProductSettings(update, every, cache),
                            (updateEvery.size() > 1 ? " update=" + update : "")
                                    + (checkpointEvery.size() > 1 ? " k=" + every : "")
                                    + (detectorCache.size() > 1 ? " cache=" + cache : "")));
                }
            }
        }
        if (modelFreeBytes == null || modelFreeBytes.isEmpty()) {
            throw new IllegalArgumentException("--model-free-bytes needs at least one value");
        }
        for (String value : modelFreeBytes) {
            String v = value.trim();
            if (v.equalsIgnoreCase(STORED)) {
                runs.add(new Setting(false, true, 0));
                continue;
            }
            int bytes;
            try {
                bytes = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--model-free-bytes takes byte counts or " + STORED
                        + " (the product's stored bytes per reading), got '" + value + "'");
            }
            checkRange("--model-free-bytes", bytes, ModelFreeTopology.MIN_VALUE_BYTES, ModelFreeTopology.MAX_VALUE_BYTES);
            runs.add(new Setting(false, false, bytes));
        }
        return runs;
    }

    private static void checkRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s must be in [%,d, %,d], got %,d", option,
                    min, max, value));
        }
    }

    private int channels() {
        return channels == null ? 1 : channels;
    }

    /**
     * One run of a round: the product, or the model-free topology with values of {@code bytes}
     * bytes; for {@code stored}, the product's stored bytes per reading, known after its first run.
     */
    private static final class Setting {
        private final boolean product;
        private final boolean stored;
        private int bytes;
        /** The product's settings, and what its label says of them. */
        private final ProductSettings settings;
        private final String suffix;
        private final List<Measured> runs = new ArrayList<>();

        Setting(boolean product, boolean stored, int bytes, ProductSettings settings, String suffix) {
            this.product = product;
            this.stored = stored;
            this.bytes = bytes;
            this.settings = settings;
            this.suffix = suffix;
        }

        Setting(boolean product, boolean stored, int bytes) {
            this(product, stored, bytes, ProductSettings.DEFAULTS, "");
        }

        boolean product() {
            return product;
        }

        String label() {
            if (product) {
                return "product" + suffix;
            }
            return "model-free " + (bytes == 0 ? STORED : String.format("%,d B", bytes)) + (stored && bytes > 0
                    ? " (" + STORED + ")" : "");
        }
    }

    /** What a product run sets of {@code run}'s options: --update-every, --checkpoint-every, --detector-cache. */
    private record ProductSettings(int updateEvery, int checkpointEvery, int detectorCache) {
        static final ProductSettings DEFAULTS = new ProductSettings(DetectorConfig.DEFAULT_UPDATE_EVERY,
                TopologySettings.DEFAULT_CHECKPOINT_EVERY, TopologySettings.DEFAULT_DETECTOR_CACHE);
    }

    // ---------------------------------------------------------------- the input

    /** Publishes the input to {@value #READINGS}; what it published, for the first line. */
    private String publish() throws Exception {
        if (sensors != null) {
            publishFleet();
            return String.format("a synthetic fleet of %,d sensors × %,d readings × %d channel(s), 5 minutes apart,"
                    + " interleaved as a fleet reports", sensors, readingsPerSensor, channels());
        }
        Path data = input != null ? input : LocalFiles.extractSample(work.resolve("sample"));
        List<SeriesFile> series = SeriesOptions.read(data, input != null ? format : SeriesFormat.NAB,
                SeriesOptions.defaultCsvOptions());
        new Replayer(client, READINGS, Double.POSITIVE_INFINITY).publish(series, sent -> { });
        return input != null ? data.toString() : "the shipped NAB sample";
    }

    /**
     * Publishes the synthetic fleet as {@link Replayer} publishes readings: one Avro
     * {@code SensorReading} per record, keyed by sensor id, the event time as the record's timestamp,
     * the channels named in the tag {@code channels} when there are several; through a producer with
     * the replayer's settings (idempotent, {@code acks=all}, 20 ms linger, 256 KB batches). Reading t
     * of every sensor, then reading t+1 of every sensor.
     */
    private void publishFleet() {
        AvroSerde<SensorReading> serde = AvroSerde.of(SensorReading.class);
        Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.putAll(client);
        int d = channels();
        Map<String, String> tags = d > 1 ? Map.of("channels", IntStream.rangeClosed(1, d)
                .mapToObj(c -> "channel-" + c).collect(Collectors.joining(","))) : Map.of();
        Random random = new Random(FLEET_SEED);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int t = 0; t < readingsPerSensor && failure.get() == null; t++) {
                Instant time = FLEET_START.plus(FLEET_STEP.multipliedBy(t));
                for (int sensor = 0; sensor < sensors; sensor++) {
                    String id = "sensor-" + sensor;
                    List<Double> values = new ArrayList<>(d);
                    for (int c = 0; c < d; c++) {
                        values.add(fleetValue(random, t, sensor, c));
                    }
                    SensorReading reading = SensorReading.newBuilder().setSensorId(id).setEventTime(time)
                            .setValues(values).setTags(tags).build();
                    producer.send(new ProducerRecord<>(READINGS, null, time.toEpochMilli(),
                            id.getBytes(StandardCharsets.UTF_8), serde.encode(reading)), (meta, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            });
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publishing the synthetic fleet failed: " + failure.get().getMessage(),
                    failure.get());
        }
    }

    /**
     * Reading {@code t} of channel {@code channel} of synthetic sensor {@code sensor}: a daily sine
     * (288 readings a day) with a phase of its own, plus Gaussian noise from {@code random}.
     */
    static double fleetValue(Random random, long t, int sensor, int channel) {
        double phase = (sensor * 0.37 + channel * 1.3) % (2 * Math.PI);
        return 10 + 3 * channel + 5 * Math.sin(2 * Math.PI * t / 288 + phase) + 0.5 * random.nextGaussian();
    }

    // ---------------------------------------------------------------- one run

    /** One measured run. */
    private record Measured(double wall, double firstCommit, double committedRate, long scores, long dead,
                            Map<String, Long> changelogBytes) {

        long changelogTotal() {
            return changelogBytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Runs {@code setting} as application {@code id} until it has caught up, prints its row, keeps it
     * if {@code timed}, and takes the product's stored bytes per reading from the first product run;
     * null (after saying why) if it failed.
     */
    private Measured measure(Setting setting, String id, String round, boolean timed) throws Exception {
        TopologySettings topology = new TopologySettings(READINGS, id + "-scores", id + "-anomalies", id + "-dlq",
                DetectorOptions.config(DetectorConfig.DEFAULT_THRESHOLD, DetectorOptions.ALL_MEMBERS,
                        DetectorOptions.ALL_SIGNALS).withTraining(trainingPeriod()).withUpdateEvery(setting.settings.updateEvery()),
                TopologySettings.DEFAULT_MAX_CHANNELS, TopologySettings.DEFAULT_MAX_FUTURE_SKEW)
                .withCheckpointEvery(setting.settings.checkpointEvery()).withDetectorCache(setting.settings.detectorCache());
        Map<String, Integer> topics = new TreeMap<>();
        topics.put(topology.scoresTopic(), partitions);
        topics.put(topology.anomaliesTopic(), partitions);
        topics.put(topology.deadLetterTopic(), 1);
        Topics.ensure(client, topics, (short) -1);
        long started = System.nanoTime();
        double wall;
        CommitWatch watch = new CommitWatch(admin, id, inputEnd(), started);
        try {
            watch.start();
            boolean ok = instances == null ? runHere(setting, topology, id) : runInstances(setting, topology, id);
            wall = (System.nanoTime() - started) / 1e9;
            if (!ok) {
                return null;
            }
        } finally {
            watch.stop();
        }
        long scores = committed(bootstrap, topology.scoresTopic());
        long dead = committed(bootstrap, topology.deadLetterTopic());
        if (scores + dead != readings) {
            err.printf("sensorwatch bench stream: %s wrote %,d scores and %,d dead letters for %,d readings%n",
                    id, scores, dead, readings);
            return null;
        }
        Measured run = new Measured(wall, watch.firstCommit(), watch.rate(), scores, dead, changelogBytes(id));
        deleteTopicsOf(id);
        LocalFiles.deleteQuietly(work.resolve("state").resolve(id));
        out.printf(ROW, round, setting.label(), String.format("%.1f", run.wall()), String.format("%,.0f", readings / wall),
                Double.isNaN(run.firstCommit()) ? "-" : String.format("%.1f", run.firstCommit()), rate(run.committedRate()),
                String.format("%,d", scores), String.format("%,d", dead), perReading(run.changelogTotal()));
        out.flush();
        if (timed) {
            setting.runs.add(run);
        }
        if (setting.product() && storedSource == null) {
            storedBytes = (int) Math.max(ModelFreeTopology.MIN_VALUE_BYTES,
                    Math.min(ModelFreeTopology.MAX_VALUE_BYTES, Math.round((double) run.changelogTotal() / readings)));
            storedSource = id + " wrote " + String.format("%,d", run.changelogTotal()) + " changelog bytes for "
                    + String.format("%,d", readings) + " readings (" + run.changelogBytes().entrySet().stream()
                    .map(e -> e.getKey() + " " + perReading(e.getValue()) + " B")
                    .collect(Collectors.joining(", ")) + " per reading)";
            for (Setting s : settings) {
                if (s.stored) {
                    s.bytes = storedBytes;
                }
            }
        }
        return run;
    }

    private String perReading(long bytes) {
        return String.format("%,.0f", (double) bytes / readings);
    }

    private static String rate(double rate) {
        return Double.isNaN(rate) ? "-" : String.format("%,.0f", rate);
    }

    /** Runs {@code setting} in this JVM until caught up; whether Kafka Streams ended without an error. */
    private boolean runHere(Setting setting, TopologySettings topology, String id) throws Exception {
        KafkaStreams.State end = runToCatchUp(client, id, work.resolve("state").resolve(id), topology,
                setting.product() ? 0 : setting.bytes, streamsOverrides(threads));
        if (end == KafkaStreams.State.ERROR) {
            err.printf("sensorwatch bench stream: run %s failed: Kafka Streams stopped in state ERROR; see the log%n", id);
            return false;
        }
        return true;
    }

    /** The Kafka Streams settings every run adds to {@link StreamsRunner#properties}: its stream threads. */
    private static Map<String, String> streamsOverrides(int threads) {
        return Map.of("num.stream.threads", String.valueOf(threads));
    }

    /**
     * Runs the product ({@code valueBytes} 0) or the model-free topology with values of
     * {@code valueBytes} as application {@code id} until it has caught up with the input topic, as
     * {@code run --stop-when-caught-up --metrics-port -1} does (same runner, same properties, same
     * wait), and closes it; the state it ended in.
     */
    static KafkaStreams.State runToCatchUp(Properties client, String id, Path stateDir, TopologySettings settings,
                                           int valueBytes, Map<String, String> overrides) throws Exception {
        String servers = client.getProperty("bootstrap.servers");
        Map<String, String> tags = Map.of("application", id, "instance", InetAddress.getLocalHost().getHostName());
        PrometheusMeterRegistry registry = ProcessMetrics.registry(tags);
        DetectorMetrics metrics = new DetectorMetrics(registry, tags);
        Topology topology = valueBytes == 0 ? DetectorTopology.build(settings, metrics)
                : ModelFreeTopology.build(settings, valueBytes, metrics);
        try (StreamsRunner runner = new StreamsRunner(topology, StreamsRunner.properties(id, servers, stateDir, overrides),
                registry)) {
            runner.exportConsumerLag(registry, tags);
            ProcessMetrics.bindTo(registry);
            runner.start();
            CatchUp.await(runner, client, id, settings, CatchUp.transactionTimeout(overrides),
                    (records, timeout) -> { }); // what stays held back shows in the counts of the scores
            runner.close(Duration.ofSeconds(30));
            return runner.stopped().join();
        }
    }

    /**
     * Runs {@code setting} as {@code --instances} JVMs of application {@code id}, the product as
     * {@code run --stop-when-caught-up}; whether all of them exited with 0.
     */
    private boolean runInstances(Setting setting, TopologySettings topology, String id) throws Exception {
        Path logs = Files.createDirectories(work.resolve("logs"));
        List<Process> started = new ArrayList<>();
        List<Path> logFiles = new ArrayList<>();
        for (int k = 1; k <= instances; k++) {
            Path stateDir = work.resolve("state").resolve(id).resolve("instance-" + k);
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            if (setting.product()) {
                command.addAll(List.of(Main.class.getName(), "run", "--bootstrap-server", bootstrap,
                        "--application-id", id, "--state-dir", stateDir.toString(),
                        "--input-topic", READINGS, "--output-topic", topology.scoresTopic(),
                        "--anomalies-topic", topology.anomaliesTopic(), "--dead-letter-topic", topology.deadLetterTopic(),
                        "--partitions", String.valueOf(partitions), "--stop-when-caught-up", "--metrics-port", "-1",
                        "--kafka.num.stream.threads=" + threads,
                        "--update-every", String.valueOf(setting.settings.updateEvery()),
                        "--checkpoint-every", String.valueOf(setting.settings.checkpointEvery()),
                        "--detector-cache", String.valueOf(setting.settings.detectorCache())));
                if (learnFirst != null) {
                    command.addAll(List.of("--learn-first", learnFirst));
                }
            } else {
                command.addAll(List.of(ModelFreeInstance.class.getName(), bootstrap, id, stateDir.toString(),
                        topology.scoresTopic(), topology.anomaliesTopic(), topology.deadLetterTopic(),
                        String.valueOf(setting.bytes), String.valueOf(threads)));
            }
            Path log = logs.resolve(id + "-" + k + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("SENSORWATCH_")); // options as given here only
            Process process = builder.start();
            synchronized (children) {
                children.add(process);
            }
            started.add(process);
            logFiles.add(log);
        }
        long deadline = System.nanoTime() + INSTANCES_LIMIT.toNanos();
        boolean ok = true;
        for (int k = 0; k < started.size(); k++) {
            Process process = started.get(k);
            long left = deadline - System.nanoTime();
            if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                err.printf("sensorwatch bench stream: instance %d of %s still runs after %d minutes; ending it%n", k + 1,
                        id, INSTANCES_LIMIT.toMinutes());
                process.destroyForcibly().waitFor();
            }
            if (process.exitValue() != 0) {
                ok = false;
                err.printf("sensorwatch bench stream: instance %d of %s exited with %d; the end of its log (%s):%n%s%n",
                        k + 1, id, process.exitValue(), logFiles.get(k), tail(logFiles.get(k), 30));
            }
        }
        synchronized (children) {
            children.removeAll(started);
        }
        return ok;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private void destroyChildren() {
        synchronized (children) {
            children.forEach(Process::destroyForcibly);
            children.clear();
        }
    }

    /**
     * One instance of the model-free topology in a JVM of its own, what {@code bench stream
     * --instances} starts where it starts {@code run} for the product. Arguments: bootstrap servers,
     * application id, state directory, scores, anomalies and dead-letter topics, value bytes, stream
     * threads. Exits 0 once caught up, 1 if Kafka Streams failed.
     */
    static final class ModelFreeInstance {

        private ModelFreeInstance() {
        }

        public static void main(String[] args) throws Exception {
            if (args.length != 8) {
                System.err.println("usage: ModelFreeInstance BOOTSTRAP ID STATE_DIR SCORES ANOMALIES DLQ BYTES THREADS");
                System.exit(2);
            }
            Properties client = new Properties();
            client.put("bootstrap.servers", args[0]);
            TopologySettings settings = new TopologySettings(READINGS, args[3], args[4], args[5],
                    DetectorConfig.DEFAULTS, TopologySettings.DEFAULT_MAX_CHANNELS, TopologySettings.DEFAULT_MAX_FUTURE_SKEW);
            KafkaStreams.State end = runToCatchUp(client, args[1], Path.of(args[2]), settings,
                    Integer.parseInt(args[6]), streamsOverrides(Integer.parseInt(args[7])));
            System.exit(end == KafkaStreams.State.ERROR ? 1 : 0);
        }
    }

    // ---------------------------------------------------------------- what a run wrote

    /** The end offsets of the input topic, summed: what the committed offsets reach once a run has caught up. */
    private long inputEnd() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(READINGS, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(r -> r.offset()).sum();
    }

    /**
     * The bytes in each changelog topic of application {@code id} ({@code <id>-<store>-changelog}) by
     * store, as the broker's log directories hold them after the run (the bench's broker compacts
     * nothing).
     */
    private Map<String, Long> changelogBytes(String id) throws Exception {
        String prefix = id + "-";
        String suffix = "-changelog";
        Set<String> changelogs = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(prefix) && t.endsWith(suffix)).collect(Collectors.toSet());
        List<Integer> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id).toList();
        Map<String, Long> bytes = new TreeMap<>();
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions()
                .get(30, TimeUnit.SECONDS).values()) {
            for (LogDirDescription dir : dirs.values()) {
                dir.replicaInfos().forEach((partition, replica) -> {
                    String topic = partition.topic();
                    if (changelogs.contains(topic)) {
                        bytes.merge(topic.substring(prefix.length(), topic.length() - suffix.length()), replica.size(),
                                Long::sum);
                    }
                });
            }
        }
        return bytes;
    }

    /** Deletes every topic of application {@code id} (outputs, changelogs, repartition): they are measured. */
    private void deleteTopicsOf(String id) throws Exception {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(id + "-")).collect(Collectors.toSet());
        admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
    }

    /**
     * Samples the committed offsets of an application's consumer group on the input topic: when the
     * first commit was seen, how many readings it held, and when the last one (the input's end) was.
     */
    private static final class CommitWatch implements Runnable {
        private final Admin admin;
        private final String group;
        private final long end;
        private final long started;
        private final Thread thread;
        private volatile boolean stopping;
        private volatile long firstNanos = -1;
        private volatile long firstCount;
        private volatile long lastNanos = -1;

        CommitWatch(Admin admin, String group, long end, long started) {
            this.admin = admin;
            this.group = group;
            this.end = end;
            this.started = started;
            this.thread = new Thread(this, "bench-stream-commits");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.interrupt();
            thread.join(10_000);
        }

        @Override
        public void run() {
            while (!stopping && lastNanos < 0) {
                try {
                    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                    long now = System.nanoTime();
                    long committed = offsets.entrySet().stream()
                            .filter(e -> e.getKey().topic().equals(READINGS) && e.getValue() != null)
                            .mapToLong(e -> e.getValue().offset()).sum();
                    if (committed > 0 && firstNanos < 0) {
                        firstCount = committed;
                        firstNanos = now;
                    }
                    if (committed >= end && end > 0) {
                        lastNanos = now;
                    }
                    Thread.sleep(COMMIT_SAMPLING.toMillis()); // a sampling interval, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    // no group yet, or the broker is busy: sample again
                }
            }
        }

        /** Seconds from the start of the run to the first commit seen; NaN if none was. */
        double firstCommit() {
            return firstNanos < 0 ? Double.NaN : (firstNanos - started) / 1e9;
        }

        /** Readings per second from the first commit seen to the last; NaN if they were the same sample. */
        double rate() {
            if (firstNanos < 0 || lastNanos <= firstNanos || firstCount >= end) {
                return Double.NaN;
            }
            return (end - firstCount) / ((lastNanos - firstNanos) / 1e9);
        }
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
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props, new ByteArrayDeserializer(),
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

    // ---------------------------------------------------------------- the summary

    /** The medians of each setting and the product's throughput over each model-free one's. */
    private void printSummary(List<Setting> settings) {
        out.println();
        out.printf(SUMMARY, "medians of " + rounds + " round(s)", "wall s", "readings/s", "committed/s", "changelog B/r",
                "product/this: readings/s", "committed/s");
        Setting product = settings.get(0);
        double productWall = Medians.of(product.runs.stream().mapToDouble(Measured::wall).toArray());
        double productRate = Medians.of(product.runs.stream().mapToDouble(Measured::committedRate).toArray());
        for (Setting setting : settings) {
            double wall = Medians.of(setting.runs.stream().mapToDouble(Measured::wall).toArray());
            double rate = Medians.of(setting.runs.stream().mapToDouble(Measured::committedRate).toArray());
            double changelog = Medians.of(setting.runs.stream().mapToDouble(r -> (double) r.changelogTotal()).toArray());
            String wallRatio = setting == product ? "" : String.format("%.2f×", wall / productWall);
            String rateRatio = setting == product ? ""
                    : Double.isNaN(rate) || Double.isNaN(productRate) ? "-" : String.format("%.2f×", productRate / rate);
            out.print(String.format(SUMMARY, setting.label(), String.format("%.1f", wall),
                    String.format("%,.0f", readings / wall), rate(rate), perReading((long) changelog), wallRatio, rateRatio)
                    .stripTrailing() + System.lineSeparator());
        }
        out.printf("%n%s = %,d B: the product's stored bytes per reading, measured as the changelog bytes its first run"
                + " wrote divided by its readings: %s%n", STORED, storedBytes, storedSource);
    }

    /**
     * Prints what the state stores keep per sensor, as two parts ({@link SensorStateCodec}): the
     * per-reading part and the model, written at a checkpoint, the model only when it changed; and
     * the size of a {@link ReadingJournal} entry, written for each reading between checkpoints; for a detector with the default configuration that has seen
     * {@value #STORED_SIZE_READINGS} synthetic readings, learning online and with its first 2,000
     * readings as its training period, with one channel and with eight.
     */
    static void printStoredBytesPerSensor(PrintWriter out) {
        out.printf("stored bytes per sensor after %,d synthetic readings (per-reading part + model):%n",
                STORED_SIZE_READINGS);
        for (boolean trained : new boolean[] {false, true}) {
            List<String> sizes = new ArrayList<>();
            for (int d : new int[] {1, 8}) {
                DetectorConfig config = trained
                        ? DetectorConfig.DEFAULTS.withTraining(TrainingPeriod.firstReadings(2_000)) : DetectorConfig.DEFAULTS;
                SensorDetector detector = SensorDetector.fresh(config, d);
                SensorDetector.Workspace workspace = new SensorDetector.Workspace();
                Random random = new Random(FLEET_SEED);
                for (int t = 0; t < STORED_SIZE_READINGS; t++) {
                    double[] values = new double[d];
                    for (int c = 0; c < d; c++) {
                        values[c] = fleetValue(random, t, 0, c);
                    }
                    detector.process(FLEET_START.plus(FLEET_STEP.multipliedBy(t)).toEpochMilli(), values, workspace);
                }
                SensorStateCodec.Encoded parts = new SensorStateCodec().encode(detector.snapshot());
                sizes.add(String.format("D = %d: %,d B + %,d B", d, parts.live().length, parts.model().length));
            }
            out.printf("  %-50s %s%n", trained ? "trained (--learn-first 2000), model written once:"
                    : "online, model changed by every reading:", String.join(";  ", sizes));
        }
        out.printf("  %-50s D = 1: %,d B;  D = 8: %,d B (value; the key adds the sensor id and 8 B)%n",
                "journal entry, per reading between checkpoints:", ReadingJournal.entryBytes(1),
                ReadingJournal.entryBytes(8));
    }
}
