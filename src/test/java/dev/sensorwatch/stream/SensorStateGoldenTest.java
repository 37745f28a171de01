package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.avro.SensorState;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.detect.Score;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.TrainingPeriod;
import dev.sensorwatch.detect.Tuning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A stored sensor state written by the current format (version 7: a per-reading part and a model,
 * see {@link SensorStateCodec}), checked in as hex, the two parts separated by a line {@code --}:
 * it must be read back exactly, field by field, and written again byte for byte. The golden value
 * is the state of a small detector after {@value #READINGS} readings of {@code t mod 7}, five
 * minutes apart; most of its fields follow from those readings alone and are checked by hand.
 *
 * <p>After a deliberate change of the learning (not of the stored format), regenerate it with
 * {@code java -cp target/test-classes:target/classes:<classpath> dev.sensorwatch.stream.SensorStateGoldenTest
 * > src/test/resources/dev/sensorwatch/stream/sensor-state-v7.hex} (and with the argument
 * {@code trained}, {@code sensor-state-v7-trained.hex}). After a change of the format, bump
 * {@link SensorStateCodec#CURRENT_VERSION}, keep this file and make the codec read it, as
 * {@code sensor-state-v6.hex}, {@code sensor-state-v5.hex}, {@code sensor-state-v4.hex},
 * {@code sensor-state-v3.hex} and {@code sensor-state-v2.hex} (the same readings, written whole
 * by earlier releases) are kept and read.
 *
 * <p>{@code sensor-state-v7-without-flat-line.hex} and {@code sensor-state-v7-without-flat-line-trained.hex}
 * are the two golden values as written before the scorer kept the flat line's state (an earlier
 * schema of the per-reading part, read through Avro schema resolution).
 *
 * <p>A second golden value, {@code sensor-state-v7-trained.hex}, holds a sensor with a training
 * period ({@link #TRAINED_CONFIG}) after {@value #TRAINED_READINGS} readings: its running
 * statistics in the per-reading part, its trained model in the model; {@code
 * sensor-state-v6-trained.hex} is the same sensor as the release before wrote it, whole.
 */
class SensorStateGoldenTest {

    static final String RESOURCE = "sensor-state-v7.hex";
    static final String TRAINED = "sensor-state-v7-trained.hex";
    /** The golden states as written before the scorer kept the flat line's state. */
    static final String VERSION_7_WITHOUT_FLAT_LINE = "sensor-state-v7-without-flat-line.hex";
    static final String VERSION_7_WITHOUT_FLAT_LINE_TRAINED = "sensor-state-v7-without-flat-line-trained.hex";
    static final String VERSION_6 = "sensor-state-v6.hex";
    static final String VERSION_6_TRAINED = "sensor-state-v6-trained.hex";
    static final String VERSION_5 = "sensor-state-v5.hex";
    static final String VERSION_4 = "sensor-state-v4.hex";
    static final String VERSION_3 = "sensor-state-v3.hex";
    static final String VERSION_2 = "sensor-state-v2.hex";
    /** The fields version 4 added; a state of an earlier version reads them as empty. */
    static final List<String> WEEKLY_FIELDS = List.of("weeklyHours", "weeklySums", "weeklyCounts", "weeklyStart",
            "recentShiftRows", "recentShifts", "weeklyRecords");
    /** The fields version 5 added; a state of an earlier version holds no weekly ratios and takes its extremes from its learned range. */
    static final List<String> EXTREME_FIELDS = List.of("heldWeeklyRows", "heldWeeklyRatios", "highestReadings",
            "lowestReadings");
    static final DetectorConfig CONFIG = new DetectorConfig(1, 2, 0.005, 1.0, 1000, 500, 4000, 3, 0.53, 42L);
    /** The golden configuration with a training period of the least length, 100 readings. */
    static final DetectorConfig TRAINED_CONFIG = CONFIG.withTraining(TrainingPeriod.firstReadings(100));
    static final int TRAINED_READINGS = 130;
    static final int READINGS = 60;
    static final long STEP = 300_000L;

    final SensorStateCodec codec = new SensorStateCodec();
    final AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);

    static SensorDetector detector() {
        SensorDetector detector = SensorDetector.fresh(CONFIG, 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 0; t < READINGS; t++) {
            detector.process(t * STEP, new double[] {t % 7}, workspace);
        }
        return detector;
    }

    /** The trained golden detector: {@value #TRAINED_READINGS} readings of a slow sine, two minutes apart. */
    static SensorDetector trainedDetector() {
        SensorDetector detector = SensorDetector.fresh(TRAINED_CONFIG, 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 0; t < TRAINED_READINGS; t++) {
            detector.process(t * 120_000L, new double[] {trainedReading(t)}, workspace);
        }
        return detector;
    }

    static double trainedReading(int t) {
        return 20.0 + StrictMath.sin(t / 5.0) + (t % 3) * 0.1;
    }

    static SensorStateCodec.Encoded golden() throws IOException {
        return goldenParts(RESOURCE);
    }

    /** A golden state of the current version: its two parts. */
    static SensorStateCodec.Encoded goldenParts(String resource) throws IOException {
        String[] parts = text(resource).split("--");
        assertThat(parts).as("the per-reading part and the model of " + resource).hasSize(2);
        return new SensorStateCodec.Encoded(hex(parts[0]), hex(parts[1]));
    }

    /** A whole golden state of an earlier version. */
    static byte[] golden(String resource) throws IOException {
        return hex(text(resource));
    }

    private static String text(String resource) throws IOException {
        try (InputStream in = SensorStateGoldenTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("test resource " + resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    /**
     * {@code state}, read from a golden state written before it kept a model version or the flat
     * line's state, as this detector holds it for the golden readings: {@value #READINGS} readings
     * changed its model, and no reading repeated the one before (run 0), the latest being
     * {@code 59 mod 7 = 3}. A state without the flat line's state judges no channel for it.
     */
    static DetectorState asNow(DetectorState state) {
        assertThat(state.scorer().flatRuns()).as("no flat line state before it was kept").isEmpty();
        return state.withModelVersion(READINGS).withScorer(state.scorer().withFlatLine(new long[] {0},
                new double[] {3.0}));
    }

    /**
     * {@code state}, a trained sensor read from a golden state written before its model kept the
     * flat line's levels, with the levels {@code golden} holds: what the training readings give.
     */
    static DetectorState withFlatLevelsOf(DetectorState state, DetectorState golden) {
        DetectorState.History h = state.history();
        assertThat(h.model().flatLevels()).as("no flat line levels before they were kept").isEmpty();
        return DetectorState.ofHistory(state.channels(), new DetectorState.History(h.readings(), h.firstEventTime(),
                h.lastEventTime(), h.bufferStart(), h.buffer(),
                h.model().withFlatLevels(golden.history().model().flatLevels()), h.live(), h.holdOff(), h.eventKind(),
                h.eventRecords())).withModelVersion(state.modelVersion());
    }

    /** The parts as hex, to compare with a message that shows where they differ. */
    static String hex(SensorStateCodec.Encoded parts) {
        return HexFormat.of().formatHex(parts.live()) + "\n--\n" + HexFormat.of().formatHex(parts.model());
    }

    @Test
    void theGoldenStateIsReadBackFieldByField() throws IOException {
        SensorStateCodec.Encoded bytes = golden();
        assertThat(SensorStateCodec.formatVersion(bytes.live())).isEqualTo(SensorStateCodec.CURRENT_VERSION).isEqualTo(7);
        assertThat(SensorStateCodec.formatVersion(bytes.model())).isEqualTo(7);
        DetectorState state = codec.decode(bytes);
        assertThat(state.history()).as("no training period").isNull();
        assertThat(state.modelVersion()).as("every reading learned online changes the model").isEqualTo(READINGS);

        assertThat(state.channels()).isEqualTo(1);
        assertThat(state.readings()).isEqualTo(READINGS);
        assertThat(state.lastEventTime()).isEqualTo((READINGS - 1) * STEP);
        assertThat(state.lastValues()).containsExactly((READINGS - 1) % 7);
        assertThat(state.lstm().weights().shape().hiddenSize()).isEqualTo(1);
        assertThat(state.lstm().windowRows()).isEqualTo(2);
        assertThat(state.lstm().adamSteps()).as("one update per difference once two are held").isEqualTo(READINGS - 2);
        // members' errors count from the 21st reading on (Tuning.MEMBER_WARMUP); the profile has no prediction yet
        assertThat(state.memberCounts()).containsExactly(READINGS - 20, READINGS - 20, 0);
        for (int slot = 0; slot < 288; slot++) {
            long expected = slot < READINGS ? slot * STEP : Long.MIN_VALUE;
            assertThat(state.profileTimes()[slot]).as("profile slot %d time", slot).isEqualTo(expected);
            assertThat(state.profileValues()[slot]).as("profile slot %d value", slot).isEqualTo(slot < READINGS ? slot % 7 : 0.0);
        }
        DetectorState.Scorer scorer = state.scorer();
        assertThat(scorer.errorCount()).isEqualTo(READINGS - 1);
        assertThat(scorer.valueMin()).containsExactly(0.0);
        assertThat(scorer.valueMax()).containsExactly(6.0);
        // 0 and 6 each came eight or nine times, none was clamped
        assertThat(scorer.highest()).containsExactly(6.0, 6.0);
        assertThat(scorer.lowest()).containsExactly(0.0, 0.0);
        assertThat(scorer.valueMean()[0]).isCloseTo(Arrays.stream(readings()).average().orElseThrow(),
                Assertions.within(1e-12));
        assertThat(scorer.recentValueRows()).isEqualTo(10);
        assertThat(scorer.recentValues()).containsExactly(Arrays.copyOfRange(readings(), READINGS - 10, READINGS));
        assertThat(scorer.recentErrorRows()).isEqualTo(10);
        assertThat(scorer.errorRecord()).isPositive();
        // the weekly profile holds the five hours the readings span, up to 12 readings each (those
        // as unusual as their record are left out), readings of 0 to 6; nothing was a week old
        DetectorState.Weekly weekly = state.weekly();
        long kept = 0;
        for (int entry = 0; entry < 336; entry++) {
            int hour = entry / 2;
            boolean held = entry % 2 == 0 && hour < 5;
            assertThat(weekly.hours()[entry]).as("weekly entry %d hour", entry).isEqualTo(held ? hour : Long.MIN_VALUE);
            assertThat(weekly.counts()[entry]).as("weekly entry %d count", entry).isBetween(held ? 1L : 0L, held ? 12L : 0L);
            assertThat(weekly.sums()[entry]).as("weekly entry %d sum", entry).isBetween(0.0, 6.0 * weekly.counts()[entry]);
            kept += weekly.counts()[entry];
        }
        assertThat(kept).as("readings kept").isBetween(READINGS - 10L, (long) READINGS);
        assertThat(scorer.weeklyStart()).isEqualTo(Long.MIN_VALUE);
        assertThat(scorer.recentShiftRows()).isZero();
        assertThat(scorer.weeklyRecords()).containsExactly(0.0);
        assertThat(scorer.heldRows()).isZero();
        assertThat(scorer.heldRatios()).hasSize(100).containsOnly(0.0);
        assertThat(scorer.flatRuns()).as("no reading repeated the one before").containsExactly(0L);
        assertThat(scorer.flatLast()).containsExactly(3.0);
    }

    @Test
    void theGoldenStateIsWrittenAgainByteForByte() throws IOException {
        SensorStateCodec.Encoded bytes = golden();
        assertThat(hex(codec.encode(codec.decode(bytes)))).isEqualTo(hex(bytes));
    }

    @Test
    void theGoldenStateIsWhatThisDetectorWritesForTheSameReadings() throws IOException {
        assertThat(hex(codec.encode(detector().snapshot())))
                .as("the state this detector writes for the golden readings; if only the learning changed, "
                        + "regenerate the golden file (see this class's Javadoc); if the meaning of a stored field "
                        + "changed, bump the format version")
                .isEqualTo(hex(golden()));
    }

    /**
     * Version 6, the whole state the release before wrote for the same readings in the store
     * that now holds the per-reading part, is read as the same detector and written back as the
     * two parts of the version-7 golden state byte for byte, once it counts the readings it
     * learned as its model version (a whole state has none: the processor writes its model
     * whatever the version); and it goes on scoring and flagging.
     */
    @Test
    void aVersion6StateIsReadAsTheSameDetector() throws IOException {
        byte[] v6 = golden(VERSION_6);
        assertThat(SensorStateCodec.formatVersion(v6)).isEqualTo(6);
        assertThat(SensorStateCodec.keepsModelApart(v6)).isFalse();
        assertThat(SensorStateCodec.keepsModelApart(golden().live())).isTrue();
        DetectorState state = codec.decode(v6);
        assertThat(state.history()).isNull();
        assertThat(state.modelVersion()).isZero();
        assertThat(hex(codec.encode(asNow(state)))).isEqualTo(hex(golden()));
        scoresOn(state);
    }

    /**
     * The golden states as version 7 first wrote them, before the scorer kept the flat line's
     * state (an earlier schema of the per-reading part, told apart by its fingerprint), are read
     * as the same detectors: the online one keeps no flat line state, so it judges no channel for
     * a flat line, and is otherwise written back as the golden state byte for byte; so is the trained
     * one, whose model keeps no flat line levels (no channel judged).
     */
    @Test
    void aVersion7StateWrittenBeforeTheFlatLineIsReadAsTheSameDetector() throws IOException {
        SensorStateCodec.Encoded old = goldenParts(VERSION_7_WITHOUT_FLAT_LINE);
        assertThat(Arrays.copyOf(old.live(), AvroSerde.HEADER_LENGTH)).as("another schema of the per-reading part")
                .isNotEqualTo(Arrays.copyOf(golden().live(), AvroSerde.HEADER_LENGTH));
        DetectorState state = codec.decode(old);
        assertThat(hex(codec.encode(asNow(state.withModelVersion(0))))).isEqualTo(hex(golden()));
        SensorDetector restored = SensorDetector.restore(CONFIG, state);
        DetectorState.Scorer scorer = restored.snapshot().scorer();
        assertThat(scorer.flatRuns()).as("no channel judged for a flat line").containsExactly(-1L);
        scoresOn(state);

        SensorStateCodec.Encoded trained = goldenParts(VERSION_7_WITHOUT_FLAT_LINE_TRAINED);
        DetectorState trainedNow = codec.decode(goldenParts(TRAINED));
        assertThat(hex(codec.encode(withFlatLevelsOf(codec.decode(trained), trainedNow))))
                .isEqualTo(hex(goldenParts(TRAINED)));
        assertThat(trainedNow.history().model().flatLevels()).as("none of the training readings repeated the one before:"
                + " the level after 99 such readings, ln 1e-4 / ln(1/101)").containsExactly(StrictMath.log(1e-4)
                / -StrictMath.log(101.0));
    }

    /**
     * Version 5, written two releases before for the same readings, is read as the same
     * detector (one without a training period) and written back as the golden state byte for
     * byte; and it goes on scoring and flagging.
     */
    @Test
    void aVersion5StateIsReadAsTheSameDetector() throws IOException {
        byte[] v5 = golden(VERSION_5);
        assertThat(SensorStateCodec.formatVersion(v5)).isEqualTo(5);
        DetectorState state = codec.decode(v5);
        assertThat(state.history()).isNull();
        assertThat(hex(codec.encode(asNow(state)))).isEqualTo(hex(golden()));
        scoresOn(state);
    }

    /**
     * A sensor with a training period: its trained model and running statistics are read back,
     * written again byte for byte, are what this detector writes for the same readings, and the
     * restored detector goes on scoring as the one that stayed in memory, bit for bit.
     */
    @Test
    void theTrainedGoldenStateIsReadBackAndScoresOnAsTheDetectorInMemory() throws IOException {
        SensorStateCodec.Encoded bytes = goldenParts(TRAINED);
        assertThat(SensorStateCodec.formatVersion(bytes.live())).isEqualTo(7);
        DetectorState state = codec.decode(bytes);
        assertThat(state.modelVersion()).as("the 100 training readings and the one that trained the model"
                + " changed it, nothing since").isEqualTo(101);
        DetectorState.History history = state.history();
        assertThat(history).isNotNull();
        assertThat(history.readings()).isEqualTo(TRAINED_READINGS);
        assertThat(history.firstEventTime()).isZero();
        assertThat(history.lastEventTime()).isEqualTo((TRAINED_READINGS - 1) * 120_000L);
        assertThat(history.buffer()).as("the buffer is let go once trained").isEmpty();
        assertThat(state.lstm()).as("no online detector").isNull();
        assertThat(bytes.live().length).as("per-reading bytes").isLessThan(1_000);
        assertThat(bytes.model().length).as("model bytes").isLessThan(12_000);
        assertThat(history.model().trainingReadings()).isEqualTo(100);
        double mean = 0.0;
        for (int t = 0; t < 75; t++) { // the normaliser sees the fit part: the first 75 of 100
            mean += trainedReading(t);
        }
        assertThat(history.model().mean()[0]).isCloseTo(mean / 75, Assertions.within(1e-12));
        assertThat(history.live().rows()).isEqualTo(10);
        assertThat(hex(codec.encode(state))).isEqualTo(hex(bytes));
        assertThat(hex(codec.encode(trainedDetector().snapshot())))
                .as("the state this detector writes; regenerate with the argument trained (see this class's Javadoc)")
                .isEqualTo(hex(bytes));
        byte[] v6 = golden(VERSION_6_TRAINED);
        assertThat(hex(codec.encode(withFlatLevelsOf(codec.decode(v6).withModelVersion(101), state))))
                .as("the same sensor as the release before wrote it").isEqualTo(hex(bytes));

        SensorDetector restored = SensorDetector.restore(TRAINED_CONFIG, state);
        SensorDetector kept = trainedDetector();
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = TRAINED_READINGS; t < TRAINED_READINGS + 50; t++) {
            double[] reading = {trainedReading(t) + (t == TRAINED_READINGS + 40 ? 5.0 : 0.0)};
            Score a = restored.process(t * 120_000L, reading, workspace);
            Score b = kept.process(t * 120_000L, reading, workspace);
            assertThat(Double.doubleToRawLongBits(a.score())).isEqualTo(Double.doubleToRawLongBits(b.score()));
            assertThat(a.anomaly()).isEqualTo(t == TRAINED_READINGS + 40);
        }
    }

    /**
     * Version 4, written two releases before for the same readings, is read as the same
     * detector: it takes its learned range, 0 to 6, as each extreme seen twice, which is what
     * this detector keeps for these readings, and holds no weekly ratios (nothing was compared
     * with a week before), so it is written back as the current golden state byte for byte;
     * and it goes on scoring and flagging.
     */
    @Test
    void aVersion4StateIsReadAsTheSameDetector() throws IOException {
        byte[] v4 = golden(VERSION_4);
        assertThat(SensorStateCodec.formatVersion(v4)).isEqualTo(4);
        DetectorState state = codec.decode(v4);
        assertThat(state.scorer().highest()).containsExactly(6.0, 6.0);
        assertThat(state.scorer().lowest()).containsExactly(0.0, 0.0);
        assertThat(hex(codec.encode(asNow(state)))).isEqualTo(hex(golden()));
        scoresOn(state);
    }

    /**
     * Version 3, written two releases before for the same readings, is read: it holds the same
     * detector field for field, without the weekly profile, which starts empty; the restored
     * detector goes on scoring and flagging, and is written back in the current version.
     */
    @Test
    void aVersion3StateIsReadAndScoresOn() throws IOException {
        byte[] v3 = golden(VERSION_3);
        assertThat(SensorStateCodec.formatVersion(v3)).isEqualTo(3);
        SensorState now = serde.decode(golden(VERSION_6));
        assertThat(withVersionAndNewFieldsOf(now, serde.decode(v3))).as("every field but the weekly ones")
                .isEqualTo(now);

        DetectorState state = codec.decode(v3);
        assertThat(state.weekly()).usingRecursiveComparison().isEqualTo(DetectorState.Weekly.empty(1));
        assertThat(state.scorer().weeklyStart()).isEqualTo(Long.MIN_VALUE);
        assertThat(state.scorer().recentShifts()).hasSize(10).containsOnly(0.0);
        scoresOn(state);
    }

    /**
     * Version 2, written three releases before for the same readings, is read: apart from
     * {@code holdOff} (that detector was still in the event a late flag opened, where this one
     * has ended it and is in the damped period after it) and the weekly profile it holds the same
     * detector, field for field, and the restored detector goes on scoring and flagging, and is
     * written back in the current version.
     */
    @Test
    void aVersion2StateIsReadAndScoresOn() throws IOException {
        byte[] v2 = golden(VERSION_2);
        assertThat(SensorStateCodec.formatVersion(v2)).isEqualTo(2);
        SensorState old = serde.decode(v2);
        SensorState now = serde.decode(golden(VERSION_6));
        assertThat(old.getHoldOff()).as("inside an event").isBetween(1, Tuning.EVENT_QUIET);
        assertThat(now.getHoldOff()).as("after it").isBetween(-Tuning.AFTER_EVENT, -1);
        old.put("holdOff", now.getHoldOff());
        assertThat(withVersionAndNewFieldsOf(now, old)).as("every other field").isEqualTo(now);

        DetectorState state = codec.decode(v2);
        assertThat(state.readings()).isEqualTo(READINGS);
        assertThat(state.holdOff()).isEqualTo(serde.decode(v2).getHoldOff());
        assertThat(state.weekly()).usingRecursiveComparison().isEqualTo(DetectorState.Weekly.empty(1));
        scoresOn(state);
    }

    /** {@code old} with the format version and the fields added since version 3 of {@code now}. */
    private static SensorState withVersionAndNewFieldsOf(SensorState now,
                                                                             SensorState old) {
        old.put("formatVersion", now.getFormatVersion());
        for (String field : Stream.concat(WEEKLY_FIELDS.stream(), EXTREME_FIELDS.stream()).toList()) {
            old.put(field, now.get(field));
        }
        return old;
    }

    /** Restores {@code state}, checks it is written back in the current format, and scores 300 more readings with a jump. */
    private void scoresOn(DetectorState state) {
        SensorDetector restored = SensorDetector.restore(CONFIG, state);
        assertThat(SensorStateCodec.formatVersion(codec.encodeLive(restored.snapshot())))
                .as("written back in the current format").isEqualTo(SensorStateCodec.CURRENT_VERSION);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        boolean flagged = false;
        for (int t = READINGS; t < READINGS + 300; t++) {
            Score score = restored.process(t * STEP, new double[] {t % 7 + (t == READINGS + 250 ? 30 : 0)}, workspace);
            assertThat(score.score()).as("score at %d", t).isBetween(0.0, 1.0);
            flagged |= t == READINGS + 250 && score.anomaly();
        }
        assertThat(flagged).as("a jump of 30 on a 0-6 sensor is flagged").isTrue();
    }

    static double[] readings() {
        double[] values = new double[READINGS];
        for (int t = 0; t < READINGS; t++) {
            values[t] = t % 7;
        }
        return values;
    }

    /**
     * Prints the golden hex, the per-reading part, a line {@code --}, then the model, 64 bytes a
     * line; with the argument {@code trained}, the trained golden state's.
     */
    public static void main(String[] args) {
        SensorDetector detector = args.length > 0 && args[0].equals("trained") ? trainedDetector() : detector();
        SensorStateCodec.Encoded parts = new SensorStateCodec().encode(detector.snapshot());
        print(parts.live());
        System.out.println("--");
        print(parts.model());
    }

    private static void print(byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes);
        for (int i = 0; i < hex.length(); i += 128) {
            System.out.println(hex.substring(i, Math.min(hex.length(), i + 128)));
        }
    }
}
