package dev.sensorwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.io.CsvOptions;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.io.SeriesReader;
import dev.sensorwatch.kafka.Topics;
import dev.sensorwatch.stream.AvroSerde;
import dev.sensorwatch.stream.DetectorMetrics;
import dev.sensorwatch.stream.DetectorTopology;
import dev.sensorwatch.stream.HostileTraffic;
import dev.sensorwatch.stream.StreamsRunner;
import dev.sensorwatch.stream.TopologySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The integration scenarios, against whatever real broker a subclass provides: the embedded KRaft
 * broker ({@link EmbeddedBrokerScenariosIT}, always) and a Testcontainers {@code apache/kafka}
 * container ({@link ContainerBrokerScenariosIT}, when a Docker engine is available).
 */
abstract class BrokerScenarios {

    static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);
    static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    static final AvroSerde<DeadLetter> DEAD_LETTERS = AvroSerde.of(DeadLetter.class);
    static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final AtomicInteger RUN = new AtomicInteger();

    @TempDir
    Path stateDir;

    /** Address of the broker under test. */
    abstract String bootstrapServers();

    /** Two series of the NAB sample shipped for the demo (2,665 readings). */
    static List<SeriesFile> sample() throws Exception {
        Path root = sampleRoot();
        List<SeriesFile> series = new ArrayList<>();
        for (String name : List.of("realTraffic/speed_7578.csv", "realAdExchange/exchange-3_cpc_results.csv")) {
            series.add(SeriesReader.read(root, root.resolve(name), SeriesFormat.NAB, CsvOptions.defaults()));
        }
        return series;
    }

    static Path sampleRoot() throws URISyntaxException {
        return Path.of(BrokerScenarios.class.getResource("/demo/nab/index.txt").toURI()).getParent();
    }

    /** Settings with topic names unique to one test. */
    static TopologySettings uniqueTopics() {
        String prefix = "it" + RUN.incrementAndGet() + "-";
        return new TopologySettings(prefix + "readings", prefix + "scores", prefix + "anomalies", prefix + "dlq",
                DetectorConfig.DEFAULTS, TopologySettings.DEFAULT_MAX_CHANNELS);
    }

    void createTopics(TopologySettings settings) {
        createTopics(settings, 3);
    }

    void createTopics(TopologySettings settings, int partitions) {
        Properties admin = new Properties();
        admin.put("bootstrap.servers", bootstrapServers());
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(settings.inputTopic(), partitions);
        topics.put(settings.scoresTopic(), partitions);
        topics.put(settings.anomaliesTopic(), partitions);
        topics.put(settings.deadLetterTopic(), 1);
        Topics.ensure(admin, topics, (short) 1);
    }

    StreamsRunner start(TopologySettings settings, String applicationId) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Properties props = StreamsRunner.properties(applicationId, bootstrapServers(), stateDir.resolve(applicationId),
                Map.of("commit.interval.ms", "100"));
        StreamsRunner runner = new StreamsRunner(DetectorTopology.build(settings, new DetectorMetrics(registry)),
                props, registry);
        runner.start();
        return runner;
    }

    /** Publishes every row of {@code series}, interleaved round-robin, keyed by sensor id. */
    void publish(String topic, List<SeriesFile> series) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            int longest = series.stream().mapToInt(SeriesFile::rows).max().orElse(0);
            for (int row = 0; row < longest; row++) {
                for (SeriesFile s : series) {
                    if (row < s.rows()) {
                        producer.send(new ProducerRecord<>(topic, key(s.sensorId()),
                                reading(s.sensorId(), s.eventTimeMillis(row), s.value(row, 0))));
                    }
                }
            }
            producer.flush();
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static byte[] key(String sensor) {
        return sensor.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] reading(String sensor, long eventTime, double... values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return READINGS.encode(SensorReading.newBuilder().setSensorId(sensor)
                .setEventTime(Instant.ofEpochMilli(eventTime)).setValues(list).build());
    }

    /** Reads {@code topic} from the beginning, read-committed, until it holds {@code count} records. */
    List<ConsumerRecord<String, byte[]>> readCommitted(String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
            // anything beyond the expected count would be a duplicate: give it a moment to show
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    /** Scores per sensor, in the order the topic holds them. */
    static Map<String, List<AnomalyScore>> bySensor(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<AnomalyScore>> scores = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            AnomalyScore score = SCORES.decode(record.value());
            assertThat(record.key()).isEqualTo(score.getSensorId());
            scores.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(score);
        }
        return scores;
    }

    /** Each score's encoded bytes, hex, per sensor in topic order: equal lists mean bit-identical scores. */
    static Map<String, List<String>> bytesBySensor(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<String>> scores = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            scores.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(HexFormat.of().formatHex(record.value()));
        }
        return scores;
    }

    static int total(List<SeriesFile> series, String sensor) {
        return series.stream().filter(s -> s.sensorId().equals(sensor)).mapToInt(SeriesFile::rows).sum();
    }

    @Test
    void scoresEveryReadingOnARealBrokerExactlyAsTheDetectorAlone() throws Exception {
        TopologySettings settings = uniqueTopics();
        createTopics(settings);
        List<SeriesFile> series = sample();
        int total = series.stream().mapToInt(SeriesFile::rows).sum();
        try (StreamsRunner runner = start(settings, "e2e-" + settings.inputTopic())) {
            publish(settings.inputTopic(), series);
            Map<String, List<AnomalyScore>> scores = bySensor(readCommitted(settings.scoresTopic(), total));

            for (SeriesFile s : series) {
                List<AnomalyScore> actual = scores.get(s.sensorId());
                assertThat(actual).as("scores of %s", s.sensorId()).hasSize(s.rows());
                SensorDetector detector = SensorDetector.fresh(settings.detector(), 1);
                SensorDetector.Workspace workspace = new SensorDetector.Workspace();
                for (int row = 0; row < s.rows(); row++) {
                    double expected = detector.process(s.eventTimeMillis(row), new double[] {s.value(row, 0)}, workspace)
                            .score();
                    assertThat(Double.doubleToRawLongBits(actual.get(row).getAnomalyScore()))
                            .as("%s row %d", s.sensorId(), row).isEqualTo(Double.doubleToRawLongBits(expected));
                }
            }
            long flagged = scores.values().stream().flatMap(List::stream).filter(AnomalyScore::getAnomaly).count();
            assertThat(readCommitted(settings.anomaliesTopic(), (int) flagged)).hasSize((int) flagged);
            assertThat(runner.healthy()).isTrue();
        }
    }

    @Test
    void replayingIntoAFreshApplicationIdGivesIdenticalScores() throws Exception {
        TopologySettings first = uniqueTopics();
        // one partition: the whole backlog (2,665 readings) waits in it before the application
        // starts, more than Kafka Streams buffers per partition, while the matching repartition
        // partition stays empty; the task must not wait for it
        createTopics(first, 1);
        List<SeriesFile> series = sample();
        int total = series.stream().mapToInt(SeriesFile::rows).sum();
        publish(first.inputTopic(), series);
        Map<String, List<String>> original;
        try (StreamsRunner runner = start(first, "replay-a-" + first.inputTopic())) {
            original = bytesBySensor(readCommitted(first.scoresTopic(), total));
            assertThat(runner.healthy()).isTrue();
        }
        // the same input topic, a new application id and new output topics
        TopologySettings second = new TopologySettings(first.inputTopic(), first.scoresTopic() + "-again",
                first.anomaliesTopic() + "-again", first.deadLetterTopic() + "-again", first.detector(),
                first.maxChannels());
        createTopics(second);
        try (StreamsRunner runner = start(second, "replay-b-" + first.inputTopic())) {
            Map<String, List<String>> replayed = bytesBySensor(readCommitted(second.scoresTopic(), total));
            assertThat(replayed.keySet()).isEqualTo(original.keySet());
            for (String sensor : original.keySet()) {
                assertThat(replayed.get(sensor)).as("encoded scores of %s", sensor)
                        .hasSize(total(series, sensor)).isEqualTo(original.get(sensor));
            }
            assertThat(runner.healthy()).isTrue();
        }
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
        TopologySettings settings = uniqueTopics();
        createTopics(settings);
        try (StreamsRunner runner = start(settings, "dlq-" + settings.inputTopic());
             KafkaProducer<byte[], byte[]> producer = producer()) {
            String topic = settings.inputTopic();
            int valid = 0;
            for (int t = 0; t < 200; t++) {
                producer.send(new ProducerRecord<>(topic, key("valve-9"), reading("valve-9", 60_000L * t, Math.sin(t / 5.0))));
                // pump-3's gateway keys its readings by gateway: they are repartitioned by sensor id
                producer.send(new ProducerRecord<>(topic, key("gateway-1"), reading("pump-3", 60_000L * t, Math.cos(t / 7.0))));
                valid += 2;
                if (t % 40 == 20) {
                    producer.send(new ProducerRecord<>(topic, key("valve-9"), new byte[] {0x42, 0x00, 0x13}));
                    producer.send(new ProducerRecord<>(topic, key("valve-9"), reading("valve-9", 60_000L * t + 1, Double.NaN)));
                    producer.send(new ProducerRecord<>(topic, null, reading("valve-9", 60_000L * t + 2, 0.5)));
                    producer.send(new ProducerRecord<>(topic, key("valve-9"), reading("valve-9", 60_000L * t - 1, 0.5)));
                    producer.send(new ProducerRecord<>(topic, key("gateway-1"), reading("pump-3", 60_000L * t + 3, 0.5, 0.7)));
                }
            }
            producer.flush();

            List<ConsumerRecord<String, byte[]>> scores = readCommitted(settings.scoresTopic(), valid);
            List<DeadLetter> letters = readCommitted(settings.deadLetterTopic(), 25).stream()
                    .map(r -> DEAD_LETTERS.decode(r.value())).toList();
            assertThat(scores).hasSize(valid);
            assertThat(letters).hasSize(25);
            assertThat(letters).extracting(DeadLetter::getReason).containsOnly(
                    "undecodable", "non_finite", "null_key", "out_of_order", "channel_mismatch");
            assertThat(letters).allSatisfy(l -> assertThat(l.getTopic()).isEqualTo(topic));
            // the repartitioned reading's dead letter carries its original key, not the sensor id
            assertThat(letters).filteredOn(l -> l.getReason().equals("channel_mismatch"))
                    .allSatisfy(l -> assertThat(l.getKey()).isEqualTo(ByteBuffer.wrap(key("gateway-1"))));
            assertThat(bySensor(scores).keySet()).containsExactlyInAnyOrder("valve-9", "pump-3");
            assertThat(runner.healthy()).as("still running after the bad records").isTrue();
        }
    }

    /**
     * Hostile input on a real broker with exactly-once: see {@link HostileInputRun}. The long form
     * is tagged {@code soak}: {@code ./mvnw -Psoak verify -Dfuzz.broker.bad=20000 -Dfuzz.broker.valid=1000
     * -Dfuzz.seed=...}.
     */
    @Test
    void hostileInputIsDeadLetteredOnceEachAndChangesNoScore() throws Exception {
        new HostileInputRun(this, stateDir).run(HostileTraffic.seed("fuzz.seed"),
                HostileInputRun.sizes(120, 1_200, 5));
    }

    @Test
    @Tag("soak")
    void hostileInputLongForm() throws Exception {
        new HostileInputRun(this, stateDir).run(HostileTraffic.seed("fuzz.seed"),
                HostileInputRun.sizes(Integer.getInteger("fuzz.broker.valid", 1_000),
                        Integer.getInteger("fuzz.broker.bad", 20_000), Integer.getInteger("fuzz.broker.huge", 20)));
    }
}
