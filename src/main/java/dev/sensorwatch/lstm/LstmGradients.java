package dev.sensorwatch.lstm;

import java.util.Arrays;

/**
 * Gradients of a loss with respect to every parameter of an {@link LstmWeights}, in the same
 * flat layout ({@link LstmShape}). A mutable accumulator owned by one thread; {@link Bptt}
 * overwrites it.
 */
public final class LstmGradients {

    private final LstmShape shape;
    final double[] values;

    /** Returns zero gradients for a cell of {@code shape}. */
    public LstmGradients(LstmShape shape) {
        this.shape = shape;
        this.values = new double[shape.parameterCount()];
    }

    /** The sizes of the cell these gradients belong to. */
    public LstmShape shape() {
        return shape;
    }

    /** Returns a copy of all gradients in {@link LstmShape}'s layout. */
    public double[] copyValues() {
        return values.clone();
    }

    /** Gradient of the input weight from channel {@code input} to {@code unit} of {@code gate}. */
    public double inputWeight(Gate gate, int unit, int input) {
        return values[shape.inputWeightIndex(gate, unit, input)];
    }

    /** Gradient of the recurrent weight from unit {@code from} to {@code unit} of {@code gate}. */
    public double recurrentWeight(Gate gate, int unit, int from) {
        return values[shape.recurrentWeightIndex(gate, unit, from)];
    }

    /** Gradient of the bias of {@code unit} of {@code gate}. */
    public double bias(Gate gate, int unit) {
        return values[shape.biasIndex(gate, unit)];
    }

    /** Gradient of the readout weight from unit {@code unit} to output channel {@code channel}. */
    public double readoutWeight(int channel, int unit) {
        return values[shape.readoutWeightIndex(channel, unit)];
    }

    /** Gradient of the readout bias of output channel {@code channel}. */
    public double readoutBias(int channel) {
        return values[shape.readoutBiasIndex(channel)];
    }

    /** The Euclidean norm of all gradients together. */
    public double norm() {
        double sum = 0.0;
        for (double v : values) {
            sum += v * v;
        }
        return Math.sqrt(sum);
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
            double scale = maxNorm / norm;
            for (int k = 0; k < values.length; k++) {
                values[k] *= scale;
            }
        }
        return norm;
    }

    /** Sets every gradient to zero. */
    public void clearInPlace() {
        Arrays.fill(values, 0.0);
    }
}
