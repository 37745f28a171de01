package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TailLevelTest {

    /** Relative tolerance of a tail fitted on 10,000 values against the law's own quantile. */
    static final double TAIL_TOLERANCE = 0.15;

    /** The i-th of n evenly spaced quantiles of the exponential law, mean 1: a sample without sampling noise. */
    private static double[] exponentialQuantiles(int n) {
        double[] sample = new double[n];
        for (int i = 0; i < n; i++) {
            sample[i] = -Math.log(1.0 - (i + 0.5) / n);
        }
        return sample;
    }

    @Test
    void anExponentialTailGivesTheLawsQuantile() {
        double[] sample = exponentialQuantiles(10_000);
        // P(X > x) = e^-x: exceeded with probability 1e-5 at x = ln(1e5) = 11.51, beyond the sample's largest value (9.90)
        assertThat(TailLevel.of(sample, 1e-5)).isCloseTo(Math.log(1e5), within(TAIL_TOLERANCE * Math.log(1e5)));
    }

    @Test
    void aBoundedTailStaysNearItsBound() {
        double[] sample = new double[10_000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = (i + 0.5) / sample.length; // uniform on (0, 1)
        }
        assertThat(TailLevel.of(sample, 1e-6)).isBetween(sample[sample.length - 1], 1.05);
    }

    @Test
    void theLevelIsNeverBelowTheLargestValue() {
        double[] sample = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 7};
        assertThat(TailLevel.of(sample, 1e-3)).isGreaterThanOrEqualTo(7.0);
        assertThat(TailLevel.of(new double[] {0, 0, 0}, 1e-4)).isEqualTo(0.0);
    }

    @Test
    void badInputIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> TailLevel.of(new double[0], 1e-4)).hasMessageContaining("no values");
        assertThatThrownBy(() -> TailLevel.of(new double[] {1, Double.NaN}, 1e-4)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> TailLevel.of(new double[] {1, 2}, 1.5)).hasMessageContaining("(0, 1)");
    }
}
