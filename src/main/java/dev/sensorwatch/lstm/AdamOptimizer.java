package dev.sensorwatch.lstm;

/**
 * The Adam optimiser (Kingma &amp; Ba, 2015, Algorithm 1) with bias-corrected moment estimates,
 * as PyTorch's {@code torch.optim.Adam} computes it:
 *
 * <pre>
 * m ← β₁·m + (1 − β₁)·g        v ← β₂·v + (1 − β₂)·g²
 * θ ← θ − α · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * </pre>
 *
 * <p>Mutable: holds the moments of one parameter vector and the step count; owned by one thread.
 */
public final class AdamOptimizer {

    /** The customary first-moment decay. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** The customary second-moment decay. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** The customary denominator guard. */
    public static final double DEFAULT_EPSILON = 1e-8;

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double[] m;
    private final double[] v;
    private long steps;

    /** Returns an optimiser for {@code parameterCount} parameters with the customary decays. */
    public AdamOptimizer(int parameterCount) {
        this(parameterCount, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /**
     * Returns an optimiser with the given decays.
     *
     * @throws IllegalArgumentException if a decay is outside [0, 1) or {@code epsilon ≤ 0}
     */
    public AdamOptimizer(int parameterCount, double beta1, double beta2, double epsilon) {
        if (!(beta1 >= 0.0 && beta1 < 1.0) || !(beta2 >= 0.0 && beta2 < 1.0)) {
            throw new IllegalArgumentException("Adam decays must be in [0, 1), got beta1=" + beta1
                    + ", beta2=" + beta2);
        }
        if (!(epsilon > 0.0)) {
            throw new IllegalArgumentException("Adam epsilon must be positive, got " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = new double[parameterCount];
        this.v = new double[parameterCount];
    }

    /**
     * Returns an optimiser with the customary decays that resumes from saved moments, as
     * {@link #copyFirstMoment()}, {@link #copySecondMoment()} and {@link #steps()} gave them.
     *
     * @throws IllegalArgumentException if the moments differ in length or {@code steps < 0}
     */
    public static AdamOptimizer restore(double[] firstMoment, double[] secondMoment, long steps) {
        LstmShape.checkLength("Adam second moment", secondMoment, firstMoment.length);
        if (steps < 0) {
            throw new IllegalArgumentException("Adam step count must not be negative, got " + steps);
        }
        AdamOptimizer adam = new AdamOptimizer(firstMoment.length);
        System.arraycopy(firstMoment, 0, adam.m, 0, firstMoment.length);
        System.arraycopy(secondMoment, 0, adam.v, 0, secondMoment.length);
        adam.steps = steps;
        return adam;
    }

    /** Returns a copy of the first-moment estimates. */
    public double[] copyFirstMoment() {
        return m.clone();
    }

    /** Returns a copy of the second-moment estimates. */
    public double[] copySecondMoment() {
        return v.clone();
    }

    /** Number of parameters this optimiser updates. */
    public int parameterCount() {
        return m.length;
    }

    /** Number of updates applied so far. */
    public long steps() {
        return steps;
    }

    /**
     * Applies one update with step size {@code learningRate} to {@code parameters}.
     *
     * @throws IllegalArgumentException on a length mismatch or a non-positive learning rate
     */
    public void stepInPlace(double[] parameters, LstmGradients gradients, double learningRate) {
        stepInPlace(parameters, gradients.values, learningRate);
    }

    void stepInPlace(double[] parameters, double[] gradients, double learningRate) {
        LstmShape.checkLength("parameter vector", parameters, m.length);
        LstmShape.checkLength("gradient vector", gradients, m.length);
        if (!(learningRate > 0.0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        steps++;
        // powers from the step count alone, so a restored optimiser continues bit for bit
        final double stepSize = learningRate / (1.0 - Math.pow(beta1, steps));
        final double rootCorrection2 = Math.sqrt(1.0 - Math.pow(beta2, steps));
        final double b1 = beta1;
        final double b2 = beta2;
        for (int k = 0; k < parameters.length; k++) {
            double g = gradients[k];
            double mk = b1 * m[k] + (1.0 - b1) * g;
            double vk = b2 * v[k] + (1.0 - b2) * g * g;
            m[k] = mk;
            v[k] = vk;
            parameters[k] -= stepSize * mk / (Math.sqrt(vk) / rootCorrection2 + epsilon);
        }
    }
}
