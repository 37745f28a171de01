package dev.sensorwatch.detect;

import dev.sensorwatch.lstm.LstmShape;
import dev.sensorwatch.lstm.LstmState;
import dev.sensorwatch.lstm.OnlineLstm;
import dev.sensorwatch.lstm.OnlineTrainer;
import java.util.Arrays;

/**
 * The LSTM member: an LSTM cell learning online, one Adam/BPTT step every
 * {@link DetectorConfig#updateEvery} readings over a window of recent rows, to predict the change
 * from one reading to the next (inputs and targets are the differences between consecutive
 * readings, normalised per channel by running statistics). Between learning steps the cell only
 * advances by the newest row.
 */
final class LstmMember implements Predictor {


    private final DetectorConfig config;
    private final int channels;
    private final OnlineLstm model;
    private final double[] mean;
    private final double[] var;
    private int windowRows;
    private final double[] window;
    private final LstmState start;
    private final LstmState live;
    private final double[] prediction;

    private LstmMember(DetectorConfig config, int channels, OnlineLstm model, LstmState start, LstmState live) {
        this.config = config;
        this.channels = channels;
        this.model = model;
        this.mean = new double[channels];
        this.var = new double[channels];
        this.window = new double[config.windowRows() * channels];
        this.start = start;
        this.live = live;
        this.prediction = new double[channels];
        Arrays.fill(prediction, Double.NaN);
    }

    /** A member that has learned nothing, its weights drawn from {@code config}'s seed. */
    static LstmMember fresh(DetectorConfig config, int channels) {
        LstmShape shape = LstmShape.of(channels, config.hiddenSize());
        return new LstmMember(config, channels, OnlineLstm.initialise(shape, config.seed()),
                LstmState.zeros(config.hiddenSize()), LstmState.zeros(config.hiddenSize()));
    }

    /**
     * A member continuing from {@code stored}.
     *
     * @throws IllegalArgumentException if {@code stored} does not fit {@code config}
     */
    static LstmMember restore(DetectorConfig config, int channels, DetectorState.Lstm stored) {
        LstmShape expected = LstmShape.of(channels, config.hiddenSize());
        if (!stored.weights().shape().equals(expected)) {
            throw new IllegalArgumentException("stored detector has weights for " + stored.weights().shape()
                    + " but this configuration needs " + expected);
        }
        if (stored.window().length != config.windowRows() * channels) {
            throw new IllegalArgumentException("stored detector has a window of " + stored.window().length / channels
                    + " rows but this configuration uses " + config.windowRows());
        }
        if (stored.windowRows() < 0 || stored.windowRows() > config.windowRows()) {
            throw new IllegalArgumentException("stored detector holds " + stored.windowRows()
                    + " window rows, at most " + config.windowRows() + " fit");
        }
        LstmMember member = new LstmMember(config, channels,
                OnlineLstm.restore(stored.weights(), stored.adamFirstMoment(), stored.adamSecondMoment(),
                        stored.adamSteps()),
                LstmState.of(stored.startHidden(), stored.startCell()), LstmState.of(stored.hidden(), stored.cell()));
        SensorDetector.copy("normalizer mean", stored.normalizerMean(), member.mean);
        SensorDetector.copy("normalizer variance", stored.normalizerVar(), member.var);
        member.windowRows = stored.windowRows();
        System.arraycopy(stored.window(), 0, member.window, 0, member.window.length);
        SensorDetector.copy("prediction", stored.prediction(), member.prediction);
        return member;
    }

    /** Everything this member remembers, as fresh arrays. */
    DetectorState.Lstm snapshot() {
        return new DetectorState.Lstm(mean.clone(), var.clone(), windowRows, window.clone(), start.copyHidden(),
                start.copyCell(), live.copyHidden(), live.copyCell(), prediction.clone(), model.weights(),
                model.copyFirstMoment(), model.copySecondMoment(), model.updates());
    }

    LstmShape shape() {
        return model.shape();
    }

    @Override
    public void predictInto(long eventTime, double[] into) {
        System.arraycopy(prediction, 0, into, 0, channels);
    }

    /**
     * The member's step, from the second reading on: normalise the change from the last reading
     * with the statistics before it, slide it into the window; at every
     * {@link DetectorConfig#updateEvery}-th change take one Adam step over the window and restart
     * the live cell from the state the step's forward pass reached before the newest row (else it
     * keeps its state); then step the cell over the newest row and keep the readout, denormalised
     * and added to this reading, as the prediction of the next reading.
     */
    @Override
    public void learn(long before, long eventTime, double[] previous, double[] learned,
                      SensorDetector.Workspace workspace) {
        if (before == 0) {
            return;
        }
        OnlineTrainer trainer = workspace.trainerFor(model.shape(), config);
        long differences = before - 1;
        int rows = config.windowRows();
        if (windowRows == rows) {
            trainer.stepInPlace(model, window, 0, start);
            System.arraycopy(window, channels, window, 0, (rows - 1) * channels);
            windowRows--;
        }
        int row = windowRows * channels;
        for (int d = 0; d < channels; d++) {
            double change = learned[d] - previous[d];
            double z = differences == 0 ? 0.0 : (change - mean[d]) / sigma(d);
            window[row + d] = Math.max(-Tuning.INPUT_CLAMP, Math.min(Tuning.INPUT_CLAMP, z));
        }
        windowRows++;
        boolean learns = windowRows >= 2 && differences % config.updateEvery() == 0;
        if (learns) {
            trainer.learnInPlace(model, start, window, windowRows);
        }
        double alpha = Math.max(1.0 / (differences + 1), 1.0 / config.normalizerHorizon());
        for (int d = 0; d < channels; d++) {
            double delta = learned[d] - previous[d] - mean[d];
            mean[d] += alpha * delta;
            var[d] = (1.0 - alpha) * (var[d] + alpha * delta * delta);
        }
        if (learns) {
            trainer.copyLearnedStateInto(live);
        } else if (windowRows == 1) {
            live.setInPlace(start);
        }
        trainer.stepInPlace(model, window, windowRows - 1, live);
        trainer.predictInto(model, live, prediction);
        for (int d = 0; d < channels; d++) {
            prediction[d] = learned[d] + mean[d] + prediction[d] * sigma(d);
        }
    }

    /** Channel {@code d}'s running standard deviation of the changes, floored: the unit of the ensemble's errors. */
    double sigma(int d) {
        return Math.sqrt(var[d]) + Tuning.SIGMA_FLOOR * (1.0 + Math.abs(mean[d]));
    }
}
