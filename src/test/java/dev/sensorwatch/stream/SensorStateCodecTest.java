package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sensorwatch.avro.SensorLiveState;
import dev.sensorwatch.avro.SensorState;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.TrainingPeriod;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The stored form of a sensor's detector: exact round trips and clear errors. */
class SensorStateCodecTest {

    final SensorStateCodec codec = new SensorStateCodec();

    static SensorDetector trained(int channels, int readings) {
        SensorDetector detector = SensorDetector.fresh(DetectorConfig.DEFAULTS, channels);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        double[] values = new double[channels];
        for (int t = 0; t < readings; t++) {
            for (int d = 0; d < channels; d++) {
                values[d] = Math.sin(t / 7.0 + d) + 0.01 * d;
            }
            detector.process(1_000L * t, values, workspace);
        }
        return detector;
    }

    @Test
    void roundTripsEveryValueBitForBit() {
        for (int channels : new int[] {1, 3}) {
            for (int readings : new int[] {0, 1, 5, 300}) {
                DetectorState state = trained(channels, readings).snapshot();
                DetectorState back = codec.decode(codec.encode(state));

                assertThat(back.lstm().weights()).isEqualTo(state.lstm().weights());
                assertThat(SensorStateGoldenTest.hex(codec.encode(back))).as("D=%d after %d readings", channels, readings)
                        .isEqualTo(SensorStateGoldenTest.hex(codec.encode(state)));
                assertThat(back.lstm().prediction()).isEqualTo(state.lstm().prediction());
                assertThat(back.readings()).isEqualTo(readings);
                assertThat(back.modelVersion()).isEqualTo(readings);
            }
        }
    }

    @Test
    void aRestoredDetectorScoresLikeTheOriginal() {
        SensorDetector original = trained(2, 250);
        SensorDetector restored = SensorDetector.restore(DetectorConfig.DEFAULTS, codec.decode(codec.encode(original.snapshot())));
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        double[] reading = {0.3, -0.4};

        assertThat(restored.process(251_000L, reading, workspace))
                .usingRecursiveComparison().isEqualTo(original.process(251_000L, reading, workspace));
    }

    @Test
    void bytesThatAreNotAStoredStateFailClearly() {
        assertThatThrownBy(() -> codec.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not a sensorwatch sensor state");
        SensorStateCodec.Encoded good = codec.encode(trained(1, 10).snapshot());
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(good.live(), good.live().length / 2), good.model()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not a SensorLiveState");
        assertThatThrownBy(() -> codec.decode(good.live(), Arrays.copyOf(good.model(), good.model().length / 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not a SensorModelState");
    }

    @Test
    void anUnknownFormatVersionFailsInsteadOfResetting() {
        byte[] live = codec.encodeLive(trained(1, 10).snapshot());
        live[AvroSerde.HEADER_LENGTH] = 16; // zig-zag varint of formatVersion 8

        assertThatThrownBy(() -> codec.decode(live, null))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format version 8").hasMessageContaining("reads versions 2 to 7");
    }

    /** The per-reading part without its model, or with another version of it, is refused, saying what is wrong. */
    @Test
    void partsThatDoNotBelongTogetherAreRefused() {
        SensorDetector detector = trained(1, 10);
        SensorStateCodec.Encoded before = codec.encode(detector.snapshot());
        detector.process(10_000L, new double[] {0.5}, new SensorDetector.Workspace());
        SensorStateCodec.Encoded after = codec.encode(detector.snapshot());

        assertThatThrownBy(() -> codec.decode(after.live(), null))
                .isInstanceOf(SerializationException.class).hasMessageContaining("has no model in sensor-models");
        assertThatThrownBy(() -> codec.decode(after.live(), before.model()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("inconsistent")
                .hasMessageContaining("model version 11").hasMessageContaining("model of version 10");
        SensorStateCodec.Encoded twoChannels = codec.encode(trained(2, 10).snapshot());
        assertThatThrownBy(() -> codec.decode(before.live(), twoChannels.model()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("inconsistent")
                .hasMessageContaining("2 channels");
    }

    /** A sensor with a training period: its nested history is checked as the rest is; its model changes with the readings of its period and the first after it, which trains it, and then no more. */
    @Test
    void aTrainedStateRoundTripsAndAMalformedHistoryIsInconsistent() {
        DetectorConfig config = DetectorConfig.DEFAULTS
                .withTraining(TrainingPeriod.firstReadings(100));
        SensorDetector detector = SensorDetector.fresh(config, 2);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 0; t < 150; t++) {
            detector.process(t * 1000L, new double[] {Math.sin(t / 4.0), Math.cos(t / 4.0)}, workspace);
            assertThat(detector.modelVersion()).as("model version after reading %d", t).isEqualTo(Math.min(t + 1, 101));
        }
        SensorStateCodec.Encoded bytes = codec.encode(detector.snapshot());
        assertThat(SensorStateGoldenTest.hex(codec.encode(codec.decode(bytes))))
                .isEqualTo(SensorStateGoldenTest.hex(bytes));
        assertThat(codec.decode(bytes).history().model()).isNotNull();

        AvroSerde<SensorLiveState> serde = AvroSerde.of(SensorLiveState.class);
        SensorLiveState record = serde.decode(bytes.live());
        record.getHistory().put("eventRecords", ByteBuffer.wrap(new byte[24]));
        assertThatThrownBy(() -> codec.decode(serde.encode(record), bytes.model()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("inconsistent")
                .hasMessageContaining("history.eventRecords");
    }

    /** Version 2 had version 3's layout, but its holdOff was never negative. */
    @Test
    void aVersion2StateWithANegativeHoldOffIsInconsistent() throws IOException {
        AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);
        SensorState record = serde.decode(SensorStateGoldenTest.golden(SensorStateGoldenTest.VERSION_3));
        record.put("formatVersion", 2);
        record.put("holdOff", -5);
        assertThatThrownBy(() -> codec.decode(serde.encode(record)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("inconsistent")
                .hasMessageContaining("negative holdOff");
        record.put("formatVersion", 3);
        assertThat(codec.decode(serde.encode(record)).holdOff()).isEqualTo(-5);
    }

    @Test
    void aWeeklyRecordOfTheWrongLengthIsInconsistent() {
        assertScorerFieldOfLengthIsInconsistent("weeklyRecords", 8, "weeklyRecords holds 8 bytes, expected 16");
    }

    @Test
    void extremesOfTheWrongLengthAreInconsistent() {
        assertScorerFieldOfLengthIsInconsistent("lowestReadings", 16, "lowestReadings holds 16 bytes, expected 32");
    }

    /** A two-channel state whose scorer's {@code field} holds {@code bytes} bytes fails to decode with {@code message}. */
    private void assertScorerFieldOfLengthIsInconsistent(String field, int bytes, String message) {
        AvroSerde<SensorLiveState> serde = AvroSerde.of(SensorLiveState.class);
        SensorStateCodec.Encoded good = codec.encode(trained(2, 10).snapshot());
        SensorLiveState record = serde.decode(good.live());
        record.getOnline().getScorer().put(field, ByteBuffer.wrap(new byte[bytes]));
        assertThatThrownBy(() -> codec.decode(serde.encode(record), good.model()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("inconsistent")
                .hasMessageContaining(message);
    }

    @Test
    void aVersionOneStateIsRefusedWithWhatToDo() {
        byte[] bytes = codec.encodeLive(trained(1, 10).snapshot());
        bytes[AvroSerde.HEADER_LENGTH] = 2; // zig-zag varint of formatVersion 1, the first field of every version

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format version 1").hasMessageContaining("cannot be carried over")
                .hasMessageContaining("--reset");
    }
}
