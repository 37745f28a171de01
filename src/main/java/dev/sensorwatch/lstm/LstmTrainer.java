package dev.sensorwatch.lstm;

import java.util.Arrays;

/**
 * Fits a cell to a series by next-step prediction: truncated BPTT over consecutive windows, the
 * state carried from one window into the next, each window's gradient clipped and applied by
 * Adam. Deterministic: the same series and {@link TrainerConfig} give bit-identical weights.
 */
public final class LstmTrainer {

    private final TrainerConfig config;

    /** Returns a trainer with {@code config}. */
    public LstmTrainer(TrainerConfig config) {
        this.config = config;
    }

    /** What a fit produced: the weights and the mean training loss of every pass. */
    public record Result(LstmWeights weights, double[] epochLosses) {

        /** The mean training loss of the last pass. */
        public double finalLoss() {
            return epochLosses[epochLosses.length - 1];
        }
    }

    /**
     * Fits a cell with {@code channels} inputs to {@code series} (row-major, {@code channels}
     * values a row, at least two rows).
     *
     * @throws IllegalArgumentException if the series is too short, not whole rows, or not finite
     */
    public Result fit(double[] series, int channels) {
        LstmShape shape = LstmShape.of(channels, config.hiddenSize());
        if (series.length % channels != 0) {
            throw new IllegalArgumentException("series of " + series.length
                    + " values is not a whole number of rows of " + channels);
        }
        int rows = series.length / channels;
        if (rows < 2) {
            throw new IllegalArgumentException("need at least 2 rows to learn next-step prediction, got " + rows);
        }
        for (int k = 0; k < series.length; k++) {
            if (!Double.isFinite(series[k])) {
                throw new IllegalArgumentException("series value " + k + " is " + series[k]);
            }
        }

        ParameterBlocks parameters = LstmWeights.initialise(shape, config.seed()).parameters().copy();
        LstmGradients gradients = new LstmGradients(shape);
        AdamOptimizer adam = AdamOptimizer.forShape(shape);
        int window = Math.min(config.window(), rows - 1);
        Bptt bptt = new Bptt(shape, window);
        double[] h = new double[shape.hiddenSize()];
        double[] c = new double[shape.hiddenSize()];
        double[] epochLosses = new double[config.epochs()];

        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            double rate = learningRate(epoch);
            Arrays.fill(h, 0.0);
            Arrays.fill(c, 0.0);
            double lossSum = 0.0;
            int stepsSum = 0;
            for (int start = 0; start + 1 < rows; start += window) {
                int steps = Math.min(window, rows - 1 - start);
                double loss = bptt.run(parameters, h, c, series, start, steps, 0, gradients.values);
                lossSum += loss * steps;
                stepsSum += steps;
                gradients.clipNormInPlace(config.clipNorm());
                bptt.copyFinalStateInto(h, c);
                adam.stepInPlace(parameters, gradients.values, rate);
            }
            epochLosses[epoch] = lossSum / stepsSum;
        }
        return new Result(LstmWeights.fromBlocks(parameters), epochLosses);
    }

    /** Cosine decay from the configured rate to a tenth of it over the passes. */
    private double learningRate(int epoch) {
        double progress = config.epochs() == 1 ? 0.0 : (double) epoch / (config.epochs() - 1);
        double floor = 0.1;
        return config.learningRate() * (floor + (1.0 - floor) * 0.5 * (1.0 + StrictMath.cos(Math.PI * progress)));
    }
}
