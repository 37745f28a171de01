package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sensorwatch.avro.SensorState;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.TrainingPeriod;
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
                assertThat(codec.encode(back)).as("D=%d after %d readings", channels, readings)
                        .isEqualTo(codec.encode(state));
                assertThat(back.lstm().prediction()).isEqualTo(state.lstm().prediction());
                assertThat(back.readings()).isEqualTo(readings);
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
        byte[] good = codec.encode(trained(1, 10).snapshot());
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(good, good.length / 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not a SensorState");
    }

    @Test
    void anUnknownFormatVersionFailsInsteadOfResetting() {
        AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);
        SensorState record = serde.decode(codec.encode(trained(1, 10).snapshot()));
        record.put("formatVersion", 7);

        assertThatThrownBy(() -> codec.decode(serde.encode(record)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format version 7").hasMessageContaining("reads versions 2 to 6");
    }

    /** A sensor with a training period: its nested history is checked as the rest is. */
    @Test
    void aTrainedStateRoundTripsAndAMalformedHistoryIsInconsistent() {
        DetectorConfig config = DetectorConfig.DEFAULTS
                .withTraining(TrainingPeriod.firstReadings(100));
        SensorDetector detector = SensorDetector.fresh(config, 2);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 0; t < 150; t++) {
            detector.process(t * 1000L, new double[] {Math.sin(t / 4.0), Math.cos(t / 4.0)}, workspace);
        }
        byte[] bytes = codec.encode(detector.snapshot());
        assertThat(codec.encode(codec.decode(bytes))).isEqualTo(bytes);
        assertThat(codec.decode(bytes).history().model()).isNotNull();

        AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);
        SensorState record = serde.decode(bytes);
        record.getHistory().put("eventRecords", ByteBuffer.wrap(new byte[24]));
        assertThatThrownBy(() -> codec.decode(serde.encode(record)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("inconsistent")
                .hasMessageContaining("history.eventRecords");
    }

    /** Version 2 had the same layout, but its holdOff was never negative. */
    @Test
    void aVersion2StateWithANegativeHoldOffIsInconsistent() {
        AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);
        SensorState record = serde.decode(codec.encode(trained(1, 10).snapshot()));
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
        assertFieldOfLengthIsInconsistent("weeklyRecords", 8, "weeklyRecords holds 8 bytes, expected 16");
    }

    @Test
    void extremesOfTheWrongLengthAreInconsistent() {
        assertFieldOfLengthIsInconsistent("lowestReadings", 16, "lowestReadings holds 16 bytes, expected 32");
    }

    /** A two-channel state whose {@code field} holds {@code bytes} bytes fails to decode with {@code message}. */
    private void assertFieldOfLengthIsInconsistent(String field, int bytes, String message) {
        AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);
        SensorState record = serde.decode(codec.encode(trained(2, 10).snapshot()));
        record.put(field, ByteBuffer.wrap(new byte[bytes]));
        assertThatThrownBy(() -> codec.decode(serde.encode(record)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("inconsistent")
                .hasMessageContaining(message);
    }

    @Test
    void aVersionOneStateIsRefusedWithWhatToDo() {
        byte[] bytes = codec.encode(trained(1, 10).snapshot());
        bytes[AvroSerde.HEADER_LENGTH] = 2; // zig-zag varint of formatVersion 1, the first field of every version

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format version 1").hasMessageContaining("cannot be carried over")
                .hasMessageContaining("--reset");
    }
}
