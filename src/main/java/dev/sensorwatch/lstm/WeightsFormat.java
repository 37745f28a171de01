package dev.sensorwatch.lstm;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * The versioned binary form of {@link LstmWeights}.
 *
 * <p>Version 1, all numbers big-endian:
 *
 * <pre>
 * offset  size  field
 *      0     4  magic, ASCII "SWLW"
 *      4     2  format version (1)
 *      6     4  D, input channels
 *     10     4  H, hidden units
 *     14     4  P, parameter count; must equal LstmShape(D, H).parameterCount()
 *     18   8·P  parameters, IEEE-754 doubles in LstmShape's layout
 *  18+8P     4  CRC-32 of every preceding byte
 * </pre>
 *
 * <p>A reader of a later version must keep reading every earlier version; a version it does not
 * know is rejected with an error that names it.
 */
public final class WeightsFormat {

    /** The magic bytes "SWLW" as a big-endian int. */
    public static final int MAGIC = 0x53574C57;
    /** The version {@link #encode} writes. */
    public static final short CURRENT_VERSION = 1;

    private static final int HEADER_BYTES = 18;
    private static final int TRAILER_BYTES = 4;

    private WeightsFormat() {
    }

    /** Encodes {@code weights} in the current version. */
    public static byte[] encode(LstmWeights weights) {
        LstmShape shape = weights.shape();
        int count = shape.parameterCount();
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + 8 * count + TRAILER_BYTES)
                .order(ByteOrder.BIG_ENDIAN);
        buffer.putInt(MAGIC)
                .putShort(CURRENT_VERSION)
                .putInt(shape.inputSize())
                .putInt(shape.hiddenSize())
                .putInt(count);
        for (double[] block : weights.parameters().blocks) {
            for (double v : block) {
                buffer.putDouble(v);
            }
        }
        buffer.putInt((int) crc(buffer.array(), buffer.position()));
        return buffer.array();
    }

    /**
     * Decodes bytes written by {@link #encode}.
     *
     * @throws IllegalArgumentException saying what is wrong: too short, not this format, an
     *                                  unknown version, impossible sizes, a length that does not
     *                                  match the sizes, a checksum mismatch or a non-finite value
     */
    public static LstmWeights decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
            throw new IllegalArgumentException("LSTM weights: " + bytes.length
                    + " bytes is shorter than the " + (HEADER_BYTES + TRAILER_BYTES)
                    + "-byte header and checksum");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int magic = buffer.getInt();
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format(
                    "not sensorwatch LSTM weights: magic is 0x%08X, expected 0x%08X (\"SWLW\")",
                    magic, MAGIC));
        }
        short version = buffer.getShort();
        if (version != 1) {
            throw new IllegalArgumentException("LSTM weights format version " + version
                    + " is not supported; this release reads version 1");
        }
        try {
            int inputSize = buffer.getInt();
            int hiddenSize = buffer.getInt();
            int count = buffer.getInt();
            LstmShape shape;
            try {
                shape = LstmShape.of(inputSize, hiddenSize);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("LSTM weights header is corrupt: " + e.getMessage(), e);
            }
            if (count != shape.parameterCount()) {
                throw new IllegalArgumentException("LSTM weights header is corrupt: " + count
                        + " parameters declared, but " + shape + " has " + shape.parameterCount());
            }
            long expectedLength = HEADER_BYTES + 8L * count + TRAILER_BYTES;
            if (bytes.length != expectedLength) {
                throw new IllegalArgumentException("LSTM weights for " + shape + " take "
                        + expectedLength + " bytes, got " + bytes.length);
            }
            long expectedCrc = crc(bytes, bytes.length - TRAILER_BYTES);
            long storedCrc = ByteBuffer.wrap(bytes, bytes.length - TRAILER_BYTES, TRAILER_BYTES)
                    .getInt() & 0xFFFF_FFFFL;
            if (storedCrc != expectedCrc) {
                throw new IllegalArgumentException(String.format(
                        "LSTM weights checksum mismatch: stored 0x%08X, computed 0x%08X",
                        storedCrc, expectedCrc));
            }
            double[] p = new double[count];
            for (int k = 0; k < count; k++) {
                p[k] = buffer.getDouble();
            }
            return LstmWeights.fromParameters(shape, p);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("LSTM weights are truncated", e);
        }
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
