package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.detect.Score;
import dev.sensorwatch.detect.SensorDetector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A stored sensor state written by the current format (version 3), checked in as hex: it must be
 * read back exactly, field by field, and written again byte for byte. The golden value is the
 * state of a small detector after {@value #READINGS} readings of {@code t mod 7}, five minutes
 * apart; most of its fields follow from those readings alone and are checked by hand.
 *
 * <p>After a deliberate change of the learning (not of the stored format), regenerate it with
 * {@code java -cp target/test-classes:target/classes:<classpath> dev.sensorwatch.stream.SensorStateGoldenTest
 * > src/test/resources/dev/sensorwatch/stream/sensor-state-v3.hex}. After a change of the format,
 * bump {@link SensorStateCodec#CURRENT_VERSION}, keep this file and make the codec read it, as
 * {@code sensor-state-v2.hex} (the same readings, written by the release before) is kept and read.
 */
class SensorStateGoldenTest {

    static final String RESOURCE = "sensor-state-v3.hex";
    static final String VERSION_2 = "sensor-state-v2.hex";
    static final DetectorConfig CONFIG = new DetectorConfig(1, 2, 0.005, 1.0, 1000, 500, 4000, 3, 0.53, 42L);
    static final int READINGS = 60;
    static final long STEP = 300_000L;

    final SensorStateCodec codec = new SensorStateCodec();

    static SensorDetector detector() {
        SensorDetector detector = SensorDetector.fresh(CONFIG, 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 0; t < READINGS; t++) {
            detector.process(t * STEP, new double[] {t % 7}, workspace);
        }
        return detector;
    }

    static byte[] golden() throws IOException {
        return golden(RESOURCE);
    }

    static byte[] golden(String resource) throws IOException {
        try (InputStream in = SensorStateGoldenTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("test resource " + resource).isNotNull();
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
            return HexFormat.of().parseHex(hex);
        }
    }

    @Test
    void theGoldenStateIsReadBackFieldByField() throws IOException {
        byte[] bytes = golden();
        assertThat(SensorStateCodec.formatVersion(bytes)).isEqualTo(SensorStateCodec.CURRENT_VERSION).isEqualTo(3);
        DetectorState state = codec.decode(bytes);

        assertThat(state.channels()).isEqualTo(1);
        assertThat(state.readings()).isEqualTo(READINGS);
        assertThat(state.lastEventTime()).isEqualTo((READINGS - 1) * STEP);
        assertThat(state.lastValues()).containsExactly((READINGS - 1) % 7);
        assertThat(state.lstm().weights().shape().hiddenSize()).isEqualTo(1);
        assertThat(state.lstm().windowRows()).isEqualTo(2);
        assertThat(state.lstm().adamSteps()).as("one update per difference once two are held").isEqualTo(READINGS - 2);
        // members' errors count from the 21st reading on (SensorDetector.MEMBER_WARMUP); the profile has no prediction yet
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
        assertThat(scorer.valueMean()[0]).isCloseTo(Arrays.stream(readings()).average().orElseThrow(),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(scorer.recentValueRows()).isEqualTo(10);
        assertThat(scorer.recentValues()).containsExactly(Arrays.copyOfRange(readings(), READINGS - 10, READINGS));
        assertThat(scorer.recentErrorRows()).isEqualTo(10);
        assertThat(scorer.errorRecord()).isPositive();
    }

    @Test
    void theGoldenStateIsWrittenAgainByteForByte() throws IOException {
        byte[] bytes = golden();
        assertThat(codec.encode(codec.decode(bytes))).isEqualTo(bytes);
    }

    @Test
    void theGoldenStateIsWhatThisDetectorWritesForTheSameReadings() throws IOException {
        assertThat(HexFormat.of().formatHex(codec.encode(detector().snapshot())))
                .as("the state this detector writes for the golden readings; if only the learning changed, "
                        + "regenerate the golden file (see this class's Javadoc); if the meaning of a stored field "
                        + "changed, bump the format version")
                .isEqualTo(HexFormat.of().formatHex(golden()));
    }

    /**
     * The release before wrote version 2 for the same readings. This release reads it: apart from
     * {@code holdOff} (the old detector was still in the event a late flag opened, where this one
     * has ended it and is in the damped period after it) it holds the same detector, field for
     * field, and the restored detector goes on scoring and flagging, and is written back as
     * version 3.
     */
    @Test
    void aVersion2StateIsReadAndScoresOn() throws IOException {
        byte[] v2 = golden(VERSION_2);
        assertThat(SensorStateCodec.formatVersion(v2)).isEqualTo(2);
        AvroSerde<dev.sensorwatch.avro.SensorState> serde = AvroSerde.of(dev.sensorwatch.avro.SensorState.class);
        dev.sensorwatch.avro.SensorState old = serde.decode(v2);
        dev.sensorwatch.avro.SensorState now = serde.decode(golden());
        assertThat(old.getHoldOff()).as("inside an event").isBetween(1, SensorDetector.EVENT_QUIET);
        assertThat(now.getHoldOff()).as("after it").isBetween(-SensorDetector.AFTER_EVENT, -1);
        old.put("formatVersion", now.getFormatVersion());
        old.put("holdOff", now.getHoldOff());
        assertThat(old).as("every other field").isEqualTo(now);

        DetectorState state = codec.decode(v2);
        assertThat(state.readings()).isEqualTo(READINGS);
        assertThat(state.holdOff()).isEqualTo(serde.decode(v2).getHoldOff());
        SensorDetector restored = SensorDetector.restore(CONFIG, state);
        assertThat(SensorStateCodec.formatVersion(codec.encode(restored.snapshot())))
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

    /** Prints the golden hex, 64 bytes a line. */
    public static void main(String[] args) {
        String hex = HexFormat.of().formatHex(new SensorStateCodec().encode(detector().snapshot()));
        for (int i = 0; i < hex.length(); i += 128) {
            System.out.println(hex.substring(i, Math.min(hex.length(), i + 128)));
        }
    }
}
