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
 * The bias corrections are computed from the step count alone, so an optimiser restored from its
 * moments and count continues bit for bit.
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
    private final double[][] m;
    private final double[][] v;
    private final int parameterCount;
    private long steps;

    private AdamOptimizer(int[] blockSizes, double beta1, double beta2, double epsilon) {
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
        this.m = new double[blockSizes.length][];
        this.v = new double[blockSizes.length][];
        int count = 0;
        for (int b = 0; b < blockSizes.length; b++) {
            m[b] = new double[blockSizes[b]];
            v[b] = new double[blockSizes[b]];
            count += blockSizes[b];
        }
        this.parameterCount = count;
    }

    /** Returns an optimiser for a flat vector of {@code parameterCount} parameters. */
    public AdamOptimizer(int parameterCount) {
        this(new int[] {parameterCount}, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /**
     * Returns an optimiser for a flat vector with the given decays.
     *
     * @throws IllegalArgumentException if a decay is outside [0, 1) or {@code epsilon ≤ 0}
     */
    public AdamOptimizer(int parameterCount, double beta1, double beta2, double epsilon) {
        this(new int[] {parameterCount}, beta1, beta2, epsilon);
    }

    /** An optimiser for the parameters of cells of {@code shape}, in their block layout. */
    static AdamOptimizer forShape(LstmShape shape) {
        return new AdamOptimizer(ParameterBlocks.blockSizes(shape), DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /**
     * Returns an optimiser for cells of {@code shape} resuming from saved moments (flat layout,
     * as {@link #copyFirstMoment()} gives them) and step count.
     *
     * @throws IllegalArgumentException if a moment has the wrong length or {@code steps < 0}
     */
    static AdamOptimizer restore(LstmShape shape, double[] firstMoment, double[] secondMoment, long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("Adam step count must not be negative, got " + steps);
        }
        LstmShape.checkLength("Adam first moment for " + shape, firstMoment, shape.parameterCount());
        LstmShape.checkLength("Adam second moment for " + shape, secondMoment, shape.parameterCount());
        AdamOptimizer adam = forShape(shape);
        int at = 0;
        for (int b = 0; b < adam.m.length; b++) {
            System.arraycopy(firstMoment, at, adam.m[b], 0, adam.m[b].length);
            System.arraycopy(secondMoment, at, adam.v[b], 0, adam.v[b].length);
            at += adam.m[b].length;
        }
        adam.steps = steps;
        return adam;
    }

    /** Returns a flat copy of the first-moment estimates. */
    public double[] copyFirstMoment() {
        return flat(m);
    }

    /** Returns a flat copy of the second-moment estimates. */
    public double[] copySecondMoment() {
        return flat(v);
    }

    /** Number of parameters this optimiser updates. */
    public int parameterCount() {
        return parameterCount;
    }

    /** Number of updates applied so far. */
    public long steps() {
        return steps;
    }

    /**
     * Applies one update with step size {@code learningRate} to a flat parameter vector.
     *
     * @throws IllegalArgumentException on a length mismatch, a non-positive learning rate, or an
     *                                  optimiser made for block-structured parameters
     */
    public void stepInPlace(double[] parameters, double[] gradients, double learningRate) {
        if (m.length != 1) {
            throw new IllegalArgumentException("this optimiser updates cell parameters in blocks, not a flat vector");
        }
        LstmShape.checkLength("parameter vector", parameters, parameterCount);
        LstmShape.checkLength("gradient vector", gradients, parameterCount);
        update(new double[][] {parameters}, new double[][] {gradients}, learningRate);
    }

    /** Applies one update to the parameters of a cell. */
    void stepInPlace(ParameterBlocks parameters, ParameterBlocks gradients, double learningRate) {
        if (parameters.blocks.length != m.length || gradients.blocks.length != m.length) {
            throw new IllegalArgumentException("parameters are for " + parameters.shape
                    + ", this optimiser holds " + m.length + " blocks");
        }
        update(parameters.blocks, gradients.blocks, learningRate);
    }

    private void update(double[][] parameters, double[][] gradients, double learningRate) {
        if (!(learningRate > 0.0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        steps++;
        final double stepSize = learningRate / (1.0 - StrictMath.pow(beta1, steps));
        final double rootCorrection2 = Math.sqrt(1.0 - StrictMath.pow(beta2, steps));
        final double b1 = beta1;
        final double b2 = beta2;
        final double eps = epsilon;
        for (int b = 0; b < parameters.length; b++) {
            final double[] p = parameters[b];
            final double[] g = gradients[b];
            final double[] mb = m[b];
            final double[] vb = v[b];
            for (int k = 0; k < p.length; k++) {
                double gk = g[k];
                double mk = b1 * mb[k] + (1.0 - b1) * gk;
                double vk = b2 * vb[k] + (1.0 - b2) * gk * gk;
                mb[k] = mk;
                vb[k] = vk;
                p[k] -= stepSize * mk / (Math.sqrt(vk) / rootCorrection2 + eps);
            }
        }
    }

    private double[] flat(double[][] blocks) {
        double[] flat = new double[parameterCount];
        int at = 0;
        for (double[] block : blocks) {
            System.arraycopy(block, 0, flat, at, block.length);
            at += block.length;
        }
        return flat;
    }
}
