package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Φ against well-known values of the standard normal distribution, to 15 digits. */
class GaussianTest {

    static final double TOLERANCE = 2e-15;

    @ParameterizedTest(name = "Φ({0}) = {1}")
    @CsvSource({
        "0, 0.5",
        "1, 0.8413447460685429",
        "-1, 0.15865525393145707",
        "2, 0.9772498680518208",
        "-2, 0.022750131948179195",
        "3, 0.9986501019683699",
        "-3, 0.0013498980316300946",
        "0.5, 0.6914624612740131",
        "1.959963984540054, 0.975",
        "5, 0.9999997133484281",
        "-5, 2.866515718791939E-7",
        "9, 1.0",
        "-9, 0.0",
    })
    void matchesPublishedValues(double x, double expected) {
        assertThat(Gaussian.cdf(x)).isCloseTo(expected, within(TOLERANCE));
    }

    @ParameterizedTest(name = "Φ is monotone and symmetric around {0}")
    @CsvSource({"0.1", "0.7", "1.3", "2.9", "4.4", "6.1", "8.2"})
    void isMonotoneAndSymmetric(double x) {
        assertThat(Gaussian.cdf(x) + Gaussian.cdf(-x)).isCloseTo(1.0, within(TOLERANCE));
        assertThat(Gaussian.cdf(x + 1e-3)).isGreaterThanOrEqualTo(Gaussian.cdf(x));
    }
}
