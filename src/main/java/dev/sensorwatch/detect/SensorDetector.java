package dev.sensorwatch.detect;

import dev.sensorwatch.lstm.LstmShape;
import dev.sensorwatch.lstm.LstmState;
import dev.sensorwatch.lstm.OnlineLstm;
import dev.sensorwatch.lstm.OnlineTrainer;
import java.util.Arrays;

/**
 * One sensor's detector. It starts knowing nothing and learns the sensor's normal behaviour
 * online. For each reading, in this order:
 *
 * <ol>
 *   <li><b>score</b> the reading against the prediction made at the previous reading: each
 *       channel's squared error over that channel's running mean squared error, summed over the
 *       {@code D} channels, is treated as a χ² variable with {@code D} degrees of freedom, and
 *       the score is its CDF: how unusual this error is next to the sensor's own past errors;
 *   <li><b>learn</b>: normalise the reading with the running statistics, append it to the
 *       learning window, take one Adam step of BPTT over the window (from the state at the
 *       window's start), and update the running statistics;
 *   <li><b>predict</b>: from the state the learning pass reached one row before the newest,
 *       step the updated cell over the newest reading to the new hidden and cell state, and keep
 *       the readout as the prediction of the next reading.
 * </ol>
 *
 * <p>No reading is learned from before it is scored, and the work per reading is bounded by the
 * window length. The same readings in the same order give bit-identical scores, whether the
 * detector stays in memory or is saved to a {@link DetectorState} and restored between readings.
 *
 * <p>Mutable; one thread at a time. Arithmetic runs through a per-thread {@link OnlineTrainer}
 * (see {@link Workspace}).
 */
public final class SensorDetector {

    /** One reading's squared error adds at most this many times the running error variance. */
    static final double ERROR_CAP = 100.0;
    /** Floor under a channel's standard deviation, relative to its mean's magnitude plus one. */
    static final double SIGMA_FLOOR = 1e-6;
    /** Normalised inputs are clamped to ±this before they reach the cell. */
    static final double INPUT_CLAMP = 10.0;
    /** Floor under a channel's error variance, relative to the channel's variance. */
    static final double ERROR_VAR_FLOOR = 1e-6;

    private final DetectorConfig config;
    private final int channels;
    private final OnlineLstm model;
    private long readings;
    private long lastEventTime;
    private final double[] mean;
    private final double[] var;
    private int windowRows;
    private final double[] window;
    private final LstmState start;
    private final LstmState live;
    private final double[] prediction;
    private final double[] errorVar;
    private long errorCount;

    private SensorDetector(DetectorConfig config, int channels, OnlineLstm model, LstmState start,
                           LstmState live) {
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
        this.errorVar = new double[channels];
        this.lastEventTime = Long.MIN_VALUE;
    }

    /**
     * Returns a detector for a sensor with {@code channels} channels that has seen nothing yet.
     *
     * @throws IllegalArgumentException if {@code channels} is not positive
     */
    public static SensorDetector fresh(DetectorConfig config, int channels) {
        LstmShape shape = LstmShape.of(channels, config.hiddenSize());
        return new SensorDetector(config, channels, OnlineLstm.initialise(shape, config.seed()),
                LstmState.zeros(config.hiddenSize()), LstmState.zeros(config.hiddenSize()));
    }

    /**
     * Returns a detector continuing from {@code state} exactly where it left off.
     *
     * @throws IllegalArgumentException if {@code state} does not fit {@code config}
     */
    public static SensorDetector restore(DetectorConfig config, DetectorState state) {
        int d = state.channels();
        LstmShape expected = LstmShape.of(d, config.hiddenSize());
        if (!state.weights().shape().equals(expected)) {
            throw new IllegalArgumentException("stored detector has weights for " + state.weights().shape()
                    + " but this configuration needs " + expected);
        }
        if (state.window().length != config.windowRows() * d) {
            throw new IllegalArgumentException("stored detector has a window of " + state.window().length / d
                    + " rows but this configuration uses " + config.windowRows());
        }
        SensorDetector detector = new SensorDetector(config, d,
                OnlineLstm.restore(state.weights(), state.adamFirstMoment(), state.adamSecondMoment(),
                        state.adamSteps()),
                LstmState.of(state.startHidden(), state.startCell()),
                LstmState.of(state.hidden(), state.cell()));
        detector.readings = state.readings();
        detector.lastEventTime = state.lastEventTime();
        copy("normalizer mean", state.normalizerMean(), detector.mean);
        copy("normalizer variance", state.normalizerVar(), detector.var);
        detector.windowRows = state.windowRows();
        System.arraycopy(state.window(), 0, detector.window, 0, detector.window.length);
        copy("prediction", state.prediction(), detector.prediction);
        copy("error variance", state.errorVar(), detector.errorVar);
        detector.errorCount = state.errorCount();
        return detector;
    }

    /** Returns everything this detector remembers, as fresh arrays. */
    public DetectorState snapshot() {
        return new DetectorState(channels, readings, lastEventTime, mean.clone(), var.clone(),
                windowRows, window.clone(), start.copyHidden(), start.copyCell(),
                live.copyHidden(), live.copyCell(), prediction.clone(), errorVar.clone(), errorCount,
                model.weights(), model.copyFirstMoment(), model.copySecondMoment(), model.updates());
    }

    /** Number of channels of this sensor's readings. */
    public int channels() {
        return channels;
    }

    /** Readings learned from so far. */
    public long readings() {
        return readings;
    }

    /** Event time of the last accepted reading, or {@link Long#MIN_VALUE} before the first. */
    public long lastEventTime() {
        return lastEventTime;
    }

    /**
     * Says why a reading cannot be scored by this detector, or {@code null} if it can.
     */
    public Rejection check(long eventTime, double[] values) {
        if (values.length != channels) {
            return Rejection.CHANNEL_MISMATCH;
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return Rejection.NON_FINITE;
            }
        }
        if (readings > 0 && eventTime <= lastEventTime) {
            return Rejection.OUT_OF_ORDER;
        }
        return null;
    }

    /**
     * Scores a reading, then learns from it and predicts the next one.
     *
     * @throws IllegalArgumentException if {@link #check} rejects the reading
     */
    public Score process(long eventTime, double[] values, Workspace workspace) {
        Rejection rejection = check(eventTime, values);
        if (rejection != null) {
            throw new IllegalArgumentException("reading at " + eventTime + " rejected: " + rejection.code());
        }
        OnlineTrainer trainer = workspace.trainerFor(model.shape(), config);

        // 1. score against the prediction made at the previous reading
        double[] shares = new double[channels];
        double[] predicted = prediction.clone();
        double rms = Double.NaN;
        double score = 0.0;
        if (!Double.isNaN(prediction[0])) {
            double standardised = 0.0;
            double normalised = 0.0;
            for (int d = 0; d < channels; d++) {
                double e = values[d] - prediction[d];
                double scaled = e / sigma(d);
                normalised += scaled * scaled;
                shares[d] = errorCount == 0 ? e * e : e * e / errorVar[d];
                standardised += shares[d];
            }
            rms = Math.sqrt(normalised / channels);
            for (int d = 0; d < channels; d++) {
                shares[d] = standardised > 0.0 ? shares[d] / standardised : 1.0 / channels;
            }
            if (readings >= config.warmupReadings() && errorCount > 1) {
                score = chiSquareCdf(standardised, channels);
            }
            errorCount++;
            double alpha = Math.max(1.0 / errorCount, 1.0 / config.errorHorizon());
            for (int d = 0; d < channels; d++) {
                double e = values[d] - prediction[d];
                double square = errorCount > 1 ? Math.min(e * e, ERROR_CAP * errorVar[d]) : e * e;
                errorVar[d] += alpha * (square - errorVar[d]);
                errorVar[d] = Math.max(errorVar[d], ERROR_VAR_FLOOR * sigma(d) * sigma(d));
            }
        } else {
            Arrays.fill(shares, 1.0 / channels);
        }
        Score result = new Score(eventTime, values.clone(), predicted,
                rms, score, score >= config.threshold(), shares, readings);

        // 2. learn: normalise with the statistics before this reading, slide the window, update
        int rows = config.windowRows();
        if (windowRows == rows) {
            trainer.stepInPlace(model, window, 0, start);
            System.arraycopy(window, channels, window, 0, (rows - 1) * channels);
            windowRows--;
        }
        int row = windowRows * channels;
        for (int d = 0; d < channels; d++) {
            double z = readings == 0 ? 0.0 : (values[d] - mean[d]) / sigma(d);
            window[row + d] = Math.max(-INPUT_CLAMP, Math.min(INPUT_CLAMP, z));
        }
        windowRows++;
        if (windowRows >= 2) {
            trainer.learnInPlace(model, start, window, windowRows);
        }
        readings++;
        lastEventTime = eventTime;
        double alpha = Math.max(1.0 / readings, 1.0 / config.normalizerHorizon());
        for (int d = 0; d < channels; d++) {
            double delta = values[d] - mean[d];
            mean[d] += alpha * delta;
            var[d] = (1.0 - alpha) * (var[d] + alpha * delta * delta);
        }

        // 3. predict the next reading: the trained trajectory, then the newest row with the updated cell
        if (windowRows >= 2) {
            trainer.copyLearnedStateInto(live);
        } else {
            live.setInPlace(start);
        }
        trainer.stepInPlace(model, window, windowRows - 1, live);
        trainer.predictInto(model, live, prediction);
        for (int d = 0; d < channels; d++) {
            prediction[d] = mean[d] + prediction[d] * sigma(d);
        }
        return result;
    }

    /**
     * {@code P(χ²_k ≤ x)} by the Wilson–Hilferty cube-root normal approximation: monotone in
     * {@code x}, exact in the limit of many channels and within about 0.01 for one.
     */
    static double chiSquareCdf(double x, int k) {
        double v = 2.0 / (9.0 * k);
        double z = (Math.cbrt(x / k) - (1.0 - v)) / Math.sqrt(v);
        return Gaussian.cdf(z);
    }

    private double sigma(int d) {
        return Math.sqrt(var[d]) + SIGMA_FLOOR * (1.0 + Math.abs(mean[d]));
    }

    private static void copy(String what, double[] from, double[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("stored " + what + " has " + from.length
                    + " values, expected " + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }

    /**
     * The per-thread scratch space of detectors: one {@link OnlineTrainer} per channel count,
     * created on first use and reused for every later reading.
     */
    public static final class Workspace {

        private OnlineTrainer[] trainers = new OnlineTrainer[0];

        OnlineTrainer trainerFor(LstmShape shape, DetectorConfig config) {
            int d = shape.inputSize();
            if (d >= trainers.length) {
                trainers = Arrays.copyOf(trainers, d + 1);
            }
            OnlineTrainer trainer = trainers[d];
            if (trainer == null) {
                trainer = new OnlineTrainer(shape, config.windowRows(), config.learningRate(), config.clipNorm());
                trainers[d] = trainer;
            }
            return trainer;
        }
    }
}
