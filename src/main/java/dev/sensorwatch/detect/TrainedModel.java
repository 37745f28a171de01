package dev.sensorwatch.detect;

import dev.sensorwatch.lstm.LstmCell;
import dev.sensorwatch.lstm.LstmState;
import dev.sensorwatch.lstm.LstmTrainer;
import dev.sensorwatch.lstm.LstmWeights;
import dev.sensorwatch.lstm.TrainerConfig;
import java.util.Arrays;
import java.util.Set;
import org.ojalgo.matrix.decomposition.Cholesky;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * What a sensor's detector learned from its training period ({@link TrainingPeriod}): a
 * predictor of the next reading, the joint behaviour of its prediction errors and of its
 * readings, and the calibration that turns both into scores. Immutable.
 *
 * <p>{@link #fit} works in four visible steps on the buffered training readings, the last
 * {@value Tuning#HELD_BACK_PERCENT}% of which are held back:
 *
 * <ol>
 *   <li><b>normalise</b> each channel by its mean and standard deviation over the fit part;
 *   <li><b>train</b> an LSTM over all {@code D} channels to predict all {@code D}: several passes
 *       of truncated BPTT with Adam ({@link LstmTrainer#fitWithHeldBack}), stopped early on the
 *       held-back part, for each hidden size of {@link Tuning#HIDDEN_SIZES}; the predictor kept is the
 *       one with the lowest held-back error among those LSTMs and the last value (an LSTM that
 *       cannot beat "the next reading equals this one" is not used);
 *   <li><b>learn the joint behaviour</b>: the mean and covariance of the predictor's error vector
 *       over the held-back part, and of the readings over the fit part, each with a small ridge
 *       ({@value Tuning#RIDGE} of its mean variance) so that no direction counts as impossible;
 *   <li><b>calibrate</b>: run the two statistics of {@link HistoryDetector} over the
 *       held-back part and estimate, per statistic, the level a normal reading exceeds with
 *       probability {@value Tuning#TAIL_PROBABILITY} ({@link TailLevel}).
 * </ol>
 *
 * <p>Deterministic: the same readings give the same model, bit for bit.
 */
public final class TrainedModel {


    /** Which predictor the model uses. */
    public enum Predictor {
        /** The LSTM trained on the training period. */
        LSTM,
        /** The last reading: kept when no trained LSTM predicts the held-back readings better. */
        LAST_VALUE
    }

    final int channels;
    final double[] mean;
    final double[] sd;
    /** Mean and standard deviation of the normalised reading-to-reading changes, per channel (the LSTM's units). */
    final double[] changeMean;
    final double[] changeSd;
    final Predictor predictor;
    /** The trained LSTM's weights; null for {@link Predictor#LAST_VALUE}. */
    final LstmWeights weights;
    final double[] errorMean;
    /** Inverse of the error covariance, row-major D × D. */
    final double[] errorPrecision;
    final double[] stateMean;
    final double[] statePrecision;
    /** Calibrated levels of the sustained error and the state distance. */
    final double sustainedLevel;
    final double stateLevel;
    final int trainingReadings;
    final double lstmHeldBackError;
    final double lastValueHeldBackError;
    /**
     * Per channel, the flat line's level ({@link #flatLevels}): the run of repeats a continuous
     * channel reaches with probability {@value Tuning#TAIL_PROBABILITY}; 0 for a channel not judged.
     */
    final double[] flatLevels;

    private TrainedModel(int channels, double[] mean, double[] sd, double[] changeMean, double[] changeSd,
                         Predictor predictor, LstmWeights weights,
                         double[] errorMean, double[] errorPrecision, double[] stateMean, double[] statePrecision,
                         double sustainedLevel, double stateLevel, int trainingReadings, double lstmHeldBackError,
                         double lastValueHeldBackError, double[] flatLevels) {
        this.channels = channels;
        this.mean = mean;
        this.sd = sd;
        this.changeMean = changeMean;
        this.changeSd = changeSd;
        this.predictor = predictor;
        this.weights = weights;
        this.errorMean = errorMean;
        this.errorPrecision = errorPrecision;
        this.stateMean = stateMean;
        this.statePrecision = statePrecision;
        this.sustainedLevel = sustainedLevel;
        this.stateLevel = stateLevel;
        this.trainingReadings = trainingReadings;
        this.lstmHeldBackError = lstmHeldBackError;
        this.lastValueHeldBackError = lastValueHeldBackError;
        this.flatLevels = flatLevels;
    }

    /**
     * Per channel of the {@code rows} readings, the flat line's level ({@link FlatLineSignal}): for
     * a channel none of whose readings repeated the one before exactly (a continuous measurement),
     * the run of repeats it reaches with probability {@value Tuning#TAIL_PROBABILITY} after
     * {@code rows - 1} readings without one; 0 for a channel that repeated values, which the flat
     * line does not judge.
     */
    static double[] flatLevels(double[] readings, int rows, int d) {
        double[] levels = new double[d];
        for (int c = 0; c < d; c++) {
            boolean repeats = false;
            for (int t = 1; t < rows && !repeats; t++) {
                repeats = readings[t * d + c] == readings[(t - 1) * d + c];
            }
            levels[c] = repeats ? 0.0 : FlatLineSignal.level(rows - 1);
        }
        return levels;
    }

    /** This model as plain values, for storing. */
    DetectorState.Model toState() {
        return new DetectorState.Model(mean.clone(), sd.clone(), changeMean.clone(), changeSd.clone(), weights,
                errorMean.clone(), errorPrecision.clone(), stateMean.clone(), statePrecision.clone(),
                new double[] {sustainedLevel, stateLevel}, trainingReadings,
                new double[] {lstmHeldBackError, lastValueHeldBackError}, flatLevels.clone());
    }

    /**
     * The model a stored state holds.
     *
     * @throws IllegalArgumentException naming the field whose size does not fit {@code channels}
     */
    static TrainedModel fromState(int channels, DetectorState.Model m) {
        int d = channels;
        check("mean", m.mean(), d);
        check("sd", m.sd(), d);
        check("changeMean", m.changeMean(), d);
        check("changeSd", m.changeSd(), d);
        check("errorMean", m.errorMean(), d);
        check("errorPrecision", m.errorPrecision(), d * d);
        check("stateMean", m.stateMean(), d);
        check("statePrecision", m.statePrecision(), d * d);
        check("levels", m.levels(), 2);
        check("heldBackErrors", m.heldBackErrors(), 2);
        double[] flat = m.flatLevels().length == 0 ? new double[d] : m.flatLevels();
        check("flatLevels", flat, d);
        if (m.weights() != null && m.weights().shape().inputSize() != d) {
            throw new IllegalArgumentException("trained weights are for " + m.weights().shape() + ", the sensor has "
                    + d + " channels");
        }
        return new TrainedModel(d, m.mean(), m.sd(), m.changeMean(), m.changeSd(),
                m.weights() == null ? Predictor.LAST_VALUE : Predictor.LSTM, m.weights(), m.errorMean(),
                m.errorPrecision(), m.stateMean(), m.statePrecision(), m.levels()[0], m.levels()[1],
                m.trainingReadings(), m.heldBackErrors()[0], m.heldBackErrors()[1], flat);
    }

    static void check(String field, double[] values, int expected) {
        if (values.length != expected) {
            throw new IllegalArgumentException("stored " + field + " has " + values.length + " values, expected " + expected);
        }
    }

    /** The predictor kept. */
    public Predictor predictor() {
        return predictor;
    }

    /** Hidden size of the LSTM kept, 0 when the last value was kept. */
    public int hiddenSize() {
        return weights == null ? 0 : weights.shape().hiddenSize();
    }

    /** Readings the model was trained and calibrated on. */
    public int trainingReadings() {
        return trainingReadings;
    }

    /** Mean squared held-back error of the best LSTM, in normalised units. */
    public double lstmHeldBackError() {
        return lstmHeldBackError;
    }

    /** Mean squared held-back error of the last value, in normalised units. */
    public double lastValueHeldBackError() {
        return lastValueHeldBackError;
    }

    /**
     * Trains and calibrates a model on {@code rows} readings of {@code channels} channels
     * ({@code readings}, row-major, oldest first).
     *
     * @throws IllegalArgumentException if there are fewer than {@link Tuning#MIN_TRAINING_READINGS} rows
     */
    public static TrainedModel fit(double[] readings, int rows, int channels, long seed) {
        return fit(readings, rows, channels, seed, Member.all());
    }

    /**
     * As {@link #fit(double[], int, int, long)}, choosing the predictor only among
     * {@code members} ({@link Member#LSTM}, {@link Member#LAST_VALUE}; others are ignored).
     *
     * @throws IllegalArgumentException if neither is among {@code members}
     */
    public static TrainedModel fit(double[] readings, int rows, int channels, long seed, Set<Member> members) {
        boolean useLstm = members.contains(Member.LSTM);
        boolean useLast = members.contains(Member.LAST_VALUE);
        if (!useLstm && !useLast) {
            throw new IllegalArgumentException("a trained model needs lstm or last among the members, got " + members);
        }
        if (rows < Tuning.MIN_TRAINING_READINGS) {
            throw new IllegalArgumentException("need at least " + Tuning.MIN_TRAINING_READINGS
                    + " training readings, got " + rows);
        }
        int d = channels;
        int heldBack = Math.max(2 * Tuning.SMOOTHING, (int) ((long) rows * Tuning.HELD_BACK_PERCENT / 100));
        // fitRows > Tuning.SMOOTHING: Tuning.MIN_TRAINING_READINGS leaves at least 75 fit readings
        int fitRows = rows - heldBack;

        // 1. normalise
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (int c = 0; c < d; c++) {
            double sum = 0.0;
            for (int t = 0; t < fitRows; t++) {
                sum += readings[t * d + c];
            }
            mean[c] = sum / fitRows;
            double squares = 0.0;
            for (int t = 0; t < fitRows; t++) {
                double e = readings[t * d + c] - mean[c];
                squares += e * e;
            }
            sd[c] = Math.sqrt(squares / fitRows) + 1e-9 * (1.0 + Math.abs(mean[c]));
        }
        double[] z = new double[rows * d];
        for (int t = 0; t < rows; t++) {
            for (int c = 0; c < d; c++) {
                int k = t * d + c;
                z[k] = (readings[k] - mean[c]) / sd[c];
            }
        }
        // the LSTM learns the changes from one reading to the next, normalised per channel, as the
        // online LSTM does: what it learns does not depend on the level, so a sensor at a level it
        // never held in training is still predicted from its own last reading
        double[] changeMean = new double[d];
        double[] changeSd = new double[d];
        for (int c = 0; c < d; c++) {
            double sum = 0.0;
            for (int t = 1; t < fitRows; t++) {
                sum += z[t * d + c] - z[(t - 1) * d + c];
            }
            changeMean[c] = sum / (fitRows - 1);
            double squares = 0.0;
            for (int t = 1; t < fitRows; t++) {
                double e = z[t * d + c] - z[(t - 1) * d + c] - changeMean[c];
                squares += e * e;
            }
            changeSd[c] = Math.sqrt(squares / (fitRows - 1)) + 1e-9;
        }
        double[] changes = new double[rows * d];
        for (int t = 1; t < rows; t++) {
            for (int c = 0; c < d; c++) {
                changes[t * d + c] = clamp((z[t * d + c] - z[(t - 1) * d + c] - changeMean[c]) / changeSd[c]);
            }
        }

        // 2. train, and keep the predictor with the lowest held-back error (in normalised units)
        double lastValueError = heldBackError(z, rows, fitRows, d, new Runner(d, null, changeMean, changeSd));
        LstmWeights best = null;
        double bestError = Double.POSITIVE_INFINITY;
        int passes = (int) Math.max(1, Math.min(Tuning.MAX_PASSES, Tuning.STEP_BUDGET / fitRows));
        for (int hidden : useLstm ? Tuning.HIDDEN_SIZES : new int[0]) {
            TrainerConfig config = new TrainerConfig(hidden, Tuning.BPTT_WINDOW, passes, Tuning.LEARNING_RATE, 1.0, seed);
            LstmWeights candidate = new LstmTrainer(config).fitWithHeldBack(changes, d, fitRows, Tuning.PATIENCE).weights();
            double error = heldBackError(z, rows, fitRows, d, new Runner(d, candidate, changeMean, changeSd));
            if (error < bestError) {
                bestError = error;
                best = candidate;
            }
        }
        Predictor predictor = useLstm && (!useLast || bestError < lastValueError) ? Predictor.LSTM : Predictor.LAST_VALUE;
        LstmWeights weights = predictor == Predictor.LSTM ? best : null;

        // 3. the joint behaviour of the errors (held-back part) and of the readings (fit part)
        double[] errors = new double[heldBack * d];
        Runner runner = new Runner(d, weights, changeMean, changeSd);
        for (int t = 0; t < rows; t++) {
            if (t >= fitRows) {
                for (int c = 0; c < d; c++) {
                    errors[(t - fitRows) * d + c] = z[t * d + c] - runner.prediction[c];
                }
            }
            runner.advance(z, t * d);
        }
        double[] errorMean = columnMeans(errors, heldBack, d);
        double[] errorPrecision = precision(errors, heldBack, d, errorMean);
        double[] stateMean = columnMeans(z, fitRows, d);
        double[] statePrecision = precision(z, fitRows, d, stateMean);

        // 4. calibrate the statistics: on the held-back part, and on every training reading after
        //    the first Tuning.SMOOTHING (the predictor has seen the fit part, so its errors there are
        //    smaller; but a quiet held-back part must not make ordinary behaviour of the rest look rare)
        TrainedModel uncalibrated = new TrainedModel(d, mean, sd, changeMean, changeSd, predictor, weights, errorMean, errorPrecision,
                stateMean, statePrecision, 1.0, 1.0, rows, bestError, lastValueError, new double[d]);
        int burnIn = Tuning.SMOOTHING;
        double[][] all = new double[2][rows - burnIn];
        HistoryDetector.Statistics live = new HistoryDetector.Statistics(uncalibrated);
        for (int t = 0; t < rows; t++) {
            live.observe(readings, t * d);
            if (t >= burnIn) {
                all[0][t - burnIn] = live.sustained;
                all[1][t - burnIn] = live.state;
            }
            live.predictNext();
        }
        double[] levels = new double[2];
        for (int k = 0; k < levels.length; k++) {
            double[] heldBackPart = Arrays.copyOfRange(all[k], fitRows - burnIn, rows - burnIn);
            levels[k] = Math.max(TailLevel.of(heldBackPart, Tuning.TAIL_PROBABILITY), TailLevel.of(all[k], Tuning.TAIL_PROBABILITY));
        }
        return new TrainedModel(d, mean, sd, changeMean, changeSd, predictor, weights, errorMean, errorPrecision, stateMean,
                statePrecision, levels[0], levels[1], rows, bestError,
                lastValueError, flatLevels(readings, rows, d));
    }

    /**
     * {@code (v − mean)ᵀ P (v − mean) / D} of the vector at {@code v[offset..]}, and into
     * {@code parts} each channel's part in it: how much the distance would drop if that channel
     * alone were set to what the other channels make it expect, {@code ((P (v − mean))_i)² / P_ii}.
     * A channel that breaks its relation with the others carries the distance even where the others
     * moved more.
     */
    static double mahalanobis(double[] v, int offset, double[] mean, double[] precision, int d, double[] parts) {
        double total = 0.0;
        for (int i = 0; i < d; i++) {
            double row = 0.0;
            for (int j = 0; j < d; j++) {
                row += precision[i * d + j] * (v[offset + j] - mean[j]);
            }
            parts[i] = row * row / precision[i * d + i];
            total += (v[offset + i] - mean[i]) * row;
        }
        return Math.max(0.0, total / d);
    }

    /** Normalised channel {@code c} of a raw reading. */
    double normalise(double value, int c) {
        return (value - mean[c]) / sd[c];
    }

    /** A raw reading of channel {@code c} from its normalised value. */
    double denormalise(double z, int c) {
        return mean[c] + z * sd[c];
    }

    static double clamp(double z) {
        return Math.max(-Tuning.INPUT_CLAMP, Math.min(Tuning.INPUT_CLAMP, z));
    }

    private static double[] columnMeans(double[] rows, int n, int d) {
        double[] means = new double[d];
        for (int t = 0; t < n; t++) {
            for (int c = 0; c < d; c++) {
                means[c] += rows[t * d + c];
            }
        }
        for (int c = 0; c < d; c++) {
            means[c] /= n;
        }
        return means;
    }

    /** The inverse of the rows' covariance plus a ridge of {@value Tuning#RIDGE} of its mean variance (ojAlgo's Cholesky). */
    private static double[] precision(double[] rows, int n, int d, double[] means) {
        double[] covariance = new double[d * d];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < d; i++) {
                double a = rows[t * d + i] - means[i];
                for (int j = 0; j < d; j++) {
                    covariance[i * d + j] += a * (rows[t * d + j] - means[j]);
                }
            }
        }
        double trace = 0.0;
        for (int k = 0; k < d * d; k++) {
            covariance[k] /= n;
        }
        for (int i = 0; i < d; i++) {
            trace += covariance[i * d + i];
        }
        double ridge = Tuning.RIDGE * trace / d + 1e-12;
        for (int i = 0; i < d; i++) {
            covariance[i * d + i] += ridge;
        }
        Cholesky<Double> cholesky = Cholesky.R064.make(d, d);
        if (!cholesky.decompose(R064Store.wrap(covariance, d)) || !cholesky.isSPD()) {
            throw new IllegalStateException("covariance with a ridge is not positive definite");
        }
        MatrixStore<Double> inverse = cholesky.getInverse();
        double[] precision = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                precision[i * d + j] = 0.5 * (inverse.doubleValue(i, j) + inverse.doubleValue(j, i));
            }
        }
        return precision;
    }

    /** Mean squared error, per channel and reading, of {@code runner}'s predictions of the held-back rows. */
    private static double heldBackError(double[] z, int rows, int fitRows, int d, Runner runner) {
        double sum = 0.0;
        for (int t = 0; t < rows; t++) {
            if (t >= fitRows) {
                for (int c = 0; c < d; c++) {
                    double e = z[t * d + c] - runner.prediction[c];
                    sum += e * e;
                }
            }
            runner.advance(z, t * d);
        }
        return sum / ((double) (rows - fitRows) * d);
    }

    /**
     * Steps the model's predictor over normalised readings; holds its prediction of the next one.
     * The LSTM sees each change from the reading before, normalised, and predicts the next change.
     */
    static final class Runner {

        final double[] prediction;
        private final LstmCell.Workspace cell;
        private final LstmState state;
        private final double[] x;
        private final double[] changeMean;
        private final double[] changeSd;
        private final double[] previous;
        private boolean started;

        Runner(int d, LstmWeights weights, double[] changeMean, double[] changeSd) {
            this.prediction = new double[d];
            this.cell = weights == null ? null : new LstmCell(weights).newWorkspace();
            this.state = weights == null ? null : LstmState.zeros(weights.shape().hiddenSize());
            this.x = new double[d];
            this.changeMean = changeMean;
            this.changeSd = changeSd;
            this.previous = new double[d];
        }

        /** Copies this runner's state into the arrays of {@code live}'s first five fields' shape. */
        double[][] snapshot() {
            return new double[][] {state == null ? new double[0] : state.copyHidden(),
                state == null ? new double[0] : state.copyCell(), prediction.clone(), previous.clone()};
        }

        boolean started() {
            return started;
        }

        /** Continues from a stored state. */
        void restore(DetectorState.Live live) {
            int d = x.length;
            int h = state == null ? 0 : state.size();
            check("hidden", live.hidden(), h);
            check("cell", live.cell(), h);
            check("prediction", live.prediction(), d);
            check("previous", live.previous(), d);
            if (state != null) {
                state.setInPlace(LstmState.of(live.hidden(), live.cell()));
            }
            System.arraycopy(live.prediction(), 0, prediction, 0, d);
            System.arraycopy(live.previous(), 0, previous, 0, d);
            started = live.started();
        }

        /** Takes the normalised reading at {@code z[offset..]} and predicts the next one. */
        void advance(double[] z, int offset) {
            int d = x.length;
            if (cell == null) {
                System.arraycopy(z, offset, prediction, 0, d);
                return;
            }
            for (int c = 0; c < d; c++) {
                x[c] = started ? clamp((z[offset + c] - previous[c] - changeMean[c]) / changeSd[c]) : 0.0;
                previous[c] = z[offset + c];
            }
            started = true;
            cell.stepInPlace(x, state);
            cell.predictInto(state, prediction);
            for (int c = 0; c < d; c++) {
                prediction[c] = z[offset + c] + changeMean[c] + changeSd[c] * prediction[c];
            }
        }
    }
}
