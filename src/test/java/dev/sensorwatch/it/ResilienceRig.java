package dev.sensorwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.kafka.ConsumerLag;
import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import dev.sensorwatch.kafka.Topics;
import dev.sensorwatch.stream.AvroSerde;
import dev.sensorwatch.stream.FleetViewStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What the resilience tests share: an embedded broker in the test JVM (restartable on the same
 * directory and port), the fixed input ({@link ResilienceData}) published once to a topic, and
 * the reference output — the scores, anomalies and dead letters of one uninterrupted run of
 * {@code sensorwatch run} in a child JVM over that topic, itself checked against the detector fed
 * the same readings directly. One rig per JVM and size (short form or soak), shared by the test
 * classes through {@link Resolver}; closed when the test run ends.
 */
final class ResilienceRig implements AutoCloseable {

    static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    static final AvroSerde<DeadLetter> DEAD_LETTERS = AvroSerde.of(DeadLetter.class);
    /** Partitions of the input and output topics: more than instances, so failover moves several. */
    static final int PARTITIONS = 4;
    /** Bound on any single run to completion. */
    static final Duration RUN_PATIENCE = Duration.ofMinutes(5);
    /**
     * Session timeout of the child applications. A member killed with SIGKILL never leaves its group;
     * the group coordinator drops it only after this long, and until then a restarted instance or a
     * survivor waits in the rebalance. Kafka's default is 45 s; the test broker allows 1 s and up.
     */
    static final int SESSION_TIMEOUT_MS = 3_000;
    static final String INPUT = "resilience-readings";

    /** A record read back from an output topic. */
    record Out(int partition, long offset, byte[] key, byte[] value) {
        String keyText() {
            return key == null ? "<null>" : new String(key, StandardCharsets.UTF_8);
        }
    }

    /** Everything a run wrote, read committed. */
    record Outputs(List<Out> scores, List<Out> anomalies, List<Out> deadLetters) {
    }

    /** The topics of one run: its input and its own output topics. */
    record RunTopics(String input, String scores, String anomalies, String deadLetters) {
    }

    final boolean soak;
    final Path dir;
    final ResilienceData data;
    private final Map<String, String> brokerOverrides = Map.of(
            "group.min.session.timeout.ms", "1000",
            // abort the transactions of killed producers soon after they time out (default: every 10 s)
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    private final int port;
    private volatile EmbeddedKafkaBroker broker;
    private Outputs reference;
    private RunTopics referenceTopics;

    private ResilienceRig(boolean soak, Path dir, ResilienceData data) {
        this.soak = soak;
        this.dir = dir;
        this.data = data;
        this.broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0, brokerOverrides);
        this.port = broker.port();
    }

    /** Starts the broker, publishes the input, runs and checks the reference. */
    static ResilienceRig start(boolean soak) throws Exception {
        ResilienceData data = soak
                ? ResilienceData.build(Integer.getInteger("soak.sensors", 6), Integer.getInteger("soak.readings", 10_000),
                        List.of("artificialWithAnomaly/art_daily_jumpsup.csv", "realAdExchange/exchange-3_cpc_results.csv",
                                "realKnownCause/ambient_temperature_system_failure.csv",
                                "realKnownCause/rogue_agent_key_hold.csv", "realTraffic/speed_7578.csv"))
                : ResilienceData.build(3, 2_000,
                        List.of("realTraffic/speed_7578.csv", "realAdExchange/exchange-3_cpc_results.csv"));
        Path dir = Files.createTempDirectory("sensorwatch-resilience-");
        ResilienceRig rig = new ResilienceRig(soak, dir, data);
        try {
            System.out.printf("resilience rig (%s): %s; broker %s; files in %s%n", soak ? "soak" : "short form",
                    data, rig.bootstrap(), dir);
            rig.referenceTopics = rig.topics("reference", INPUT);
            rig.publish(INPUT, 0);
            rig.runReference();
            return rig;
        } catch (Exception | Error e) {
            rig.close();
            throw e;
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap());
        return props;
    }

    /**
     * Stops the broker, leaves it down for {@code outage}, and starts it again on the same directory
     * and port.
     *
     * @return how long clients could not reach it, in milliseconds
     */
    long bounceBroker(Duration outage) throws InterruptedException {
        long t0 = System.nanoTime();
        broker.stop();
        // a deliberate outage of a given length, not a wait for a condition
        Thread.sleep(outage.toMillis());
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), port, brokerOverrides);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** Creates the output topics of run {@code name} (and {@code input} if missing). */
    RunTopics topics(String name, String input) {
        RunTopics topics = new RunTopics(input, name + "-scores", name + "-anomalies", name + "-dlq");
        Map<String, Integer> partitions = new LinkedHashMap<>();
        partitions.put(topics.input(), PARTITIONS);
        partitions.put(topics.scores(), PARTITIONS);
        partitions.put(topics.anomalies(), PARTITIONS);
        partitions.put(topics.deadLetters(), 1);
        Topics.ensure(clientProperties(), partitions, (short) 1);
        return topics;
    }

    /**
     * The {@code run} arguments for one instance of application {@code appId}, then {@code extra},
     * then any given in {@code -Dresilience.app.args}.
     */
    List<String> runArgs(String appId, Path stateDir, RunTopics topics, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-server", bootstrap(), "--application-id", appId, "--state-dir", stateDir.toString(),
                "--input-topic", topics.input(), "--output-topic", topics.scores(),
                "--anomalies-topic", topics.anomalies(), "--dead-letter-topic", topics.deadLetters(),
                "--no-create-topics", "--metrics-port", "-1",
                "--kafka.session.timeout.ms=" + SESSION_TIMEOUT_MS,
                "--kafka.heartbeat.interval.ms=" + SESSION_TIMEOUT_MS / 3));
        args.addAll(List.of(extra));
        // e.g. -Dresilience.app.args="--kafka.processing.guarantee=at_least_once" to see the tests catch duplicates
        String more = System.getProperty("resilience.app.args", "").trim();
        if (!more.isEmpty()) {
            args.addAll(List.of(more.split("\\s+")));
        }
        return args;
    }

    /**
     * Publishes every input record to {@code topic}, in order, with an idempotent producer.
     *
     * @param perSecond records per second, or 0 for as fast as the broker takes them
     */
    void publish(String topic, int perSecond) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < data.records.size() && failure.get() == null; i++) {
                if (perSecond > 0 && i % 10 == 0) {
                    // pacing a live stream, not waiting for a condition
                    long due = start + (long) (i * 1e9 / perSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                ResilienceData.Input input = data.records.get(i);
                producer.send(new ProducerRecord<>(topic, input.key(), input.value()), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publishing to " + topic + " failed", failure.get());
        }
    }

    /**
     * The input partitions each member of consumer group {@code appId} is assigned (its active
     * tasks), by client id; empty while the group rebalances or cannot be described.
     */
    Map<String, Set<Integer>> assignment(String appId, String inputTopic) {
        Map<String, Set<Integer>> assigned = new TreeMap<>();
        try (Admin admin = Admin.create(clientProperties())) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(appId)).all()
                    .get(10, TimeUnit.SECONDS).get(appId);
            if (group.groupState() != GroupState.STABLE) {
                return Map.of();
            }
            for (MemberDescription member : group.members()) {
                Set<Integer> partitions = new TreeSet<>();
                member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(inputTopic))
                        .forEach(tp -> partitions.add(tp.partition()));
                assigned.put(member.clientId(), partitions);
            }
            return assigned;
        } catch (ExecutionException | TimeoutException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last stable offsets of {@code partitions} of {@code topic}. */
    Map<Integer, Long> lastStableOffsets(String topic, Collection<Integer> partitions) throws Exception {
        try (Admin admin = Admin.create(clientProperties())) {
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            partitions.forEach(p -> wanted.put(new TopicPartition(topic, p), OffsetSpec.latest()));
            Map<Integer, Long> ends = new TreeMap<>();
            admin.listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        }
    }

    /** The partitions of the scores topic that the reference run wrote to (the partitions with sensors). */
    Set<Integer> partitionsWithData() {
        Set<Integer> partitions = new TreeSet<>();
        reference.scores().forEach(o -> partitions.add(o.partition()));
        return partitions;
    }

    /**
     * Reads every committed record of the run's output topics, up to their last stable offsets,
     * after checking that no open transaction holds any of them back (so that the last stable
     * offsets are the ends: a run that ended with {@code --stop-when-caught-up} promises that, and
     * other tests wait for it).
     */
    Outputs read(RunTopics topics) {
        try (ConsumerLag lag = new ConsumerLag(clientProperties())) {
            long held = lag.heldBack(Set.of(topics.scores(), topics.anomalies(), topics.deadLetters()));
            assertThat(held).as("records of %s held back by open transactions", topics).isZero();
        }
        return new Outputs(readTopic(topics.scores()), readTopic(topics.anomalies()), readTopic(topics.deadLetters()));
    }

    List<Out> readTopic(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<Out> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = await("partitions of " + topic).atMost(Duration.ofSeconds(30))
                    .until(() -> consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList(), list -> !list.isEmpty());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions); // last stable offsets (read committed)
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    fail("could not read %s up to %s within 60 s; read %d records", topic, ends, records.size());
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(new Out(r.partition(), r.offset(), r.key(), r.value()));
                }
            }
        }
        return records;
    }

    /**
     * The fleet view's summaries as application {@code appId}'s changelog holds them last (read
     * committed) count, for every sensor, exactly the scores it has in {@code outputs}: what the
     * summary store held in memory between commits was neither lost nor counted twice.
     */
    void assertSummariesCountTheScores(String appId, Outputs outputs) {
        Map<String, Long> scores = new TreeMap<>();
        outputs.scores().forEach(o -> scores.merge(o.keyText(), 1L, Long::sum));
        Map<String, Long> summarised = new TreeMap<>();
        for (Out o : readTopic(appId + "-" + FleetViewStores.SUMMARIES + "-changelog")) {
            if (o.value() != null) {
                summarised.put(o.keyText(), FleetViewStores.decodeSummary(o.value()).getScored());
            }
        }
        assertThat(summarised).as("scores per sensor in the summaries of %s", appId).isEqualTo(scores);
    }

    /** The uninterrupted run all others are compared with; checked against the detector fed directly. */
    private void runReference() throws Exception {
        long t0 = System.nanoTime();
        try (AppProcess app = AppProcess.run("reference", dir.resolve("logs"),
                runArgs("reference", dir.resolve("state-reference"), referenceTopics, "--stop-when-caught-up"))) {
            awaitExit(app, 0);
        }
        reference = read(referenceTopics);
        System.out.printf("reference run: %,d scores, %,d anomalies, %d dead letters in %d ms%n",
                reference.scores().size(), reference.anomalies().size(), reference.deadLetters().size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        Map<String, List<Out>> scores = byKey(reference.scores());
        assertThat(scores.keySet()).containsExactlyInAnyOrderElementsOf(data.scored.keySet());
        for (var sensor : data.scored.entrySet()) {
            List<ResilienceData.Reading> readings = sensor.getValue();
            List<Out> actual = scores.get(sensor.getKey());
            assertThat(actual).as("reference scores of %s", sensor.getKey()).hasSize(readings.size());
            SensorDetector detector = SensorDetector.fresh(DetectorConfig.DEFAULTS, 1);
            SensorDetector.Workspace workspace = new SensorDetector.Workspace();
            for (int i = 0; i < readings.size(); i++) {
                ResilienceData.Reading reading = readings.get(i);
                double expected = detector.process(reading.eventTime(), new double[] {reading.value()}, workspace).score();
                AnomalyScore score = SCORES.decode(actual.get(i).value());
                assertThat(score.getEventTime().toEpochMilli()).as("%s #%d", sensor.getKey(), i)
                        .isEqualTo(reading.eventTime());
                assertThat(Double.doubleToRawLongBits(score.getAnomalyScore()))
                        .as("reference score of %s #%d against the detector alone", sensor.getKey(), i)
                        .isEqualTo(Double.doubleToRawLongBits(expected));
            }
        }
        assertThat(reference.anomalies()).hasSize((int) reference.scores().stream()
                .filter(o -> SCORES.decode(o.value()).getAnomaly()).count());
        assertThat(reference.deadLetters()).hasSize(data.deadLetters);
        assertThat(reference.deadLetters()).extracting(o -> DEAD_LETTERS.decode(o.value()).getReason())
                .containsOnly("undecodable", "non_finite", "out_of_order");
    }

    /** Waits (bounded) until {@code app} has exited, and checks its exit code. */
    static void awaitExit(AppProcess app, int expected) throws InterruptedException {
        if (!app.waitFor(RUN_PATIENCE)) {
            fail("%s did not finish within %s%n%s", app.name(), RUN_PATIENCE, app.tail(60));
        }
        if (app.exitCode() != expected) {
            fail("%s exited with %d, expected %d%n%s", app.name(), app.exitCode(), expected, app.tail(80));
        }
    }

    /**
     * Asserts that {@code actual} is the reference output: per sensor the same scores in the same
     * order, byte for byte (so every field bit for bit, doubles included), in the same partition;
     * the same total (no duplicates, no gaps); the same anomalies; the same dead letters.
     *
     * @param sameInputTopic whether the run read the reference's input topic; otherwise dead
     *                       letters are compared without their topic name and record timestamp
     */
    void assertSameAsReference(Outputs actual, boolean sameInputTopic) {
        assertSameRecords("scores", reference.scores(), actual.scores(), Out::value);
        assertThat(actual.scores()).as("total scores").hasSize(data.scoredCount());
        assertSameRecords("anomalies", reference.anomalies(), actual.anomalies(), Out::value);
        assertSameRecords("dead letters", reference.deadLetters(), actual.deadLetters(),
                sameInputTopic ? Out::value : ResilienceRig::deadLetterWithoutTopicAndTimestamp);
    }

    private static byte[] deadLetterWithoutTopicAndTimestamp(Out out) {
        DeadLetter letter = DEAD_LETTERS.decode(out.value());
        return DEAD_LETTERS.encode(DeadLetter.newBuilder(letter).setTopic("").setTimestamp(Instant.EPOCH).build());
    }

    private static void assertSameRecords(String what, List<Out> expected, List<Out> actual,
                                          Function<Out, byte[]> content) {
        Map<String, List<Out>> want = byKey(expected);
        Map<String, List<Out>> got = byKey(actual);
        assertThat(got.keySet()).as("keys of the %s", what).containsExactlyInAnyOrderElementsOf(want.keySet());
        for (String key : want.keySet()) {
            List<Out> w = want.get(key);
            List<Out> g = got.get(key);
            int n = Math.min(w.size(), g.size());
            for (int i = 0; i < n; i++) {
                if (!Arrays.equals(content.apply(w.get(i)), content.apply(g.get(i)))) {
                    fail("%s of %s differ at #%d of %d (expected %d records, got %d):%n  expected %s%n  actual   %s",
                            what, key, i, n, w.size(), g.size(), describe(what, w.get(i)), describe(what, g.get(i)));
                }
                if (w.get(i).partition() != g.get(i).partition()) {
                    fail("%s of %s #%d in partition %d, expected %d", what, key, i, g.get(i).partition(), w.get(i).partition());
                }
            }
            if (w.size() != g.size()) {
                fail("%s of %s: expected %d records, got %d (%s); the first %d are identical", what, key, w.size(),
                        g.size(), g.size() > w.size() ? "duplicates or extra" : "missing", n);
            }
        }
    }

    private static String describe(String what, Out out) {
        String where = "p" + out.partition() + "@" + out.offset() + " ";
        try {
            if (what.equals("dead letters")) {
                return where + DEAD_LETTERS.decode(out.value());
            }
            AnomalyScore s = SCORES.decode(out.value());
            return where + s + " (score bits " + Long.toHexString(Double.doubleToRawLongBits(s.getAnomalyScore())) + ")";
        } catch (RuntimeException e) {
            return where + HexFormat.of().formatHex(out.value());
        }
    }

    static Map<String, List<Out>> byKey(List<Out> records) {
        Map<String, List<Out>> byKey = new TreeMap<>();
        for (Out out : records) {
            byKey.computeIfAbsent(out.keyText(), k -> new ArrayList<>()).add(out);
        }
        // within a key, topic order: by partition (one partition per key), then offset
        byKey.values().forEach(list -> list.sort(Comparator.comparingInt(Out::partition).thenComparingLong(Out::offset)));
        return byKey;
    }

    /** A seed from {@code -Dresilience.seed}, or a fresh one; printed so that a failing run can be repeated. */
    static long seed(String test) {
        String given = System.getProperty("resilience.seed");
        long seed = given != null ? Long.parseLong(given) : new Random().nextLong();
        System.out.printf("%s: seed %d (repeat with -Dresilience.seed=%d)%n", test, seed, seed);
        return seed;
    }

    /** Deletes a directory tree (a state directory before a restart). */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    @Override
    public void close() {
        try {
            if (broker != null) {
                broker.stop();
            }
        } finally {
            if (!Boolean.getBoolean("resilience.keep")) {
                try {
                    deleteTree(dir);
                } catch (UncheckedIOException e) {
                    System.err.println("could not delete " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Gives a test method a {@link ResilienceRig} parameter: the JVM-wide short-form rig, or the soak
     * rig for methods tagged {@code soak}.
     */
    static final class Resolver implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == ResilienceRig.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            boolean soak = context.getTags().contains("soak");
            return context.getRoot().getStore(ExtensionContext.Namespace.create(ResilienceRig.class))
                    .getOrComputeIfAbsent(soak ? "soak" : "short", key -> {
                        try {
                            return start(soak);
                        } catch (Exception e) {
                            throw new IllegalStateException("cannot set up the resilience rig", e);
                        }
                    }, ResilienceRig.class);
        }
    }

}
