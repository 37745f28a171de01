package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Score;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.Signal;
import dev.sensorwatch.detect.TrainingPeriod;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every branch of the topology, through {@link TopologyTestDriver}. */
class DetectorTopologyTest {

    static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);
    static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    static final AvroSerde<DeadLetter> DEAD_LETTERS = AvroSerde.of(DeadLetter.class);
    static final TopologySettings SETTINGS = TopologySettings.DEFAULTS;

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;
    TestOutputTopic<String, byte[]> scores;
    TestOutputTopic<String, byte[]> anomalies;
    TestOutputTopic<byte[], byte[]> deadLetters;
    DetectorMetrics metrics;

    @BeforeEach
    void start() {
        startWith(SETTINGS);
    }

    void startWith(TopologySettings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        metrics = DetectorMetrics.inMemory();
        driver = new TopologyTestDriver(DetectorTopology.build(settings, metrics), props);
        input = driver.createInputTopic(settings.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        scores = driver.createOutputTopic(settings.scoresTopic(), new StringDeserializer(), new ByteArrayDeserializer());
        anomalies = driver.createOutputTopic(settings.anomaliesTopic(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(settings.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    static byte[] reading(String sensor, long eventTime, double... values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return READINGS.encode(SensorReading.newBuilder().setSensorId(sensor)
                .setEventTime(Instant.ofEpochMilli(eventTime)).setValues(list).build());
    }

    static byte[] key(String sensor) {
        return sensor.getBytes(StandardCharsets.UTF_8);
    }

    static double[] series(int rows, int spikeAt) {
        double[] values = new double[rows];
        for (int t = 0; t < rows; t++) {
            values[t] = 5 + Math.sin(2 * Math.PI * t / 30) + 0.01 * ((t * 7919) % 13);
            if (t == spikeAt) {
                values[t] += 4;
            }
        }
        return values;
    }

    @Test
    void scoresEveryReadingBitForBitLikeTheDetectorAlone() {
        double[] values = series(400, 300);
        for (int t = 0; t < values.length; t++) {
            input.pipeInput(key("pump-1"), reading("pump-1", 1_000L * t, values[t]), 999L);
        }

        List<TestRecord<String, byte[]>> out = scores.readRecordsToList();
        assertThat(out).hasSize(values.length);
        SensorDetector reference = SensorDetector.fresh(SETTINGS.detector(), 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        Map<Signal, Integer> flaggedBy = new EnumMap<>(Signal.class);
        for (int t = 0; t < values.length; t++) {
            Score expected = reference.process(1_000L * t, new double[] {values[t]}, workspace);
            AnomalyScore actual = SCORES.decode(out.get(t).value());
            assertThat(out.get(t).key()).isEqualTo("pump-1");
            assertThat(out.get(t).timestamp()).as("output timestamp is the event time").isEqualTo(1_000L * t);
            assertThat(Double.doubleToRawLongBits(actual.getAnomalyScore())).as("score bits at %d", t)
                    .isEqualTo(Double.doubleToRawLongBits(expected.score()));
            assertThat(actual.getLearnedReadings()).isEqualTo(t);
            assertThat(actual.getAnomaly()).isEqualTo(expected.anomaly());
            assertThat(actual.getSignal().name()).isEqualTo(expected.signal().name());
            assertThat(actual.getInEvent()).isEqualTo(expected.inEvent());
            if (expected.anomaly()) {
                flaggedBy.merge(expected.signal(), 1, Integer::sum);
            }
        }
        assertThat(flaggedBy).as("the spike at 300 is flagged").isNotEmpty();
        for (Signal signal : Signal.values()) {
            assertThat(metrics.anomalies(signal)).as("anomalies flagged by %s", signal)
                    .isEqualTo(flaggedBy.getOrDefault(signal, 0).doubleValue());
        }
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metrics.readingsScored()).isEqualTo(values.length);
        assertThat(metrics.detectorLookups("new")).isEqualTo(1);
        assertThat(metrics.detectorLookups("cached")).isEqualTo(values.length - 1);
        assertThat(metrics.detectorLookups("decoded")).isZero();
    }

    /**
     * With a training period, the topology's scores are the detector's alone, bit for bit: the
     * training readings say so and score 0, the spike after the period is flagged.
     */
    @Test
    void withATrainingPeriodScoresEveryReadingLikeTheDetectorAlone() {
        close();
        DetectorConfig config = DetectorConfig.DEFAULTS.withTraining(TrainingPeriod.firstReadings(150));
        startWith(new TopologySettings("in", "out", "flagged", "dlq", config, 8));
        double[] values = series(400, 300);
        for (int t = 0; t < values.length; t++) {
            input.pipeInput(key("pump-1"), reading("pump-1", 1_000L * t, values[t]), 999L);
        }
        List<TestRecord<String, byte[]>> out = scores.readRecordsToList();
        assertThat(out).hasSize(values.length);
        SensorDetector reference = SensorDetector.fresh(config, 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 0; t < values.length; t++) {
            Score expected = reference.process(1_000L * t, new double[] {values[t]}, workspace);
            AnomalyScore actual = SCORES.decode(out.get(t).value());
            assertThat(Double.doubleToRawLongBits(actual.getAnomalyScore())).as("score bits at %d", t)
                    .isEqualTo(Double.doubleToRawLongBits(expected.score()));
            assertThat(actual.getSignal().name()).isEqualTo(expected.signal().name());
            assertThat(actual.getSignal().name()).isEqualTo(t < 150 ? "TRAINING" : actual.getSignal().name());
            assertThat(actual.getInEvent()).isEqualTo(expected.inEvent());
            assertThat(actual.getAnomaly()).isEqualTo(expected.anomaly());
        }
        assertThat(SCORES.decode(out.get(300).value()).getAnomaly()).as("the spike after training").isTrue();
        assertThat(anomalies.getQueueSize()).isEqualTo(1);
    }

    /**
     * A sensor that scores one reading per commit (the test driver commits after every record)
     * writes its whole detector once in 64 readings (in its training period, once its readings
     * have doubled; before the first, its checkpoint is its fresh detector, stored nowhere), and
     * with the reading that ends its training period;
     * in between, one journal entry per reading. Its model
     * is written with those checkpoints while it trains, and never after the one that trained it.
     * Counted on the three stores' changelog topics.
     */
    @Test
    void aTrainedSensorWritesItsModelOnlyWhenItChanges() {
        close();
        DetectorConfig config = DetectorConfig.DEFAULTS.withTraining(TrainingPeriod.firstReadings(150));
        startWith(new TopologySettings("in", "out", "flagged", "dlq", config, 8).withCheckpointEvery(64));
        double[] values = series(400, -1);
        for (int t = 0; t < values.length; t++) {
            input.pipeInput(key("pump-1"), reading("pump-1", 1_000L * t, values[t]), 999L);
        }
        assertThat(scores.readRecordsToList()).hasSize(values.length);
        List<TestRecord<String, byte[]>> models = changelog(TopologySettings.MODEL_STORE);
        List<TestRecord<String, byte[]>> live = changelog(TopologySettings.STORE);
        List<TestRecord<byte[], byte[]>> journal = driver.createOutputTopic(
                "topology-test-" + TopologySettings.JOURNAL_STORE + "-changelog", new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList();
        // checkpoints after readings 64, 128 (in the training period the interval grows with the
        // readings), 151 (the reading that trained), 215, 279, 343
        assertThat(live).as("checkpoints").hasSize(6);
        assertThat(models).as("model writes: the checkpoints up to the one that trained").hasSize(3);
        List<TestRecord<byte[], byte[]>> entries = journal.stream().filter(r -> r.value() != null).toList();
        assertThat(entries).as("journal entries").hasSize(values.length - 6);
        assertThat(entries).allSatisfy(entry -> assertThat(entry.value()).hasSize(ReadingJournal.entryBytes(1)));
        assertThat(journal.size() - entries.size()).as("the training period's entries, deleted once it trained")
                .isEqualTo(150 - 2);
        assertThat(live.get(5).value().length).as("per-reading part of a trained sensor, D = 1").isLessThan(1_000);
        SensorDetector reference = SensorDetector.fresh(config, 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 0; t < values.length; t++) {
            reference.process(1_000L * t, new double[] {values[t]}, workspace);
            if (t == 150) {
                assertThat(models.get(2).value()).as("the model trained on the period")
                        .isEqualTo(new SensorStateCodec().encodeModel(reference.snapshot()));
            }
        }
        assertThat(storedDetector("pump-1", config)).usingRecursiveComparison()
                .isEqualTo(new SensorStateCodec().encode(reference.snapshot()));
    }

    /**
     * The detector the stores hold for {@code sensorId}, encoded: its checkpoint decoded (a fresh
     * detector before its first) and advanced by the readings of its journal.
     */
    SensorStateCodec.Encoded storedDetector(String sensorId, DetectorConfig config) {
        DetectorStore detectors = (DetectorStore) driver.getStateStore(TopologySettings.STORE);
        KeyValueStore<String, byte[]> models = driver.getKeyValueStore(TopologySettings.MODEL_STORE);
        KeyValueStore<Bytes, byte[]> journal = driver.getKeyValueStore(TopologySettings.JOURNAL_STORE);
        SensorStateCodec codec = new SensorStateCodec();
        byte[] live = detectors.inner().get(sensorId);
        SensorDetector detector = live == null
                ? SensorDetector.fresh(config, ReadingJournal.since(journal, sensorId, 0).get(0).values().length)
                : SensorDetector.restore(config, codec.decode(live, models.get(sensorId)));
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (ReadingJournal.Entry entry : ReadingJournal.since(journal, sensorId, detector.readings())) {
            detector.process(entry.eventTime(), entry.values(), workspace);
        }
        return codec.encode(detector.snapshot());
    }

    /**
     * A whole state as the release before stored it (format version 6, no model in its own
     * store) is read, goes on scoring bit for bit as the detector it holds, and is written back as
     * the two parts of the current format on the sensor's next reading: a deployment upgrades in
     * place from its changelog.
     */
    @Test
    void aWholeStateOfTheReleaseBeforeIsUpgradedInPlace() throws IOException {
        close();
        DetectorConfig config = SensorStateGoldenTest.CONFIG;
        startWith(new TopologySettings("in", "out", "flagged", "dlq", config, 8));
        byte[] v6 = SensorStateGoldenTest.golden(SensorStateGoldenTest.VERSION_6);
        DetectorStore detectors = (DetectorStore) driver.getStateStore(TopologySettings.STORE);
        KeyValueStore<String, byte[]> store = detectors.inner();
        KeyValueStore<String, byte[]> models = driver.getKeyValueStore(TopologySettings.MODEL_STORE);
        store.put("pump-1", v6);
        SensorStateCodec codec = new SensorStateCodec();
        SensorDetector reference = SensorDetector.restore(config, codec.decode(v6));
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        int first = SensorStateGoldenTest.READINGS;
        for (int t = first; t < first + 200; t++) {
            double value = t % 7 + (t == first + 150 ? 30 : 0);
            input.pipeInput(key("pump-1"), reading("pump-1", t * SensorStateGoldenTest.STEP, value), 999L);
            Score expected = reference.process(t * SensorStateGoldenTest.STEP, new double[] {value}, workspace);
            AnomalyScore actual = SCORES.decode(scores.readValue());
            assertThat(Double.doubleToRawLongBits(actual.getAnomalyScore())).as("score bits at %d", t)
                    .isEqualTo(Double.doubleToRawLongBits(expected.score()));
            assertThat(actual.getAnomaly()).isEqualTo(expected.anomaly());
            if (t == first) {
                assertThat(SensorStateCodec.formatVersion(store.get("pump-1"))).isEqualTo(7);
                assertThat(models.get("pump-1")).as("the model, written with the first reading").isNotNull();
            }
        }
        assertThat(anomalies.getQueueSize()).as("the jump of 30").isEqualTo(1);
        assertThat(storedDetector("pump-1", config)).usingRecursiveComparison()
                .isEqualTo(codec.encode(reference.snapshot()));
    }

    private List<TestRecord<String, byte[]>> changelog(String store) {
        return driver.createOutputTopic("topology-test-" + store + "-changelog", new StringDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList();
    }

    /**
     * The processor keeps decoded detectors in memory and the store writes them before every
     * commit (the test driver commits after every record): after each reading the stores hold
     * exactly the detector that scored it, as a checkpoint and the journal's readings since, and it
     * was decoded from them never.
     */
    @Test
    void theStoresHoldTheDetectorAfterEveryCommit() {
        double[] values = series(150, -1);
        SensorDetector reference = SensorDetector.fresh(SETTINGS.detector(), 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        SensorStateCodec codec = new SensorStateCodec();
        for (int t = 0; t < values.length; t++) {
            input.pipeInput(key("pump-1"), reading("pump-1", 1_000L * t, values[t]), 999L);
            reference.process(1_000L * t, new double[] {values[t]}, workspace);
            assertThat(storedDetector("pump-1", SETTINGS.detector())).as("stored detector after reading %d", t)
                    .usingRecursiveComparison().isEqualTo(codec.encode(reference.snapshot()));
        }
        assertThat(scores.readRecordsToList()).hasSize(values.length);
        assertThat(metrics.detectorLookups("new")).isEqualTo(1);
        assertThat(metrics.detectorLookups("cached")).isEqualTo(149);
        assertThat(metrics.detectorLookups("decoded")).isZero();
    }

    /**
     * When the task's held detectors are dropped, as after a crash, the next reading decodes its
     * sensor from the checkpoint and scores the journal's readings since again: the scores go on
     * bit for bit, and the metric counts the readings scored again.
     */
    @Test
    void aDetectorDecodedFromItsCheckpointAndJournalScoresOnBitForBit() {
        double[] values = series(300, 250);
        SensorDetector reference = SensorDetector.fresh(SETTINGS.detector(), 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 0; t < values.length; t++) {
            if (t == 100) {
                // a checkpoint after reading 64: readings 65 to 100 are in the journal
                ((DetectorStore) driver.getStateStore(TopologySettings.STORE)).clearCache();
            }
            input.pipeInput(key("pump-1"), reading("pump-1", 1_000L * t, values[t]), 999L);
            Score expected = reference.process(1_000L * t, new double[] {values[t]}, workspace);
            AnomalyScore actual = SCORES.decode(scores.readValue());
            assertThat(Double.doubleToRawLongBits(actual.getAnomalyScore())).as("score bits at %d", t)
                    .isEqualTo(Double.doubleToRawLongBits(expected.score()));
        }
        assertThat(metrics.detectorLookups("decoded")).isEqualTo(1);
        assertThat(metrics.journalReadings()).isEqualTo(36);
        assertThat(anomalies.getQueueSize()).as("the spike at 250").isPositive();
    }

    @Test
    void flaggedScoresAlsoGoToTheAnomaliesTopic() {
        double[] values = series(400, 300);
        for (int t = 0; t < values.length; t++) {
            input.pipeInput(key("pump-1"), reading("pump-1", 1_000L * t, values[t]));
        }

        List<AnomalyScore> all = scores.readValuesToList().stream().map(SCORES::decode).toList();
        List<AnomalyScore> flagged = anomalies.readValuesToList().stream().map(SCORES::decode).toList();
        assertThat(flagged).isNotEmpty();
        assertThat(flagged).allMatch(AnomalyScore::getAnomaly);
        assertThat(flagged).isEqualTo(all.stream().filter(AnomalyScore::getAnomaly).toList());
        assertThat(flagged).anyMatch(s -> s.getEventTime().toEpochMilli() == 300_000L);
    }

    @Test
    void sensorsAreIndependent() {
        double[] values = series(200, -1);
        for (int t = 0; t < values.length; t++) {
            input.pipeInput(key("a"), reading("a", 1_000L * t, values[t]));
            input.pipeInput(key("b"), reading("b", 5_000L * t, 100 - values[t], values[t]));
        }
        List<TestRecord<String, byte[]>> out = scores.readRecordsToList();
        SensorDetector a = SensorDetector.fresh(SETTINGS.detector(), 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        List<Double> expectedA = new ArrayList<>();
        for (int t = 0; t < values.length; t++) {
            expectedA.add(a.process(1_000L * t, new double[] {values[t]}, workspace).score());
        }
        assertThat(out.stream().filter(r -> r.key().equals("a")).map(r -> SCORES.decode(r.value()).getAnomalyScore()))
                .containsExactlyElementsOf(expectedA);
        assertThat(out.stream().filter(r -> r.key().equals("b"))).hasSize(values.length);
    }

    @Test
    void readingsKeyedOtherwiseAreRepartitionedBySensorId() {
        double[] values = series(150, -1);
        for (int t = 0; t < values.length; t++) {
            byte[] key = t % 2 == 0 ? key("gateway-7") : key("pump-2"); // half keyed by a gateway
            input.pipeInput(key, reading("pump-2", 1_000L * t, values[t]));
        }
        // a late reading through the repartition topic: its dead letter names the original record
        input.pipeInput(key("gateway-7"), reading("pump-2", 10L, 1.0));

        List<TestRecord<String, byte[]>> out = scores.readRecordsToList();
        assertThat(out).hasSize(values.length);
        assertThat(out).allMatch(r -> r.key().equals("pump-2"));
        DeadLetter late = DEAD_LETTERS.decode(deadLetters.readValue());
        assertThat(late.getReason()).isEqualTo("out_of_order");
        assertThat(late.getTopic()).isEqualTo(SETTINGS.inputTopic());
        assertThat(late.getOffset()).isEqualTo(values.length);
        assertThat(bytes(late.getKey())).isEqualTo(key("gateway-7"));
    }

    @Test
    void everyKindOfBadRecordGoesToTheDeadLetterTopicAndTheStreamGoesOn() {
        input.pipeInput(key("s"), reading("s", 1_000L, 1.0));
        byte[] garbage = {1, 2, 3, 4, 5};
        byte[] truncated = Arrays.copyOf(reading("s", 2_000L, 1.0), 14);
        byte[][] bad = {
            garbage,
            truncated,
            null,
            reading("s", 2_000L, Double.NaN),
            reading("s", 2_000L, Double.POSITIVE_INFINITY),
            reading("s", 2_000L),
            reading("s", 2_000L, new double[SETTINGS.maxChannels() + 1]),
            reading("s", 2_000L, 1.0, 2.0),
            reading("s", 1_000L, 1.0),
            reading("s", 500L, 1.0),
            reading("", 2_000L, 1.0),
        };
        for (byte[] value : bad) {
            input.pipeInput(key("s"), value);
        }
        input.pipeInput(null, reading("s", 2_000L, 1.0));
        input.pipeInput(new byte[0], reading("s", 2_000L, 1.0));
        input.pipeInput(key("s"), reading("s", 2_000L, 1.5));

        List<DeadLetter> letters = deadLetters.readValuesToList().stream().map(DEAD_LETTERS::decode).toList();
        assertThat(letters).extracting(DeadLetter::getReason).containsExactly(
                "undecodable", "undecodable", "undecodable", "non_finite", "non_finite", "bad_channel_count",
                "bad_channel_count", "channel_mismatch", "out_of_order", "out_of_order", "undecodable",
                "null_key", "null_key");
        assertThat(bytes(letters.get(0).getValue())).isEqualTo(garbage);
        assertThat(bytes(letters.get(1).getValue())).isEqualTo(truncated);
        assertThat(letters.get(2).getValue()).isNull();
        assertThat(letters.get(0).getOffset()).isEqualTo(1);
        assertThat(letters.get(0).getDetail()).contains("not a SensorReading");
        assertThat(letters.get(7).getDetail()).isEqualTo("reading has 2 channels, sensor s has 1");
        assertThat(letters.get(8).getDetail()).contains("is not after sensor s's last reading");
        assertThat(letters.get(11).getKey()).isNull();
        assertThat(scores.readValuesToList()).hasSize(2); // the stream went on
        assertThat(metrics.deadLetters(DeadLetterReason.OUT_OF_ORDER)).isEqualTo(2);
        assertThat(metrics.deadLetters(DeadLetterReason.UNDECODABLE)).isEqualTo(4);
    }

    @Test
    void aReadingTooFarAheadOfItsRecordTimestampIsDeadLetteredAndDoesNotPoisonItsSensor() {
        long day = Duration.ofDays(1).toMillis();
        long arrival = 1_700_000_000_000L;
        input.pipeInput(key("s"), reading("s", arrival - 5_000, 1.0), arrival);
        // exactly the allowed lead: accepted
        input.pipeInput(key("s"), reading("s", arrival + day, 1.1), arrival);
        // one millisecond more: rejected, directly and through the repartition topic
        input.pipeInput(key("s"), reading("s", arrival + 2 * day + 1, 1.2), arrival + day);
        input.pipeInput(key("gateway"), reading("s", arrival + 400 * day, 1.2), arrival + day);
        // the sensor goes on: a later genuine reading is not out of order
        input.pipeInput(key("s"), reading("s", arrival + day + 60_000, 1.3), arrival + day + 61_000);

        assertThat(scores.readValuesToList().stream().map(SCORES::decode).map(sc -> sc.getEventTime().toEpochMilli()))
                .containsExactly(arrival - 5_000, arrival + day, arrival + day + 60_000);
        List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
        assertThat(letters).hasSize(2);
        DeadLetter direct = DEAD_LETTERS.decode(letters.get(0).value());
        DeadLetter rekeyed = DEAD_LETTERS.decode(letters.get(1).value());
        assertThat(direct.getReason()).isEqualTo("future_timestamp");
        assertThat(direct.getDetail()).contains("is PT24H0.001S ahead of the record's timestamp", "at most PT24H");
        assertThat(direct.getTimestamp().toEpochMilli()).as("the record's own timestamp").isEqualTo(arrival + day);
        assertThat(letters.get(0).timestamp()).as("dead letter not stamped in the future").isEqualTo(arrival + day);
        assertThat(rekeyed.getReason()).isEqualTo("future_timestamp");
        assertThat(bytes(rekeyed.getKey())).isEqualTo(key("gateway"));
        assertThat(metrics.deadLetters(DeadLetterReason.FUTURE_TIMESTAMP)).isEqualTo(2);
    }

    @Test
    void theFutureRuleComparesWithTheRecordTimestampOnly() {
        assertThat(ReadingTimestampExtractor.tooFarAhead(1_000 + 500, 1_000, 500)).isFalse();
        assertThat(ReadingTimestampExtractor.tooFarAhead(1_000 + 501, 1_000, 500)).isTrue();
        assertThat(ReadingTimestampExtractor.tooFarAhead(Long.MAX_VALUE, 0, Long.MAX_VALUE)).isFalse();
        assertThat(ReadingTimestampExtractor.tooFarAhead(Long.MIN_VALUE, 1_000, 0)).isFalse();
        assertThat(ReadingTimestampExtractor.tooFarAhead(Long.MAX_VALUE, -1, 0)).as("no record timestamp").isFalse();
    }

    @Test
    void theFutureSkewIsConfigurableAndCanBeOff() {
        long arrival = 1_700_000_000_000L;
        close();
        startWith(SETTINGS.withMaxFutureSkew(Duration.ofMinutes(5)));
        input.pipeInput(key("s"), reading("s", arrival + 300_000, 1.0), arrival);
        input.pipeInput(key("s"), reading("s", arrival + 300_002, 1.0), arrival + 1);
        assertThat(scores.getQueueSize()).isEqualTo(1);
        assertThat(DEAD_LETTERS.decode(deadLetters.readValue()).getReason()).isEqualTo("future_timestamp");
        close();
        startWith(SETTINGS.withMaxFutureSkew(TopologySettings.NO_FUTURE_LIMIT));
        input.pipeInput(key("s"), reading("s", Long.MAX_VALUE / 2, 1.0), 0L);
        assertThat(scores.getQueueSize()).isEqualTo(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void theThresholdDecidesTheFlag() {
        close();
        startWith(new TopologySettings("in", "out", "flagged", "dlq", DetectorConfig.DEFAULTS.withThreshold(0.5), 8));
        double[] values = series(300, -1);
        for (int t = 0; t < values.length; t++) {
            input.pipeInput(key("x"), reading("x", 1_000L * t, values[t]));
        }
        List<AnomalyScore> all = scores.readValuesToList().stream().map(SCORES::decode).toList();
        assertThat(all).filteredOn(s -> s.getAnomalyScore() >= 0.5).allMatch(AnomalyScore::getAnomaly);
        assertThat(all).filteredOn(s -> s.getAnomalyScore() < 0.5).noneMatch(AnomalyScore::getAnomaly);
        assertThat(anomalies.getQueueSize()).isEqualTo(all.stream().filter(AnomalyScore::getAnomaly).count());
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
