package dev.sensorwatch.lstm;

import java.util.Arrays;


/**
 * An LSTM that keeps learning: its parameters change with every update, together with the Adam
 * moments that drive them. One per sensor; mutable and owned by whoever processes that sensor.
 * The arithmetic runs through an {@link OnlineTrainer}, one per thread.
 */
public final class OnlineLstm {

    private final LstmShape shape;
    final ParameterBlocks parameters;
    final AdamOptimizer adam;

    private OnlineLstm(LstmShape shape, ParameterBlocks parameters, AdamOptimizer adam) {
        this.shape = shape;
        this.parameters = parameters;
        this.adam = adam;
    }

    /** Returns a fresh model with {@link LstmWeights#initialise} weights and zero moments. */
    public static OnlineLstm initialise(LstmShape shape, long seed) {
        return new OnlineLstm(shape, LstmWeights.initialise(shape, seed).parameters().copy(),
                AdamOptimizer.forShape(shape));
    }

    /**
     * Returns a model resuming from saved weights and Adam moments (copied).
     *
     * @throws IllegalArgumentException if the moments do not match the weights
     */
    public static OnlineLstm restore(LstmWeights weights, double[] firstMoment, double[] secondMoment,
                                     long steps) {
        return new OnlineLstm(weights.shape(), weights.parameters().copy(),
                AdamOptimizer.restore(weights.shape(), firstMoment, secondMoment, steps));
    }

    /** The sizes of the model. */
    public LstmShape shape() {
        return shape;
    }

    /** A snapshot of the current weights. */
    public LstmWeights weights() {
        return LstmWeights.fromBlocks(parameters);
    }

    /** Returns a copy of Adam's first-moment estimates. */
    public double[] copyFirstMoment() {
        return adam.copyFirstMoment();
    }

    /** Returns a copy of Adam's second-moment estimates. */
    public double[] copySecondMoment() {
        return adam.copySecondMoment();
    }

    /** Number of updates applied so far. */
    public long updates() {
        return adam.steps();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OnlineLstm that
                && shape.equals(that.shape)
                && parameters.equalsValues(that.parameters)
                && adam.steps() == that.adam.steps()
                && Arrays.equals(adam.copyFirstMoment(), that.adam.copyFirstMoment())
                && Arrays.equals(adam.copySecondMoment(), that.adam.copySecondMoment());
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + parameters.hashValues();
    }
}
