package dev.sensorwatch.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The binary form of {@link LstmWeights}: golden bytes, round trips and malformed input. */
class WeightsFormatTest {

    /** Version-1 bytes of {@link #goldenWeights()}, checked in; a format change must not alter them. */
    static final String GOLDEN_RESOURCE = "weights-v1-d1-h1.hex";

    /** D=1, H=1, parameter k = (k + 1)/8 − 0.75: every value exact in binary. */
    static LstmWeights goldenWeights() {
        LstmShape shape = LstmShape.of(1, 1);
        double[] p = new double[shape.parameterCount()];
        for (int k = 0; k < p.length; k++) {
            p[k] = (k + 1) / 8.0 - 0.75;
        }
        return LstmWeights.fromParameters(shape, p);
    }

    static byte[] golden() throws IOException {
        try (InputStream in = WeightsFormatTest.class.getResourceAsStream(GOLDEN_RESOURCE)) {
            assertThat(in).as("test resource %s", GOLDEN_RESOURCE).isNotNull();
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
            return HexFormat.of().parseHex(hex);
        }
    }

    @Test
    void goldenBytesDecodeToTheKnownWeights() throws IOException {
        LstmWeights decoded = LstmWeights.fromBytes(golden());

        assertThat(decoded).isEqualTo(goldenWeights());
        assertThat(decoded.bias(Gate.FORGET, 0)).isEqualTo((8 + 1) / 8.0 - 0.75);
        assertThat(decoded.readoutBias(0)).isEqualTo(14 / 8.0 - 0.75);
    }

    @Test
    void currentEncoderWritesTheGoldenBytes() throws IOException {
        byte[] encoded = goldenWeights().toBytes();

        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(HexFormat.of().formatHex(golden()));
        assertThat(Arrays.copyOf(encoded, 4)).isEqualTo("SWLW".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void roundTripsRandomWeightsBitForBit() {
        for (int[] size : new int[][] {{1, 1}, {1, 16}, {8, 32}, {3, 7}}) {
            LstmWeights weights = LstmWeights.initialise(LstmShape.of(size[0], size[1]), size[1]);
            byte[] bytes = weights.toBytes();
            assertThat(bytes).hasSize(18 + 8 * weights.shape().parameterCount() + 4);
            assertThat(LstmWeights.fromBytes(bytes)).isEqualTo(weights);
        }
    }

    @Test
    void rejectsBytesTooShortForTheHeader() {
        assertThatThrownBy(() -> LstmWeights.fromBytes(new byte[10]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 bytes is shorter than the 22-byte header");
    }

    @Test
    void rejectsAnotherFormat() throws IOException {
        byte[] bytes = golden();
        bytes[0] = 'X';
        assertThatThrownBy(() -> LstmWeights.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not sensorwatch LSTM weights");
    }

    @Test
    void rejectsAnUnknownVersionByName() throws IOException {
        byte[] bytes = golden();
        ByteBuffer.wrap(bytes).putShort(4, (short) 9);
        assertThatThrownBy(() -> LstmWeights.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 9 is not supported");
    }

    @Test
    void rejectsImpossibleSizesAndCounts() throws IOException {
        byte[] zeroUnits = golden();
        ByteBuffer.wrap(zeroUnits).putInt(10, 0);
        assertThatThrownBy(() -> LstmWeights.fromBytes(zeroUnits))
                .hasMessageContaining("header is corrupt").hasMessageContaining("hidden size");

        byte[] wrongCount = golden();
        ByteBuffer.wrap(wrongCount).putInt(14, 15);
        assertThatThrownBy(() -> LstmWeights.fromBytes(wrongCount))
                .hasMessageContaining("15 parameters declared, but D=1, H=1 has 14");
    }

    @Test
    void rejectsTruncatedAndOverlongBytes() throws IOException {
        byte[] bytes = golden();
        assertThatThrownBy(() -> LstmWeights.fromBytes(Arrays.copyOf(bytes, bytes.length - 9)))
                .hasMessageContaining("take 134 bytes, got 125");
        assertThatThrownBy(() -> LstmWeights.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)))
                .hasMessageContaining("take 134 bytes, got 135");
    }

    @Test
    void rejectsACorruptedValueThroughTheChecksum() throws IOException {
        byte[] bytes = golden();
        bytes[40] ^= 0x01;
        assertThatThrownBy(() -> LstmWeights.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checksum mismatch");
    }
}
