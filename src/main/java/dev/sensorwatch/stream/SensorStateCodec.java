package dev.sensorwatch.stream;

import dev.sensorwatch.avro.SensorState;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.lstm.LstmWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Converts a sensor's {@link DetectorState} to and from the bytes kept in the state store: the
 * {@code SensorState} Avro record (schemas/SensorState.avsc) in single-object encoding, numeric
 * blocks packed as little-endian doubles. Every double survives bit for bit.
 */
public final class SensorStateCodec {

    /** The layout version this release writes. */
    public static final int CURRENT_VERSION = 1;

    private final AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);

    /** Encodes {@code state}. */
    public byte[] encode(DetectorState state) {
        SensorState record = SensorState.newBuilder()
                .setFormatVersion(CURRENT_VERSION)
                .setChannels(state.channels())
                .setHiddenSize(state.weights().shape().hiddenSize())
                .setReadings(state.readings())
                .setLastEventTime(state.lastEventTime())
                .setNormalizerMean(pack(state.normalizerMean()))
                .setNormalizerVar(pack(state.normalizerVar()))
                .setWindowRows(state.windowRows())
                .setWindow(pack(state.window()))
                .setStartHidden(pack(state.startHidden()))
                .setStartCell(pack(state.startCell()))
                .setHidden(pack(state.hidden()))
                .setCell(pack(state.cell()))
                .setPrediction(pack(state.prediction()))
                .setErrorVar(pack(state.errorVar()))
                .setErrorCount(state.errorCount())
                .setWeights(ByteBuffer.wrap(state.weights().toBytes()))
                .setAdamFirstMoment(pack(state.adamFirstMoment()))
                .setAdamSecondMoment(pack(state.adamSecondMoment()))
                .setAdamSteps(state.adamSteps())
                .build();
        return serde.encode(record);
    }

    /**
     * Decodes stored bytes.
     *
     * @throws SerializationException if the bytes are not a stored sensor state, or are of a
     *                                version this release cannot read, or are inconsistent
     */
    public DetectorState decode(byte[] bytes) {
        SensorState record = serde.decode(bytes);
        if (record.getFormatVersion() != CURRENT_VERSION) {
            throw new SerializationException("stored sensor state has format version "
                    + record.getFormatVersion() + "; this release reads version " + CURRENT_VERSION
                    + ". Run the release that wrote it, or reset the application to rebuild the state.");
        }
        try {
            LstmWeights weights = LstmWeights.fromBytes(bytes(record.getWeights()));
            int d = record.getChannels();
            int h = record.getHiddenSize();
            if (weights.shape().inputSize() != d || weights.shape().hiddenSize() != h) {
                throw new IllegalArgumentException("weights are for " + weights.shape()
                        + " but the record says D=" + d + ", H=" + h);
            }
            return new DetectorState(d, record.getReadings(), record.getLastEventTime(),
                    unpack(record.getNormalizerMean(), d, "normalizerMean"),
                    unpack(record.getNormalizerVar(), d, "normalizerVar"),
                    record.getWindowRows(),
                    unpack(record.getWindow(), -1, "window"),
                    unpack(record.getStartHidden(), h, "startHidden"),
                    unpack(record.getStartCell(), h, "startCell"),
                    unpack(record.getHidden(), h, "hidden"),
                    unpack(record.getCell(), h, "cell"),
                    unpack(record.getPrediction(), d, "prediction"),
                    unpack(record.getErrorVar(), d, "errorVar"),
                    record.getErrorCount(), weights,
                    unpack(record.getAdamFirstMoment(), weights.shape().parameterCount(), "adamFirstMoment"),
                    unpack(record.getAdamSecondMoment(), weights.shape().parameterCount(), "adamSecondMoment"),
                    record.getAdamSteps());
        } catch (IllegalArgumentException e) {
            throw new SerializationException("stored sensor state is inconsistent: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer pack(double[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asDoubleBuffer().put(values);
        return buffer;
    }

    private static double[] unpack(ByteBuffer buffer, int expected, String field) {
        ByteBuffer view = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (view.remaining() % 8 != 0 || (expected >= 0 && view.remaining() != 8 * expected)) {
            throw new IllegalArgumentException(field + " holds " + view.remaining() + " bytes, expected "
                    + (expected >= 0 ? 8 * expected + "" : "a multiple of 8"));
        }
        double[] values = new double[view.remaining() / 8];
        view.asDoubleBuffer().get(values);
        return values;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
