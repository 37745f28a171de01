package dev.sensorwatch.detect;

import dev.sensorwatch.lstm.LstmWeights;

/**
 * Everything one sensor's detector remembers, as plain values: what is persisted between
 * readings. Arrays are not copied; treat a state as read-only once built.
 *
 * @param channels         {@code D}, channels per reading
 * @param readings         readings learned from
 * @param lastEventTime    event time of the last accepted reading (epoch ms)
 * @param normalizerMean   per-channel running mean
 * @param normalizerVar    per-channel running variance
 * @param windowRows       rows held in {@code window}
 * @param window           the learning window, normalised readings, oldest first, row-major
 * @param startHidden      hidden state at the start of the window
 * @param startCell        cell state at the start of the window
 * @param hidden           hidden state after the latest reading
 * @param cell             cell state after the latest reading
 * @param prediction       prediction of the next reading in raw units (NaN when none yet)
 * @param errorVar         per-channel running mean squared prediction error (raw units²)
 * @param errorCount       prediction errors seen
 * @param weights          the LSTM weights
 * @param adamFirstMoment  Adam's first-moment estimates
 * @param adamSecondMoment Adam's second-moment estimates
 * @param adamSteps        Adam updates applied
 */
public record DetectorState(int channels, long readings, long lastEventTime,
                            double[] normalizerMean, double[] normalizerVar,
                            int windowRows, double[] window,
                            double[] startHidden, double[] startCell,
                            double[] hidden, double[] cell, double[] prediction,
                            double[] errorVar, long errorCount,
                            LstmWeights weights, double[] adamFirstMoment, double[] adamSecondMoment,
                            long adamSteps) {
}
