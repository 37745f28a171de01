package dev.sensorwatch.lstm;

/**
 * The logistic and hyperbolic-tangent functions of the cell, each written with one
 * {@link PortableExp#exp}.
 *
 * <p>Both are exact to within a few units in the last place of 1 (absolute error below
 * {@code 4e-16}), saturate cleanly to their limits for large arguments (no NaN, no overflow)
 * and are odd/symmetric as the true functions are. {@code PortableExp} is plain IEEE 754
 * arithmetic, so it gives the same bits on every JDK and CPU, where {@link Math#exp} may differ
 * in the last place from one platform to another; with Java's strict arithmetic this makes the
 * detector's scores identical wherever it runs: a replay on another machine, or a sensor's task
 * moved to another instance, carries on exactly as an uninterrupted run would.
 */
public final class Activations {

    private Activations() {
    }


    /** The logistic function {@code σ(x) = 1 / (1 + e^{-x})}. */
    public static double sigmoid(double x) {
        return 1.0 / (1.0 + PortableExp.exp(-x));
    }

    /**
     * The hyperbolic tangent as {@code sign(x)·(1 − e)/(1 + e)} with {@code e = e^{−2|x|}};
     * {@code 1 − e} is exact for {@code e ≥ ½} (Sterbenz), so only {@code e}'s own rounding enters.
     * Below {@code 2⁻²⁷} it returns {@code x}, which is {@code tanh(x)} correctly rounded there.
     */
    public static double tanh(double x) {
        double a = Math.abs(x);
        if (a < TINY) {
            return x;
        }
        double e = PortableExp.exp(-2.0 * a);
        return Math.copySign((1.0 - e) / (1.0 + e), x);
    }

    /** Below this, {@code x³/3} is under half an ulp of {@code x}. */
    private static final double TINY = 0x1.0p-27;
}
