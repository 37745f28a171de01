package dev.sensorwatch.lstm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The activations give the same bits on every JDK and CPU. The expected values are fdlibm's
 * ({@link StrictMath}); the inputs are ones where {@link Math#exp} on a common x86-64 JDK 17
 * rounds the other way, so an activation written with {@code Math.exp} fails here on such
 * machines, and a platform whose arithmetic differs fails anywhere.
 */
class ActivationsTest {

    @ParameterizedTest
    @CsvSource({
        "-0x1.e01ad3ad0222ep1, 0x1.782904591ae9p-6",
        "-0x1.a09a54c25c69ap2, 0x1.85d789d0acc5fp-10",
        "-0x1.5a7de986c2de8p3, 0x1.4cd55ff789a4fp-16",
    })
    void sigmoidIsTheSameBitsEverywhere(String x, String expected) {
        assertThat(Double.toHexString(Activations.sigmoid(Double.parseDouble(x)))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "0x1.e01ad3ad0222ep0, 0x1.e87d6fba6e516p-1",
        "-0x1.a09a54c25c69ap1, -0x1.fe7a28762f534p-1",
        "0x1.f2fd66546e422p2, 0x1.fffff4a8caeb6p-1",
    })
    void tanhIsTheSameBitsEverywhere(String x, String expected) {
        assertThat(Double.toHexString(Activations.tanh(Double.parseDouble(x)))).isEqualTo(expected);
    }
}
