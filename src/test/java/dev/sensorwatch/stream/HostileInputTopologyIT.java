package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.stream.HostileTraffic.Input;
import dev.sensorwatch.stream.HostileTraffic.Kind;
import dev.sensorwatch.stream.HostileTraffic.Sizes;
import dev.sensorwatch.stream.HostileTraffic.Traffic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the topology with hostile input through {@link TopologyTestDriver}: thousands of
 * malformed records of every {@link Kind} at seeded random places among several sensors' valid
 * readings (some of them repartitioned). Every bad record must come out of the dead-letter topic
 * exactly once, with its reason and its original key and value bytes; the valid readings' scores
 * must equal, bit for bit, those of a run over the valid readings alone; nothing may throw.
 *
 * <p>The long form is tagged {@code soak}: {@code ./mvnw -Psoak verify -Dfuzz.bad=100000
 * -Dfuzz.valid=2000 -Dfuzz.seed=...}.
 */
class HostileInputTopologyIT {

    static final AvroSerde<DeadLetter> DEAD_LETTERS = AvroSerde.of(DeadLetter.class);
    static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    static final TopologySettings SETTINGS = TopologySettings.DEFAULTS;

    @TempDir
    Path stateDir;

    @Test
    void thousandsOfBadRecordsAmongValidReadingsAreEachDeadLetteredOnceAndChangeNoScore() {
        fuzz(HostileTraffic.seed("fuzz.seed"), new Sizes(300, 3_000, 4 << 20, 3 << 20, 8,
                SETTINGS.maxFutureSkewMillis(), 1, false));
    }

    @Test
    @Tag("soak")
    void longForm() {
        fuzz(HostileTraffic.seed("fuzz.seed"), new Sizes(Integer.getInteger("fuzz.valid", 2_000),
                Integer.getInteger("fuzz.bad", 100_000), 4 << 20, 3 << 20, Integer.getInteger("fuzz.huge", 40),
                SETTINGS.maxFutureSkewMillis(), 1, false));
    }

    /** What one run of the topology wrote. */
    record Output(List<TestRecord<String, byte[]>> scores, List<TestRecord<String, byte[]>> anomalies,
                  List<TestRecord<byte[], byte[]>> deadLetters, DetectorMetrics metrics) {
    }

    Output run(List<Input> inputs, String name) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hostile-" + name);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
        DetectorMetrics metrics = DetectorMetrics.inMemory();
        long started = System.nanoTime();
        try (TopologyTestDriver driver = new TopologyTestDriver(DetectorTopology.build(SETTINGS, metrics), props)) {
            TestInputTopic<byte[], byte[]> input = driver.createInputTopic(SETTINGS.inputTopic(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            var scores = driver.createOutputTopic(SETTINGS.scoresTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            var anomalies = driver.createOutputTopic(SETTINGS.anomaliesTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            var letters = driver.createOutputTopic(SETTINGS.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TestRecord<String, byte[]>> scored = new ArrayList<>();
            List<TestRecord<String, byte[]>> flagged = new ArrayList<>();
            List<TestRecord<byte[], byte[]>> dead = new ArrayList<>();
            int piped = 0;
            for (Input record : inputs) {
                input.pipeInput(record.key(), record.value(), record.timestamp());
                if (++piped % 5_000 == 0) { // keep the driver's queues short
                    scored.addAll(scores.readRecordsToList());
                    flagged.addAll(anomalies.readRecordsToList());
                    dead.addAll(letters.readRecordsToList());
                }
            }
            scored.addAll(scores.readRecordsToList());
            flagged.addAll(anomalies.readRecordsToList());
            dead.addAll(letters.readRecordsToList());
            System.out.printf("%s: %,d records through the topology in %.1f s%n", name, inputs.size(),
                    (System.nanoTime() - started) / 1e9);
            return new Output(scored, flagged, dead, metrics);
        }
    }

    void fuzz(long seed, Sizes sizes) {
        long started = System.nanoTime();
        Traffic traffic = HostileTraffic.generate(seed, sizes);
        System.out.printf("generated in %.1f s%n", (System.nanoTime() - started) / 1e9);
        System.out.print(traffic.table());
        String why = "seed " + seed;

        Output mixed = run(traffic.mixed(), "mixed");
        Output clean = run(traffic.validOnly(), "clean");

        // the valid readings' scores and anomalies: bit for bit those of the run without the bad records
        assertThat(clean.deadLetters()).as(why).isEmpty();
        assertThat(clean.scores()).as(why).hasSize(traffic.validOnly().size());
        assertThat(mixed.scores()).as(why).hasSize(clean.scores().size());
        for (int i = 0; i < clean.scores().size(); i++) {
            TestRecord<String, byte[]> expected = clean.scores().get(i);
            TestRecord<String, byte[]> actual = mixed.scores().get(i);
            assertThat(actual.key()).as("%s: key of score %d", why, i).isEqualTo(expected.key());
            assertThat(actual.timestamp()).as("%s: timestamp of score %d", why, i).isEqualTo(expected.timestamp());
            assertThat(Double.doubleToRawLongBits(SCORES.decode(actual.value()).getAnomalyScore()))
                    .as("%s: bits of score %d (%s)", why, i, expected.key())
                    .isEqualTo(Double.doubleToRawLongBits(SCORES.decode(expected.value()).getAnomalyScore()));
            assertThat(actual.value()).as("%s: bytes of score %d", why, i).isEqualTo(expected.value());
        }
        assertThat(mixed.anomalies().stream().map(TestRecord::value).toList()).as(why)
                .containsExactlyElementsOf(clean.anomalies().stream().map(TestRecord::value).toList());

        // every bad record exactly once, with its reason and its original bytes; no valid one
        boolean[] seen = new boolean[traffic.mixed().size()];
        Map<DeadLetterReason, Integer> byReason = new EnumMap<>(DeadLetterReason.class);
        for (TestRecord<byte[], byte[]> record : mixed.deadLetters()) {
            DeadLetter letter = DEAD_LETTERS.decode(record.value());
            assertThat(letter.getTopic()).as(why).isEqualTo(SETTINGS.inputTopic());
            assertThat(letter.getPartition()).as(why).isZero();
            int offset = (int) letter.getOffset();
            Input original = traffic.mixed().get(offset);
            String what = why + ": dead letter for offset " + offset + " (" + original.kind() + ", " + letter.getDetail() + ")";
            assertThat(original.valid()).as(what + " is a valid reading").isFalse();
            assertThat(seen[offset]).as(what + " is a duplicate").isFalse();
            seen[offset] = true;
            assertThat(letter.getReason()).as(what).isEqualTo(original.kind().expected().code());
            assertThat(bytes(letter.getKey())).as(what + ": key").isEqualTo(original.key());
            assertThat(record.key()).as(what + ": record key").isEqualTo(original.key());
            if (original.valueLeftOut()) {
                assertThat(letter.getValue()).as(what + ": value left out").isNull();
                assertThat(letter.getDetail()).as(what).contains("is left out of this dead letter",
                        "read it at " + SETTINGS.inputTopic() + "-0@" + offset);
                assertThat(record.key().length + record.value().length).as(what).isLessThanOrEqualTo(DeadLetters.MAX_BYTES);
            } else {
                assertThat(bytes(letter.getValue())).as(what + ": value").isEqualTo(original.value());
            }
            assertThat(letter.getDetail()).as(what).isNotBlank();
            byReason.merge(original.kind().expected(), 1, Integer::sum);
        }
        List<String> missing = new ArrayList<>();
        for (int offset = 0; offset < seen.length; offset++) {
            if (!traffic.mixed().get(offset).valid() && !seen[offset]) {
                missing.add(offset + ":" + traffic.mixed().get(offset).kind());
            }
        }
        assertThat(missing).as("%s: bad records without a dead letter", why).isEmpty();
        assertThat(byReason).as(why).isEqualTo(traffic.expectedByReason());
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(mixed.metrics().deadLetters(reason)).as("%s: metric for %s", why, reason.code())
                    .isEqualTo(traffic.expectedByReason().getOrDefault(reason, 0).doubleValue());
        }
        assertThat(mixed.metrics().readingsScored()).as(why).isEqualTo(traffic.validOnly().size());
        assertThat(mixed.scores().size() + mixed.deadLetters().size()).as("%s: scores + dead letters", why)
                .isEqualTo(traffic.mixed().size());
        System.out.printf("seed %d: %,d valid readings scored as without the bad ones, %,d bad records "
                        + "dead-lettered once each with the expected reason (%,d records, %.1f s)%n",
                seed, traffic.validOnly().size(), traffic.bad(), traffic.mixed().size(),
                (System.nanoTime() - started) / 1e9);
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
