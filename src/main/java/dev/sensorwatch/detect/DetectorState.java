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
 * @param scorer        what turns prediction errors into scores
 */
public record DetectorState(int channels, long readings, long lastEventTime, int holdOff, double[] lastValues,
                            Lstm lstm, double[] memberErrors, long[] memberCounts,
                            long[] profileTimes, double[] profileValues, Scorer scorer) {

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
     * @param valueMin        per-channel smallest reading seen (+∞ before the first)
     * @param valueMax        per-channel largest reading seen (−∞ before the first)
     * @param errorRecord     decaying record of the single-reading error statistic
     * @param meanErrorRecord decaying record of the recent mean error statistic
     * @param levelRecords    per-channel decaying record of the level shift
     * @param recentErrorRows rows held in {@code recentErrors}
     * @param recentErrors    the latest error statistics, oldest first
     * @param recentValueRows rows held in {@code recentValues}
     * @param recentValues    the latest readings, oldest first, row-major
     */
    public record Scorer(long errorCount, double[] errorScale, double[] valueMean, double[] valueVar,
                         double[] valueMin, double[] valueMax, double errorRecord, double meanErrorRecord,
                         double[] levelRecords, int recentErrorRows, double[] recentErrors,
                         int recentValueRows, double[] recentValues) {
    }
}
