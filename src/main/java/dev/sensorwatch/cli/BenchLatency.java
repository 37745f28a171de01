package dev.sensorwatch.cli;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import dev.sensorwatch.kafka.Topics;
import dev.sensorwatch.stream.AvroSerde;
import dev.sensorwatch.stream.DetectorMetrics;
import dev.sensorwatch.stream.DetectorTopology;
import dev.sensorwatch.stream.StreamsRunner;
import dev.sensorwatch.stream.TopologySettings;
import dev.sensorwatch.view.ProcessMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sensorwatch bench latency}: how long a reading takes to become a score that a
 * read-committed consumer can read. Publishes synthetic readings of a fleet at a fixed rate (the
 * sensors in turn, each reading's event time the moment it was due to be sent, so a stall of the
 * load generator counts against the latency rather than hiding it), runs the stream processor over
 * them as {@code run} runs it (the same topology and runner, in this process, a fresh application
 * per run), and reads the scores topic read-committed: a score's latency is the time it was read
 * minus its {@code eventTime}. Each {@code --guarantees} value runs once per round, in turns, on an
 * embedded broker unless {@code --bootstrap-server} names a cluster.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = {"Publishes synthetic readings of --sensors sensors at --rate readings/s to the stream processor"
            + " (run's topology, in this process, on an embedded broker unless --bootstrap-server is given) and measures"
            + " the time from each reading's produce time to its score being readable by a read_committed consumer:"
            + " p50, p99, p99.9 and max of each run, once per round and --guarantees value, in turns; then the medians"
            + " over the rounds and p99 over the commit interval."})
final class BenchLatency implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BenchLatency.class);
    private static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);
    private static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    /** The guarantees this command measures. */
    static final List<String> GUARANTEES = List.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);
    /** How long the scores may stop arriving, beyond one commit interval, before a run is given up. */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a Kafka Streams client may take to start. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @ParentCommand
    BenchCommand bench;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--rate", paramLabel = "READINGS_PER_S", defaultValue = "2000",
            description = "Readings per second, the sensors in turn. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--sensors", paramLabel = "N", defaultValue = "1000",
            description = "Sensors in the fleet; each sends one reading every N / --rate seconds. Default: ${DEFAULT-VALUE}.")
    int sensors;

    @Option(names = "--channels", paramLabel = "D", defaultValue = "1",
            description = "Channels of each reading. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "20",
            description = "Seconds of load per run whose readings are measured, after the warm-up. Default: ${DEFAULT-VALUE}.")
    int duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds of load at the start of each run whose readings are not measured (start-up of the"
                    + " stream threads, first transactions, the JIT compiler). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "2",
            description = "Runs per --guarantees value. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--warmup-runs", paramLabel = "N", defaultValue = "1",
            description = "Runs first, with the first --guarantees value, that count in no median: the first run in"
                    + " this process pays for the JIT compiler warming up. Default: ${DEFAULT-VALUE}.")
    int warmupRuns;

    @Option(names = "--guarantees", paramLabel = "GUARANTEE", split = ",",
            defaultValue = "exactly_once_v2,at_least_once",
            description = "Kafka Streams processing guarantees to compare (exactly_once_v2, at_least_once); run uses"
                    + " exactly_once_v2. Default: ${DEFAULT-VALUE}.")
    List<String> guarantees;

    @Option(names = "--commit-interval", paramLabel = "MS",
            description = "commit.interval.ms of every run. Default: Kafka Streams' default for each guarantee (100 ms"
                    + " under exactly_once_v2, as run uses it; 30000 ms under at_least_once).")
    Long commitInterval;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of the readings and output topics, as run's --partitions. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        Main main = (Main) bench.spec.root().userObject();
        Map<String, String> overrides = kafka.settings(main.settings);
        Map<String, StreamsConfig> configs = streamsConfigs(overrides);
        PrintWriter out = bench.spec.commandLine().getOut();
        Path work = Files.createTempDirectory("sensorwatch-bench-latency");
        EmbeddedKafkaBroker broker = null;
        try {
            Properties client;
            String bootstrap = kafka.bootstrapServer;
            if (bootstrap == null) {
                broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0, Map.of());
                client = kafka.clientProperties(main.settings, broker.bootstrapServers());
                out.printf("Embedded broker at %s%n", broker.bootstrapServers());
            } else {
                if (bootstrap.isBlank()) {
                    throw new IllegalArgumentException("--bootstrap-server is empty (is SENSORWATCH_BOOTSTRAP_SERVER, or"
                            + " bootstrap-server in the config file, set to an empty value?): give a cluster, or none"
                            + " for an embedded broker");
                }
                client = kafka.connect(main.settings, bootstrap);
                out.printf("Cluster at %s; each run's topics and group are deleted after it%n", bootstrap);
            }
            out.printf("%,d readings/s from %,d sensors of %d channel(s) (one reading per sensor every %s s), %d"
                    + " partition(s)%n", rate, sensors, channels, seconds((double) sensors / rate), partitions);
            out.printf("%d warm-up run(s), then %d round(s) of %s in turns; each run %d s of load, the first %d s not"
                    + " measured%n", warmupRuns, rounds, String.join(", ", guarantees), warmup + duration, warmup);
            for (String guarantee : guarantees) {
                StreamsConfig config = configs.get(guarantee);
                out.printf("%s: commit.interval.ms %d (%s), Kafka Streams' producer linger.ms %s%n", guarantee,
                        config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG),
                        commitInterval != null ? "--commit-interval" : "Kafka Streams' default",
                        config.getProducerConfigs("probe").get(ProducerConfig.LINGER_MS_CONFIG));
            }
            out.printf("latency: from a reading's scheduled produce time (its event time) until a read_committed"
                    + " consumer in this process has read its score%n%n");
            out.printf("%-16s %12s %8s %10s %9s %9s %10s %9s %10s%n", "guarantee", "commit (ms)", "round", "readings",
                    "p50 (ms)", "p99 (ms)", "p99.9 (ms)", "max (ms)", "late (ms)");
            out.flush();
            String prefix = "bench-latency-" + Long.toString(System.currentTimeMillis(), 36);
            for (int w = 1; w <= warmupRuns; w++) {
                if (measure(client, broker == null, overrides, configs, prefix, guarantees.get(0), "warmup-" + w,
                        work) == null) {
                    return 1;
                }
            }
            Map<String, List<Latencies>> runs = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (String guarantee : guarantees) {
                    Latencies run = measure(client, broker == null, overrides, configs, prefix, guarantee,
                            String.valueOf(round), work);
                    if (run == null) {
                        return 1;
                    }
                    runs.computeIfAbsent(guarantee, g -> new ArrayList<>()).add(run);
                }
            }
            out.printf("%nmedians over %d round(s)%n", rounds);
            out.printf("%-16s %12s %9s %9s %10s %9s  %s%n", "guarantee", "commit (ms)", "p50 (ms)", "p99 (ms)",
                    "p99.9 (ms)", "max (ms)", "p99 / commit interval");
            for (var e : runs.entrySet()) {
                List<Latencies> each = e.getValue();
                long commit = configs.get(e.getKey()).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
                double p99 = Medians.of(each.stream().mapToDouble(r -> r.percentile(0.99)).toArray());
                out.printf("%-16s %12d %9.1f %9.1f %10.1f %9.1f  %.2f%n", e.getKey(), commit,
                        Medians.of(each.stream().mapToDouble(r -> r.percentile(0.50)).toArray()), p99,
                        Medians.of(each.stream().mapToDouble(r -> r.percentile(0.999)).toArray()),
                        Medians.of(each.stream().mapToDouble(Latencies::max).toArray()), commit == 0 ? Double.NaN : p99 / commit);
            }
            out.printf("on %d cores; late: how far the load generator fell behind its schedule at worst (counted in the"
                    + " latencies)%n", Runtime.getRuntime().availableProcessors());
            return 0;
        } finally {
            if (broker != null) {
                broker.stop();
            }
            LocalFiles.deleteQuietly(work);
        }
    }

    /**
     * One run under {@code guarantee}, printed as a row of the table; null (after saying why) if it
     * failed. On a cluster ({@code deleteAfter}) the run's topics and group are deleted after it.
     */
    private Latencies measure(Properties client, boolean deleteAfter, Map<String, String> overrides,
                              Map<String, StreamsConfig> configs, String prefix, String guarantee, String round,
                              Path work) throws Exception {
        String id = prefix + "-" + (guarantee.equals(StreamsConfig.AT_LEAST_ONCE) ? "alos" : "eos") + "-" + round;
        long commit = configs.get(guarantee).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        Latencies run;
        try {
            run = runOnce(client, overrides, id, guarantee, commit, work);
        } finally {
            if (deleteAfter) {
                deleteRun(client, id);
            }
        }
        if (run != null) {
            PrintWriter out = bench.spec.commandLine().getOut();
            out.printf("%-16s %12d %8s %,10d %9d %9d %10d %9d %10d%n", guarantee, commit, round, run.count(),
                    run.percentile(0.50), run.percentile(0.99), run.percentile(0.999), run.max(), run.lateMillis());
            out.flush();
        }
        return run;
    }

    /**
     * Checks the options that need no cluster.
     *
     * @throws IllegalArgumentException naming the option to fix
     */
    void checkOptions() {
        if (rate < 1 || rate > 100_000) {
            throw new IllegalArgumentException("--rate must be in [1, 100000] readings/s, got " + rate);
        }
        if (sensors < 1 || sensors > 1_000_000) {
            throw new IllegalArgumentException("--sensors must be in [1, 1000000], got " + sensors);
        }
        if (rate > 1000L * sensors) {
            throw new IllegalArgumentException("--rate " + rate + " gives each of the " + sensors + " sensors more than one"
                    + " reading per millisecond, and event times are in milliseconds: give at most 1000 readings/s per"
                    + " sensor (--rate at most " + 1000L * sensors + ", or more --sensors)");
        }
        if (channels < 1 || channels > TopologySettings.DEFAULT_MAX_CHANNELS) {
            throw new IllegalArgumentException("--channels must be in [1, " + TopologySettings.DEFAULT_MAX_CHANNELS
                    + "], got " + channels);
        }
        if (duration < 1 || duration > 3600) {
            throw new IllegalArgumentException("--duration must be in [1, 3600] seconds, got " + duration);
        }
        if (warmup < 0 || warmup > 600) {
            throw new IllegalArgumentException("--warmup must be in [0, 600] seconds, got " + warmup);
        }
        if (rounds < 1 || rounds > 100) {
            throw new IllegalArgumentException("--rounds must be in [1, 100], got " + rounds);
        }
        if (warmupRuns < 0 || warmupRuns > 10) {
            throw new IllegalArgumentException("--warmup-runs must be in [0, 10], got " + warmupRuns);
        }
        if (partitions < 1 || partitions > 1000) {
            throw new IllegalArgumentException("--partitions must be in [1, 1000], got " + partitions);
        }
        guarantees = guarantees.stream().map(String::trim).toList();
        for (String guarantee : guarantees) {
            if (!GUARANTEES.contains(guarantee)) {
                throw new IllegalArgumentException("--guarantees: unknown guarantee '" + guarantee + "'"
                        + Names.didYouMean(guarantee, GUARANTEES) + "; give one or both of " + String.join(", ", GUARANTEES));
            }
        }
        if (guarantees.stream().distinct().count() < guarantees.size()) {
            throw new IllegalArgumentException("--guarantees names a guarantee twice: " + String.join(",", guarantees));
        }
        if (commitInterval != null && (commitInterval < 0 || commitInterval > 3_600_000)) {
            throw new IllegalArgumentException("--commit-interval must be in [0, 3600000] ms, got " + commitInterval);
        }
    }

    /**
     * The Kafka Streams configuration of each guarantee's runs, for the settings they take effect
     * with (the commit interval, the producers' linger).
     *
     * @throws IllegalArgumentException if the {@code kafka.*} settings set what this command's
     *                                  options set, or Kafka Streams refuses the settings
     */
    private Map<String, StreamsConfig> streamsConfigs(Map<String, String> overrides) {
        for (String key : List.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)) {
            if (overrides.containsKey(key)) {
                throw new IllegalArgumentException("kafka." + key + " is set by bench latency itself: use "
                        + (key.equals(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG) ? "--commit-interval" : "--guarantees")
                        + " instead");
            }
        }
        Map<String, StreamsConfig> configs = new LinkedHashMap<>();
        for (String guarantee : guarantees) {
            try {
                configs.put(guarantee, new StreamsConfig(StreamsRunner.properties("bench-latency", "127.0.0.1:9092",
                        Path.of("state"), streamsOverrides(overrides, guarantee))));
            } catch (ConfigException | IllegalArgumentException e) {
                throw new IllegalArgumentException("Kafka Streams refuses the settings of " + guarantee + " (--commit-interval,"
                        + " kafka.*): " + e.getMessage(), e);
            }
        }
        return configs;
    }

    /** The Kafka settings of a run under {@code guarantee}: {@code overrides}, the guarantee and any commit interval. */
    private Map<String, String> streamsOverrides(Map<String, String> overrides, String guarantee) {
        Map<String, String> run = new HashMap<>(overrides);
        run.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        if (commitInterval != null) {
            run.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitInterval));
        }
        return run;
    }

    /**
     * One run: a fresh application {@code id} with its own topics, the load, and the latency of
     * every measured reading; null (after saying why) if it failed.
     */
    private Latencies runOnce(Properties client, Map<String, String> overrides, String id, String guarantee,
                              long commit, Path work) throws Exception {
        TopologySettings settings = new TopologySettings(id + "-readings", id + "-scores", id + "-anomalies", id + "-dlq",
                DetectorOptions.config(DetectorConfig.DEFAULT_THRESHOLD, DetectorOptions.ALL_MEMBERS,
                        DetectorOptions.ALL_SIGNALS),
                TopologySettings.DEFAULT_MAX_CHANNELS, TopologySettings.DEFAULT_MAX_FUTURE_SKEW);
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(settings.inputTopic(), partitions);
        topics.put(settings.scoresTopic(), partitions);
        topics.put(settings.anomaliesTopic(), partitions);
        topics.put(settings.deadLetterTopic(), 1);
        Topics.ensure(client, topics, (short) -1);
        Properties props = StreamsRunner.properties(id, client.getProperty("bootstrap.servers"),
                work.resolve("state").resolve(id), streamsOverrides(overrides, guarantee));
        Map<String, String> tags = Map.of("application", id, "instance", InetAddress.getLocalHost().getHostName());
        PrometheusMeterRegistry registry = ProcessMetrics.registry(tags);
        PrintWriter err = bench.spec.commandLine().getErr();
        Latencies latencies;
        KafkaStreams.State end;
        try (StreamsRunner runner = new StreamsRunner(DetectorTopology.build(settings, new DetectorMetrics(registry, tags)),
                props, registry)) {
            runner.start();
            long startBy = System.nanoTime() + START_TIMEOUT.toNanos();
            while (runner.state() != KafkaStreams.State.RUNNING) {
                if (runner.stopped().isDone() || System.nanoTime() > startBy) {
                    err.printf("sensorwatch bench latency: run %s did not start (Kafka Streams in state %s); see the log%n",
                            id, runner.state());
                    return null;
                }
                Thread.sleep(50); // a poll interval, not a wait for a condition
            }
            Schedule schedule = new Schedule(System.currentTimeMillis() + 500, rate, warmup, duration);
            try (ScoreReader reader = new ScoreReader(client, settings, schedule)) {
                long late = publish(client, settings.inputTopic(), schedule);
                Duration idle = IDLE_TIMEOUT.plusMillis(guarantee.equals(StreamsConfig.AT_LEAST_ONCE) ? 0 : commit);
                String missing = reader.await(schedule.measured(), idle, runner);
                if (missing != null) {
                    err.printf("sensorwatch bench latency: run %s: %s%n", id, missing);
                    return null;
                }
                latencies = reader.latencies(late);
            }
            // leaving the group at once lets it be deleted from a cluster after the run
            runner.streams().close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            runner.close(Duration.ofSeconds(30));
            end = runner.stopped().join();
        }
        if (end == KafkaStreams.State.ERROR) {
            err.printf("sensorwatch bench latency: run %s failed: Kafka Streams stopped in state ERROR; see the log%n", id);
            return null;
        }
        return latencies;
    }

    /**
     * When each reading is due: reading {@code i} at {@code startMillis + i / rate} seconds, which is
     * also its event time (in whole milliseconds); the readings due in the first {@code warmup}
     * seconds are not measured, those of the {@code duration} seconds after them are.
     */
    record Schedule(long startMillis, int rate, int warmup, int duration) {

        /** All readings of a run. */
        long total() {
            return (long) rate * (warmup + duration);
        }

        /** The readings measured: those due in the measured window. */
        long measured() {
            return (long) rate * duration;
        }

        /** Nanoseconds from the start at which reading {@code i} is due. */
        long offsetNanos(long i) {
            return i * 1_000_000_000L / rate;
        }

        /** Whether a reading of this event time is measured. */
        boolean isMeasured(long eventTime) {
            long from = startMillis + warmup * 1000L;
            return eventTime >= from && eventTime < from + duration * 1000L;
        }
    }

    /**
     * Publishes the readings of {@code schedule} to {@code topic}, each when it is due (or at once if
     * that has passed), with its due time as its event time and record timestamp.
     *
     * @return the most the sends fell behind the schedule, in milliseconds
     */
    private long publish(Properties client, String topic, Schedule schedule) throws InterruptedException {
        Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.putAll(client);
        Random random = new Random(42);
        double[] phases = new double[sensors];
        for (int s = 0; s < sensors; s++) {
            phases[s] = random.nextDouble() * 2 * Math.PI;
        }
        Map<String, String> tags = channels == 1 ? Map.of() : Map.of("channels",
                IntStream.range(0, channels).mapToObj(c -> "c" + c).collect(Collectors.joining(",")));
        AtomicReference<Exception> failure = new AtomicReference<>();
        long lateNanos = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic); // the topic's metadata before the clock starts
            long startNanos = System.nanoTime() + (schedule.startMillis() - System.currentTimeMillis()) * 1_000_000L;
            for (long i = 0; i < schedule.total() && failure.get() == null; i++) {
                long offset = schedule.offsetNanos(i);
                long due = startNanos + offset;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while publishing");
                }
                long eventTime = schedule.startMillis() + offset / 1_000_000;
                int sensor = (int) (i % sensors);
                long step = i / sensors;
                List<Double> values = new ArrayList<>(channels);
                for (int c = 0; c < channels; c++) {
                    values.add(10 + 5 * Math.sin(2 * Math.PI * step / 60.0 + phases[sensor] + c) + 0.3 * random.nextGaussian());
                }
                String id = "sensor-" + sensor;
                SensorReading reading = SensorReading.newBuilder()
                        .setSensorId(id)
                        .setEventTime(Instant.ofEpochMilli(eventTime))
                        .setValues(values)
                        .setTags(tags)
                        .build();
                lateNanos = Math.max(lateNanos, System.nanoTime() - due);
                producer.send(new ProducerRecord<>(topic, null, eventTime, id.getBytes(StandardCharsets.UTF_8),
                        READINGS.encode(reading)), (meta, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publishing to " + topic + " failed: " + failure.get().getMessage(),
                    failure.get());
        }
        return TimeUnit.NANOSECONDS.toMillis(lateNanos);
    }

    /** The latency of each measured reading of one run, in milliseconds, and how late the load was at worst. */
    record Latencies(long[] sorted, long lateMillis) {

        int count() {
            return sorted.length;
        }

        /** The {@code q} quantile by nearest rank: the smallest latency at least {@code q} of them do not exceed. */
        long percentile(double q) {
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        long max() {
            return sorted[sorted.length - 1];
        }
    }

    /**
     * Reads the scores and dead-letter topics of a run read-committed from their start, on its own
     * thread, and keeps {@code now - eventTime} of every score of a measured reading.
     */
    private static final class ScoreReader implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String deadLetters;
        private final Schedule schedule;
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stop;
        private volatile long measured;
        private volatile long dead;
        private volatile long lastArrival = System.nanoTime();
        /** Written by the reading thread only; read after it has ended. */
        private long[] latencies = new long[1024];

        ScoreReader(Properties client, TopologySettings settings, Schedule schedule) {
            Properties props = new Properties();
            props.putAll(client);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.deadLetters = settings.deadLetterTopic();
            this.schedule = schedule;
            try {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(settings.scoresTopic(), settings.deadLetterTopic())) {
                    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                partitions.forEach(consumer::position); // positioned before the first reading is sent
            } catch (RuntimeException e) {
                consumer.close(Duration.ZERO);
                throw e;
            }
            this.thread = new Thread(this::read, "bench-latency-scores");
            thread.setDaemon(true);
            thread.start();
        }

        private void read() {
            try {
                int n = 0;
                while (!stop) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        if (record.topic().equals(deadLetters)) {
                            dead++;
                            continue;
                        }
                        long eventTime = SCORES.decode(record.value()).getEventTime().toEpochMilli();
                        if (schedule.isMeasured(eventTime)) {
                            if (n == latencies.length) {
                                latencies = Arrays.copyOf(latencies, n * 2);
                            }
                            latencies[n++] = now - eventTime;
                            measured = n;
                        }
                    }
                    if (!records.isEmpty()) {
                        lastArrival = System.nanoTime();
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        /**
         * Waits until the scores of all {@code expected} measured readings have been read.
         *
         * @return null once they have, or what went wrong: the reader failed, the application
         *         stopped, or no score arrived for {@code idle}
         */
        String await(long expected, Duration idle, StreamsRunner runner) throws InterruptedException {
            while (measured < expected) {
                if (failure.get() != null) {
                    return "reading the scores failed: " + failure.get().getMessage();
                }
                if (runner.stopped().isDone()) {
                    return "Kafka Streams stopped in state " + runner.state() + "; see the log";
                }
                if (System.nanoTime() - lastArrival > idle.toNanos()) {
                    return String.format("%,d of the %,d scores of measured readings arrived (and %,d dead letters);"
                            + " none came for %d s", measured, expected, dead, idle.toSeconds());
                }
                Thread.sleep(20); // a poll interval, not a wait for a condition
            }
            return null;
        }

        /** The latencies read, sorted; once {@link #await} has seen them all. */
        Latencies latencies(long lateMillis) throws InterruptedException {
            stop = true;
            thread.join();
            long[] sorted = Arrays.copyOf(latencies, (int) measured);
            Arrays.sort(sorted);
            return new Latencies(sorted, lateMillis);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Deletes the topics of run {@code id} (its own and Kafka Streams' internal ones) and its
     * group from a cluster; what cannot be deleted is logged and left.
     */
    private static void deleteRun(Properties client, String id) {
        try (Admin admin = Admin.create(client)) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(id + "-")).collect(Collectors.toSet());
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            admin.deleteConsumerGroups(List.of(id)).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while deleting the topics and group of {}", id);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not delete the topics or group of {}: {}", id, e.getMessage());
        }
    }

    private static String seconds(double value) {
        return value >= 10 ? String.format("%.0f", value) : String.format("%.3g", value);
    }
}
