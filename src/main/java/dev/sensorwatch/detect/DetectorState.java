package dev.sensorwatch.detect;

import dev.sensorwatch.lstm.LstmWeights;

/**
 * Everything one sensor's detector remembers, as plain values: what is persisted between
 * readings. Arrays are not copied; treat a state as read-only once built.
 *
 * @param channels      {@code D}, channels per reading
 * @param readings      readings accepted so far
 * @param lastEventTime event time of the last accepted reading (epoch ms)
 * @param holdOff       inside an event, the readings below the threshold in a row still needed
 *                      to end it (positive); after an event, minus the readings left in which
 *                      ratios are damped (negative); otherwise 0
 * @param lastValues    the last accepted reading (the last-value member's prediction); NaN
 *                      before the first
 * @param lstm          the LSTM member, which learns the reading-to-reading changes
 * @param memberErrors  each member's running mean squared prediction error, in units of the
 *                      LSTM normaliser's standard deviation, in the order LSTM, last value,
 *                      daily profile
 * @param memberCounts  predictions each member has been judged on, same order
 * @param profileTimes  the daily profile: event time of the reading held in each time-of-day
 *                      slot, {@link Long#MIN_VALUE} for an empty slot
 * @param profileValues the daily profile: the reading held in each slot, slot-major, {@code D}
 *                      values per slot
 * @param weekly        the weekly profile: each hour of the week's mean reading
 * @param scorer        what turns prediction errors into scores
 * @param history       with a training period, the detector that learns from it and judges what
 *                      follows; null without one. With it, the online parts ({@code lastValues},
 *                      {@code lstm}, {@code memberErrors}, {@code memberCounts}, the profiles and
 *                      {@code scorer}) are null: such a sensor has none
 * @param modelVersion  counts the changes of the model: the parts that change only when the
 *                      detector learns ({@link #lstm}'s weights and optimiser, the profiles; with
 *                      a training period the training readings and the trained {@link Model}),
 *                      as opposed to the per-reading rest. A store that keeps the two apart
 *                      writes the model only when this changes
 */
public record DetectorState(int channels, long readings, long lastEventTime, int holdOff, double[] lastValues,
                            Lstm lstm, double[] memberErrors, long[] memberCounts,
                            long[] profileTimes, double[] profileValues, Weekly weekly, Scorer scorer,
                            History history, long modelVersion) {

    /** A state without a training period, of model version 0. */
    public DetectorState(int channels, long readings, long lastEventTime, int holdOff, double[] lastValues,
                         Lstm lstm, double[] memberErrors, long[] memberCounts,
                         long[] profileTimes, double[] profileValues, Weekly weekly, Scorer scorer) {
        this(channels, readings, lastEventTime, holdOff, lastValues, lstm, memberErrors, memberCounts, profileTimes,
                profileValues, weekly, scorer, null, 0);
    }

    /** The state of a sensor with a training period, of model version 0: its history detector and nothing online. */
    public static DetectorState ofHistory(int channels, History history) {
        return new DetectorState(channels, history.readings(), history.lastEventTime(), 0, null, null, null, null,
                null, null, null, null, history, 0);
    }

    /** This state with its model version set to {@code version}. */
    public DetectorState withModelVersion(long version) {
        return new DetectorState(channels, readings, lastEventTime, holdOff, lastValues, lstm, memberErrors,
                memberCounts, profileTimes, profileValues, weekly, scorer, history, version);
    }

    /** This state with another {@code scorer}. */
    public DetectorState withScorer(Scorer other) {
        return new DetectorState(channels, readings, lastEventTime, holdOff, lastValues, lstm, memberErrors,
                memberCounts, profileTimes, profileValues, weekly, other, history, modelVersion);
    }

    /**
     * The detector of a sensor with a training period ({@link HistoryDetector}).
     *
     * @param readings       readings accepted so far
     * @param firstEventTime event time of the sensor's first reading
     * @param lastEventTime  event time of the last accepted reading
     * @param bufferStart    index of the oldest row in {@code buffer} (a ring once it is full)
     * @param buffer         the training readings held so far, row-major, {@code D} values a row;
     *                       empty once trained
     * @param model          what was learned from the training period; null while in it
     * @param live           the model's running state over the readings since; null while training
     * @param holdOff        inside an event, readings without an abnormal statistic in a row still
     *                       needed to end it; otherwise 0
     * @param eventKind      the statistic that opened the current or last event (0 sustained
     *                       error, 1 state distance)
     * @param eventRecords   per statistic, the largest ratio it reached in the events it opened, decayed
     */
    public record History(long readings, long firstEventTime, long lastEventTime, int bufferStart, double[] buffer,
                          Model model, Live live, int holdOff, int eventKind, double[] eventRecords) {
    }

    /**
     * What a sensor learned from its training period ({@link TrainedModel}).
     *
     * @param mean             per-channel mean of the training readings
     * @param sd               per-channel standard deviation
     * @param changeMean       per-channel mean of the normalised changes
     * @param changeSd         per-channel standard deviation of the normalised changes
     * @param weights          the trained LSTM; null when the last value is the predictor
     * @param errorMean        mean of the prediction error vector
     * @param errorPrecision   inverse covariance of the prediction error vector, D × D row-major
     * @param stateMean        mean of the normalised readings
     * @param statePrecision   inverse covariance of the normalised readings, D × D row-major
     * @param levels           calibrated levels of the sustained error and the state distance
     * @param trainingReadings readings trained on
     * @param heldBackErrors   held-back mean squared error of the best LSTM and of the last value
     * @param flatLevels       per channel, the flat line's level, 0 for a channel not judged; empty
     *                         for a model written before the flat line: no channel judged
     */
    public record Model(double[] mean, double[] sd, double[] changeMean, double[] changeSd, LstmWeights weights,
                        double[] errorMean, double[] errorPrecision, double[] stateMean, double[] statePrecision,
                        double[] levels, int trainingReadings, double[] heldBackErrors, double[] flatLevels) {

        /** A model as one written before the flat line holds it: no channel judged for a flat line. */
        public Model(double[] mean, double[] sd, double[] changeMean, double[] changeSd, LstmWeights weights,
                     double[] errorMean, double[] errorPrecision, double[] stateMean, double[] statePrecision,
                     double[] levels, int trainingReadings, double[] heldBackErrors) {
            this(mean, sd, changeMean, changeSd, weights, errorMean, errorPrecision, stateMean, statePrecision, levels,
                    trainingReadings, heldBackErrors, new double[0]);
        }

        /** This model with the flat line's {@code levels}. */
        public Model withFlatLevels(double[] flat) {
            return new Model(mean, sd, changeMean, changeSd, weights, errorMean, errorPrecision, stateMean,
                    statePrecision, levels, trainingReadings, heldBackErrors, flat);
        }
    }

    /**
     * A trained model's running state: the LSTM's state and prediction, and the recent statistics.
     *
     * @param hidden           LSTM hidden state (empty for the last-value predictor)
     * @param cell             LSTM cell state (empty for the last-value predictor)
     * @param prediction       the prediction of the next reading, normalised
     * @param previous         the last reading, normalised (the LSTM sees changes)
     * @param started          whether the predictor has seen a reading
     * @param rows             readings in the recent buffers
     * @param next             the recent buffers' next slot
     * @param recentErrors     the last error statistics
     * @param recentErrorParts their per-channel parts, row-major
     * @param recentStates     the last normalised readings, row-major
     */
    public record Live(double[] hidden, double[] cell, double[] prediction, double[] previous, boolean started,
                       int rows, int next, double[] recentErrors, double[] recentErrorParts, double[] recentStates) {
    }

    /**
     * The weekly profile ({@link WeeklyProfile}): two entries for each of the 168 hours of the
     * week, each holding one hour's readings.
     *
     * @param hours  the hour (since the epoch) each entry holds, {@link Long#MIN_VALUE} when empty
     * @param sums   the sum of each entry's readings, entry-major, {@code D} values per entry
     * @param counts the readings summed in each entry
     */
    public record Weekly(long[] hours, double[] sums, long[] counts) {

        /** The weekly profile of a sensor of {@code channels} channels that has seen nothing. */
        public static Weekly empty(int channels) {
            return WeeklyProfile.empty(channels);
        }
    }

    /**
     * The LSTM member: a cell learning online from the normalised differences between
     * consecutive readings.
     *
     * @param normalizerMean   per-channel running mean of the differences
     * @param normalizerVar    per-channel running variance of the differences
     * @param windowRows       rows held in {@code window}
     * @param window           the learning window, normalised differences, oldest first, row-major
     * @param startHidden      hidden state at the start of the window
     * @param startCell        cell state at the start of the window
     * @param hidden           hidden state after the latest difference
     * @param cell             cell state after the latest difference
     * @param prediction       its prediction of the next reading, raw units (NaN when none yet)
     * @param weights          the LSTM weights
     * @param adamFirstMoment  Adam's first-moment estimates
     * @param adamSecondMoment Adam's second-moment estimates
     * @param adamSteps        Adam updates applied
     */
    public record Lstm(double[] normalizerMean, double[] normalizerVar, int windowRows, double[] window,
                       double[] startHidden, double[] startCell, double[] hidden, double[] cell,
                       double[] prediction, LstmWeights weights, double[] adamFirstMoment,
                       double[] adamSecondMoment, long adamSteps) {
    }

    /**
     * The scorer's memory.
     *
     * @param errorCount      prediction errors seen
     * @param errorScale      per-channel running mean absolute prediction error (raw units)
     * @param valueMean       per-channel running mean of the readings
     * @param valueVar        per-channel running variance of the readings
     * @param valueMin        per-channel smallest reading learned, after clamping (+∞ before the first)
     * @param valueMax        per-channel largest reading learned, after clamping (−∞ before the first)
     * @param errorRecord     decaying record of the single-reading error statistic
     * @param meanErrorRecord decaying record of the recent mean error statistic
     * @param levelRecords    per-channel decaying record of the level shift
     * @param recentErrorRows rows held in {@code recentErrors}
     * @param recentErrors    the latest error statistics, oldest first
     * @param recentValueRows rows held in {@code recentValues}
     * @param recentValues    the latest readings, oldest first, row-major
     * @param weeklyStart     event time of the first reading compared with the week before,
     *                        {@link Long#MIN_VALUE} before it
     * @param recentShiftRows rows held in {@code recentShifts}
     * @param recentShifts    the latest readings minus the same hour's mean a week earlier,
     *                        oldest first, row-major
     * @param weeklyRecords   per-channel decaying record of the week-on-week shift
     * @param heldRows        rows held in {@code heldRatios}
     * @param heldRatios      the weekly shift's latest ratios, oldest first, {@value
     *                        AnomalyScorer#HELD_READINGS} values
     * @param highest         per channel, the largest and second largest reading seen as it came
     *                        (before clamping), 2 × D values; −∞ where none yet
     * @param lowest          per channel, the smallest and second smallest reading seen as it
     *                        came, 2 × D values; +∞ where none yet
     * @param flatRuns        per channel, the readings in a row that repeated the one before
     *                        exactly, ending with the latest, or {@value FlatLineSignal#NOT_JUDGED}
     *                        for a channel the flat line no longer judges ({@link FlatLineSignal});
     *                        empty for a state written before the flat line: no channel judged
     * @param flatLast        per channel, the latest reading as it came (NaN before the first);
     *                        empty with an empty {@code flatRuns}
     */
    public record Scorer(long errorCount, double[] errorScale, double[] valueMean, double[] valueVar,
                         double[] valueMin, double[] valueMax, double errorRecord, double meanErrorRecord,
                         double[] levelRecords, int recentErrorRows, double[] recentErrors,
                         int recentValueRows, double[] recentValues, long weeklyStart, int recentShiftRows,
                         double[] recentShifts, double[] weeklyRecords, int heldRows, double[] heldRatios,
                         double[] highest, double[] lowest, long[] flatRuns, double[] flatLast) {

        /** A scorer as a state written before the flat line holds it: no channel judged for a flat line. */
        public Scorer(long errorCount, double[] errorScale, double[] valueMean, double[] valueVar,
                      double[] valueMin, double[] valueMax, double errorRecord, double meanErrorRecord,
                      double[] levelRecords, int recentErrorRows, double[] recentErrors,
                      int recentValueRows, double[] recentValues, long weeklyStart, int recentShiftRows,
                      double[] recentShifts, double[] weeklyRecords, int heldRows, double[] heldRatios,
                      double[] highest, double[] lowest) {
            this(errorCount, errorScale, valueMean, valueVar, valueMin, valueMax, errorRecord, meanErrorRecord,
                    levelRecords, recentErrorRows, recentErrors, recentValueRows, recentValues, weeklyStart,
                    recentShiftRows, recentShifts, weeklyRecords, heldRows, heldRatios, highest, lowest, new long[0],
                    new double[0]);
        }

        /** This scorer with the flat line's state {@code runs} and {@code last}. */
        public Scorer withFlatLine(long[] runs, double[] last) {
            return new Scorer(errorCount, errorScale, valueMean, valueVar, valueMin, valueMax, errorRecord,
                    meanErrorRecord, levelRecords, recentErrorRows, recentErrors, recentValueRows, recentValues,
                    weeklyStart, recentShiftRows, recentShifts, weeklyRecords, heldRows, heldRatios, highest, lowest,
                    runs, last);
        }

        /**
         * This scorer as one that has compared nothing with the week before: how a state written
         * before the weekly signal existed is carried over.
         */
        public Scorer withoutWeeklyHistory() {
            int d = errorScale.length;
            return new Scorer(errorCount, errorScale, valueMean, valueVar, valueMin, valueMax, errorRecord,
                    meanErrorRecord, levelRecords, recentErrorRows, recentErrors, recentValueRows, recentValues,
                    Long.MIN_VALUE, 0, new double[Tuning.RECENT_READINGS * d], new double[d], 0,
                    new double[Tuning.HELD_WEEKLY_READINGS], highest, lowest);
        }

        /**
         * This scorer with the fields format version 5 added as a state written before them is
         * carried over: the learned range stands in for the readings seen as they came, each
         * extreme counted twice (so its ranges stay what they were), and no weekly ratios are held.
         */
        public Scorer withVersion5Defaults() {
            int d = errorScale.length;
            double[] high = new double[2 * d];
            double[] low = new double[2 * d];
            for (int c = 0; c < d; c++) {
                high[2 * c] = high[2 * c + 1] = valueMax[c];
                low[2 * c] = low[2 * c + 1] = valueMin[c];
            }
            return new Scorer(errorCount, errorScale, valueMean, valueVar, valueMin, valueMax, errorRecord,
                    meanErrorRecord, levelRecords, recentErrorRows, recentErrors, recentValueRows, recentValues,
                    weeklyStart, recentShiftRows, recentShifts, weeklyRecords, 0,
                    new double[Tuning.HELD_WEEKLY_READINGS], high, low);
        }
    }
}
