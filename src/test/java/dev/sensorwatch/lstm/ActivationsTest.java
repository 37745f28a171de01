package dev.sensorwatch.lstm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The activations give the same bits on every JDK and CPU. The inputs are ones where the same
 * formulas written with {@link Math#exp} give other bits on x86-64 JDK 17 (noted beside each),
 * so activations written with {@code Math.exp} fail here on such machines, and a platform whose
 * arithmetic differs fails anywhere.
 */
class ActivationsTest {

    @ParameterizedTest
    @CsvSource({
        "-0x1.ef69e733e7e67p2, 0x1.c7a002704cf5ap-12", // Math.exp: 0x1.c7a002704cf58p-12
        "-0x1.0fe27d8354f6p0, 0x1.07157f7dd554p-2", // Math.exp: 0x1.07157f7dd5541p-2
        "-0x1.d0cdb3bf65b2ep2, 0x1.6f6ec880f0c68p-11", // Math.exp: 0x1.6f6ec880f0c67p-11
    })
    void sigmoidIsTheSameBitsEverywhere(String x, String expected) {
        assertThat(Double.toHexString(Activations.sigmoid(Double.parseDouble(x)))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "0x1.c593e5bac5ap-4, 0x1.c3bb95d5af57ep-4", // Math.exp: 0x1.c3bb95d5af57ap-4
        "0x1.4b4a90a4f5ap-3, 0x1.486e786aa5918p-3", // Math.exp: 0x1.486e786aa591bp-3
        "-0x1.390aefb5433ep-1, -0x1.1719f6ff1c1f8p-1", // Math.exp: −0x1.1719f6ff1c1f7p-1
    })
    void tanhIsTheSameBitsEverywhere(String x, String expected) {
        assertThat(Double.toHexString(Activations.tanh(Double.parseDouble(x)))).isEqualTo(expected);
    }
}
