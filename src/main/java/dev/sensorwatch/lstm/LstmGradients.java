package dev.sensorwatch.lstm;

/**
 * Gradients of a loss with respect to every parameter of an {@link LstmWeights}, in the same
 * flat layout ({@link LstmShape}). A mutable accumulator owned by one thread; {@link Bptt}
 * overwrites it.
 */
public final class LstmGradients {

    private final LstmShape shape;
    final ParameterBlocks values;

    /** Returns zero gradients for a cell of {@code shape}. */
    public LstmGradients(LstmShape shape) {
        this.shape = shape;
        this.values = ParameterBlocks.zeros(shape);
    }

    /** The sizes of the cell these gradients belong to. */
    public LstmShape shape() {
        return shape;
    }

    /** Returns a copy of all gradients in {@link LstmShape}'s flat layout. */
    public double[] copyValues() {
        return values.toFlat();
    }

    /** Sets the gradient at flat index {@code index}. */
    public void setInPlace(int index, double value) {
        values.set(index, value);
    }

    /** Gradient of the input weight from channel {@code input} to {@code unit} of {@code gate}. */
    public double inputWeight(Gate gate, int unit, int input) {
        return values.get(shape.inputWeightIndex(gate, unit, input));
    }

    /** Gradient of the recurrent weight from unit {@code from} to {@code unit} of {@code gate}. */
    public double recurrentWeight(Gate gate, int unit, int from) {
        return values.get(shape.recurrentWeightIndex(gate, unit, from));
    }

    /** Gradient of the bias of {@code unit} of {@code gate}. */
    public double bias(Gate gate, int unit) {
        return values.get(shape.biasIndex(gate, unit));
    }

    /** Gradient of the readout weight from unit {@code unit} to output channel {@code channel}. */
    public double readoutWeight(int channel, int unit) {
        return values.get(shape.readoutWeightIndex(channel, unit));
    }

    /** Gradient of the readout bias of output channel {@code channel}. */
    public double readoutBias(int channel) {
        return values.get(shape.readoutBiasIndex(channel));
    }

    /** The Euclidean norm of all gradients together. */
    public double norm() {
        return Math.sqrt(values.sumOfSquares());
    }

    /**
     * Scales all gradients down so that their joint norm is at most {@code maxNorm}; leaves them
     * unchanged if it already is.
     *
     * @return the norm before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is not positive
     */
    public double clipNormInPlace(double maxNorm) {
        if (!(maxNorm > 0.0)) {
            throw new IllegalArgumentException("gradient clip norm must be positive, got " + maxNorm);
        }
        double norm = norm();
        if (norm > maxNorm) {
            values.scale(maxNorm / norm);
        }
        return norm;
    }

    /** Sets every gradient to zero. */
    public void clearInPlace() {
        values.clear();
    }
}
