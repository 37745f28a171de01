package dev.sensorwatch.detect;

/** The standard normal distribution function, fast and accurate to about 1e-15 absolute. */
public final class Gaussian {

    /** ln √(2π). */
    private static final double LOG_SQRT_2PI = 0.91893853320467274178;
    /** Beyond this, Φ is within half an ulp of 0 or 1. */
    private static final double SATURATION = 8.3;

    private Gaussian() {
    }

    /**
     * {@code Φ(x) = P(Z ≤ x)} for a standard normal {@code Z}, by Marsaglia's series
     * ("Evaluating the Normal Distribution", J. Stat. Software 11(4), 2004):
     * {@code Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …)}, summed until the terms no longer change
     * the sum. NaN gives NaN.
     */
    public static double cdf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x >= SATURATION) {
            return 1.0;
        }
        if (x <= -SATURATION) {
            return 0.0;
        }
        double sum = x;
        double previous = 0.0;
        double term = x;
        double square = x * x;
        double i = 1.0;
        while (sum != previous) {
            previous = sum;
            i += 2.0;
            term *= square / i;
            sum = previous + term;
        }
        return 0.5 + sum * Math.exp(-0.5 * square - LOG_SQRT_2PI);
    }
}
