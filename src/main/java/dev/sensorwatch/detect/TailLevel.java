package dev.sensorwatch.detect;

import java.util.Arrays;

/**
 * The level a statistic of normal readings exceeds with a given small probability, estimated from
 * a sample of it by the peaks-over-threshold method of extreme value theory (as in Siffer et al.,
 * "Anomaly Detection in Streams with Extreme Value Theory", KDD 2017): the values above the
 * sample's {@value Tuning#TAIL_QUANTILE} quantile are taken as a generalised Pareto tail, fitted by the
 * method of moments, and the level is read off the fitted tail. Where the tail cannot be fitted
 * (too few distinct values above the quantile) the estimate falls back to the sample's largest
 * value; it is never below it.
 */
public final class TailLevel {


    private TailLevel() {
    }

    /**
     * The level exceeded with probability {@code probability} by a value drawn like {@code sample}.
     *
     * @throws IllegalArgumentException if the sample is empty or holds a value that is not finite,
     *                                  or the probability is not in (0, 1)
     */
    public static double of(double[] sample, double probability) {
        if (sample.length == 0) {
            throw new IllegalArgumentException("no values to estimate a tail from");
        }
        if (!(probability > 0.0 && probability < 1.0)) {
            throw new IllegalArgumentException("probability must be in (0, 1), got " + probability);
        }
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        for (double v : sorted) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("sample holds " + v);
            }
        }
        int n = sorted.length;
        double largest = sorted[n - 1];
        int tail = Math.max(Tuning.MIN_TAIL, (int) Math.ceil((1.0 - Tuning.TAIL_QUANTILE) * n));
        if (tail >= n) {
            return largest;
        }
        double threshold = sorted[n - 1 - tail];
        double sum = 0.0;
        for (int k = n - tail; k < n; k++) {
            sum += sorted[k] - threshold;
        }
        double mean = sum / tail;
        double squares = 0.0;
        for (int k = n - tail; k < n; k++) {
            double e = sorted[k] - threshold - mean;
            squares += e * e;
        }
        double variance = squares / (tail - 1);
        if (!(mean > 0.0) || !(variance > 0.0)) {
            return largest;
        }
        double ratio = mean * mean / variance;
        double shape = Math.max(-Tuning.MAX_SHAPE, Math.min(Tuning.MAX_SHAPE, 0.5 * (1.0 - ratio)));
        double scale = 0.5 * mean * (1.0 + ratio);
        double odds = probability * n / tail; // exceedance probability within the tail
        double level = Math.abs(shape) < 1e-9
                ? threshold - scale * StrictMath.log(odds)
                : threshold + scale / shape * (StrictMath.pow(odds, -shape) - 1.0);
        return Math.max(level, largest);
    }
}
