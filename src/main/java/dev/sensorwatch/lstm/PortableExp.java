package dev.sensorwatch.lstm;

/**
 * {@code e^x} in plain IEEE 754 arithmetic, so the same bits on every JDK and CPU, at about the
 * speed of {@link Math#exp} (whose last bit may differ from one platform to another) and several
 * times faster than {@link StrictMath#exp} on JDK 17 (a native call there).
 *
 * <p>Method: {@code x = (64m + j)·ln2/64 + r} with {@code j ∈ [0, 64)} and
 * {@code |r| ≤ ln2/128}, ln2/64 in two parts so that the reduction is exact to far below an ulp;
 * then {@code e^x = 2^m · 2^{j/64} · e^r}, with {@code 2^{j/64}} from a table that
 * {@link StrictMath#pow} fills identically everywhere and {@code e^r − 1} from its Taylor
 * polynomial of degree 5 (remainder below {@code 4e-17} relative). {@code PortableExpTest}
 * bounds its distance from {@code StrictMath.exp}. Arguments below −707, where the result nears
 * the subnormal range, go to {@code StrictMath.exp}.
 */
final class PortableExp {

    private PortableExp() {
    }

    private static final int N = 64;
    private static final double[] TWO_TO_J_OVER_N = new double[N];

    static {
        for (int j = 0; j < N; j++) {
            TWO_TO_J_OVER_N[j] = StrictMath.pow(2.0, j / (double) N);
        }
    }

    private static final double N_OVER_LN2 = N / 0.6931471805599453;
    /**
     * ln2/64 in two parts, fdlibm's split of ln2 divided by 64: the high part has 32 significant
     * bits, so {@code k·HI} is exact for every {@code |k| < 2^21}, and with the low part it
     * carries ln2 to about 2^−86.
     */
    private static final double LN2_OVER_N_HI = Double.longBitsToDouble(0x3FE62E42FEE00000L) / N;
    private static final double LN2_OVER_N_LO = Double.longBitsToDouble(0x3DEA39EF35793C76L) / N;
    /** Above this, {@code e^x} overflows. */
    private static final double OVERFLOW = Double.longBitsToDouble(0x40862E42FEFA39EFL);
    /** Below this, {@code 2^m} with {@code m = ⌊k/64⌋} could leave the normal range. */
    private static final double LOW = -707.0;

    /** {@code e^x} to within one ulp; NaN for NaN. */
    static double exp(double x) {
        if (!(x > LOW)) {
            return StrictMath.exp(x); // NaN, −∞, and results near or below the smallest normal
        }
        if (x > OVERFLOW) {
            return Double.POSITIVE_INFINITY;
        }
        double kd = Math.rint(x * N_OVER_LN2);
        int k = (int) kd;
        double r = (x - kd * LN2_OVER_N_HI) - kd * LN2_OVER_N_LO;
        double p = r + r * r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120))));
        double t = TWO_TO_J_OVER_N[k & (N - 1)];
        double y = t + t * p; // in (2^−1/128, 2^127/128): exponent −1 or 0
        int m = k >> 6; // in [−1021, 1023] for x in (LOW, OVERFLOW], so 2^m·y stays normal and finite
        return Double.longBitsToDouble(Double.doubleToRawLongBits(y) + ((long) m << 52));
    }
}
