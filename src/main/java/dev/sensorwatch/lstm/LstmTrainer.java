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
     * What a fit with a held-back part produced: the weights of the pass whose held-back loss was
     * lowest, every pass's mean training loss and held-back loss, and that pass's index.
     */
    public record HeldBackResult(LstmWeights weights, double[] epochLosses, double[] heldBackLosses, int bestEpoch) {

        /** The lowest held-back loss: the mean squared next-step error of the weights returned. */
        public double bestHeldBackLoss() {
            return heldBackLosses[bestEpoch];
        }
    }

    /**
     * Fits a cell with {@code channels} inputs to {@code series} (row-major, {@code channels}
     * values a row, at least two rows).
     *
     * @throws IllegalArgumentException if the series is too short, not whole rows, or not finite
     */
    public Result fit(double[] series, int channels) {
        int rows = checkSeries(series, channels);
        Fit fit = new Fit(LstmShape.of(channels, config.hiddenSize()), rows);
        double[] epochLosses = new double[config.epochs()];
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            epochLosses[epoch] = fit.pass(series, rows, learningRate(epoch));
        }
        return new Result(LstmWeights.fromBlocks(fit.parameters), epochLosses);
    }

    /**
     * Fits on the first {@code fitRows} rows of {@code series} and stops early on the rest, the
     * held-back rows: after each pass it measures the mean squared next-step error over the
     * held-back rows (the state carried in from the fit rows), keeps the weights of the best pass
     * and stops after {@code patience} passes in a row without a better one, or after the
     * configured number of passes. Deterministic, like {@link #fit}.
     *
     * @throws IllegalArgumentException if either part has fewer than two rows, or the series is
     *                                  not whole rows or not finite
     */
    public HeldBackResult fitWithHeldBack(double[] series, int channels, int fitRows, int patience) {
        int rows = checkSeries(series, channels);
        if (fitRows < 2 || rows - fitRows < 2) {
            throw new IllegalArgumentException("need at least 2 fit rows and 2 held-back rows, got "
                    + fitRows + " and " + (rows - fitRows));
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1 pass, got " + patience);
        }
        LstmShape shape = LstmShape.of(channels, config.hiddenSize());
        Fit fit = new Fit(shape, fitRows);
        double[] epochLosses = new double[config.epochs()];
        double[] heldBack = new double[config.epochs()];
        ParameterBlocks best = null;
        int bestEpoch = -1;
        int epoch = 0;
        for (; epoch < config.epochs() && epoch - bestEpoch <= patience; epoch++) {
            epochLosses[epoch] = fit.pass(series, fitRows, learningRate(epoch));
            LstmWeights weights = LstmWeights.fromBlocks(fit.parameters.copy());
            heldBack[epoch] = heldBackLoss(weights, series, channels, fitRows, rows);
            if (best == null || heldBack[epoch] < heldBack[bestEpoch]) {
                best = fit.parameters.copy();
                bestEpoch = epoch;
            }
        }
        return new HeldBackResult(LstmWeights.fromBlocks(best), Arrays.copyOf(epochLosses, epoch),
                Arrays.copyOf(heldBack, epoch), bestEpoch);
    }

    /** Mean squared next-step error of {@code weights} over rows {@code fitRows..rows-1}, the state run in over the rows before. */
    private static double heldBackLoss(LstmWeights weights, double[] series, int channels, int fitRows, int rows) {
        LstmCell.Workspace cell = new LstmCell(weights).newWorkspace();
        LstmState state = LstmState.zeros(weights.shape().hiddenSize());
        double[] x = new double[channels];
        double[] prediction = new double[channels];
        double sum = 0.0;
        for (int t = 0; t + 1 < rows; t++) {
            System.arraycopy(series, t * channels, x, 0, channels);
            cell.stepInPlace(x, state);
            if (t + 1 >= fitRows) {
                cell.predictInto(state, prediction);
                for (int d = 0; d < channels; d++) {
                    double e = prediction[d] - series[(t + 1) * channels + d];
                    sum += e * e;
                }
            }
        }
        return sum / ((double) (rows - fitRows) * channels);
    }

    private static int checkSeries(double[] series, int channels) {
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
        return rows;
    }

    /** The parameters being fitted and the scratch space of the passes over a series. */
    private final class Fit {

        final ParameterBlocks parameters;
        private final LstmGradients gradients;
        private final AdamOptimizer adam;
        private final int window;
        private final Bptt bptt;
        private final double[] h;
        private final double[] c;

        Fit(LstmShape shape, int rows) {
            parameters = LstmWeights.initialise(shape, config.seed()).parameters().copy();
            gradients = new LstmGradients(shape);
            adam = AdamOptimizer.forShape(shape);
            window = Math.min(config.window(), rows - 1);
            bptt = new Bptt(shape, window);
            h = new double[shape.hiddenSize()];
            c = new double[shape.hiddenSize()];
        }

        /** One pass of truncated BPTT over the first {@code rows} rows; returns its mean loss. */
        double pass(double[] series, int rows, double rate) {
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
            return lossSum / stepsSum;
        }
    }

    /** Cosine decay from the configured rate to a tenth of it over the passes. */
    private double learningRate(int epoch) {
        double progress = config.epochs() == 1 ? 0.0 : (double) epoch / (config.epochs() - 1);
        double floor = 0.1;
        return config.learningRate() * (floor + (1.0 - floor) * 0.5 * (1.0 + StrictMath.cos(Math.PI * progress)));
    }
}
