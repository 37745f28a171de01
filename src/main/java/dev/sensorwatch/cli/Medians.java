package dev.sensorwatch.cli;

import java.util.Arrays;

/** The median the benchmarks report over runs, seeds or samples. */
final class Medians {

    private Medians() {
    }

    /** The median of {@code values} (the mean of the middle two for an even count); NaN if any is NaN or there are none. */
    static double of(double... values) {
        if (values.length == 0 || Arrays.stream(values).anyMatch(Double::isNaN)) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
