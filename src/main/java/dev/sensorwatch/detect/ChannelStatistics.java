package dev.sensorwatch.detect;

import java.util.Arrays;

/**
 * What the online scorer knows of each channel, shared by its signals: the typical prediction
 * error (running mean absolute error), the readings' running mean and variance, the range
 * learned, and the two highest and two lowest readings seen as they came. Mutable, one sensor's.
 */
final class ChannelStatistics {

    final int channels;
    private final int horizon;
    private final int warmup;
    long errorCount;
    final double[] errorScale;
    final double[] valueMean;
    final double[] valueVar;
    final double[] valueMin;
    final double[] valueMax;
    /** Per channel, the largest and the second largest reading seen as it came (before any clamping): [2d], [2d + 1]. */
    final double[] highest;
    /** Per channel, the smallest and the second smallest reading seen as it came. */
    final double[] lowest;

    ChannelStatistics(DetectorConfig config, int channels) {
        this.channels = channels;
        this.horizon = config.errorHorizon();
        this.warmup = config.warmupReadings();
        this.errorScale = new double[channels];
        this.valueMean = new double[channels];
        this.valueVar = new double[channels];
        this.valueMin = new double[channels];
        this.valueMax = new double[channels];
        Arrays.fill(valueMin, Double.POSITIVE_INFINITY);
        Arrays.fill(valueMax, Double.NEGATIVE_INFINITY);
        this.highest = new double[2 * channels];
        this.lowest = new double[2 * channels];
        Arrays.fill(highest, Double.NEGATIVE_INFINITY);
        Arrays.fill(lowest, Double.POSITIVE_INFINITY);
    }

    /** The error scale of channel {@code d}: its typical error, at least a fraction of its deviation. */
    double scale(int d) {
        return Math.max(errorScale[d], Tuning.ERROR_SCALE_FLOOR * Math.sqrt(valueVar[d])) + 1e-12;
    }

    /** The floor of channel {@code d}'s records: a tiny fraction of its deviation. */
    double floor(int d) {
        return Tuning.ERROR_SCALE_FLOOR * Math.sqrt(valueVar[d]) + 1e-12;
    }

    /**
     * What the detector learns of reading number {@code seen}, into {@code learned}: after the
     * warm-up each channel's value clamped to {@value Tuning#LEARNING_REACH} range widths
     * beyond the channel's seen range; in the warm-up, from reading
     * {@value Tuning#REACH_START} + 1 on, clamped to
     * {@value Tuning#WARMUP_LEARNING_REACH} range widths; before that the values
     * themselves (a range of 0 counts as a tiny one).
     */
    void learnable(long seen, double[] values, double[] learned) {
        for (int d = 0; d < channels; d++) {
            double v = values[d];
            if (seen > warmup || seen > Tuning.REACH_START) {
                double range = valueMax[d] - valueMin[d];
                double reach = (seen > warmup ? Tuning.LEARNING_REACH : Tuning.WARMUP_LEARNING_REACH)
                        * Math.max(range, 1e-9 * (1.0 + Math.abs(valueMax[d])));
                v = Math.max(rangeBottom(d) - reach, Math.min(rangeTop(d) + reach, v));
            }
            learned[d] = v;
        }
    }

    /** Takes the absolute error of the reading as learned into each channel's typical error. */
    void learnError(double[] learned, double[] predicted) {
        errorCount++;
        double alpha = Math.max(1.0 / errorCount, 1.0 / horizon);
        for (int d = 0; d < channels; d++) {
            double absolute = Math.abs(learned[d] - predicted[d]);
            double capped = errorCount <= 2 ? absolute
                    : Math.min(absolute, Tuning.ERROR_CAP * Math.max(errorScale[d],
                            Tuning.ERROR_SCALE_FLOOR * Math.sqrt(valueVar[d])));
            errorScale[d] += alpha * (capped - errorScale[d]);
        }
    }

    /** Takes reading number {@code seen} into the extremes seen, the range learned and the running mean and variance. */
    void learnReading(long seen, double[] values, double[] learned) {
        double alpha = Math.max(1.0 / seen, 1.0 / horizon);
        for (int d = 0; d < channels; d++) {
            if (values[d] > highest[2 * d]) {
                highest[2 * d + 1] = highest[2 * d];
                highest[2 * d] = values[d];
            } else if (values[d] > highest[2 * d + 1]) {
                highest[2 * d + 1] = values[d];
            }
            if (values[d] < lowest[2 * d]) {
                lowest[2 * d + 1] = lowest[2 * d];
                lowest[2 * d] = values[d];
            } else if (values[d] < lowest[2 * d + 1]) {
                lowest[2 * d + 1] = values[d];
            }
            valueMin[d] = Math.min(valueMin[d], learned[d]);
            valueMax[d] = Math.max(valueMax[d], learned[d]);
            double delta = learned[d] - valueMean[d];
            valueMean[d] += alpha * delta;
            valueVar[d] = (1.0 - alpha) * (valueVar[d] + alpha * delta * delta);
        }
    }

    /**
     * The top of channel {@code d}'s range: the largest reading learned, or the second largest
     * reading seen if that is higher. A level the sensor has reached twice belongs to it, even
     * where learning clamped it ({@link #learnable}).
     */
    double rangeTop(int d) {
        return Math.max(valueMax[d], highest[2 * d + 1]);
    }

    /** The bottom of channel {@code d}'s range: the smallest reading learned, or the second smallest seen if lower. */
    double rangeBottom(int d) {
        return Math.min(valueMin[d], lowest[2 * d + 1]);
    }
}
