package dev.sensorwatch.nab;

import java.util.List;

/**
 * One series as the scorer sees it: its name (NAB's {@code category/file.csv}), each row's time
 * and anomaly score (NaN where the detector gave none), and its labelled anomaly windows.
 *
 * @param name    the series' relative path, e.g. {@code realKnownCause/nyc_taxi.csv}
 * @param times   epoch milliseconds of each row, in file order
 * @param scores  the detector's score of each row; NaN counts as no detection
 * @param windows the labelled windows, both ends inclusive, in time order
 */
public record ScoredSeries(String name, long[] times, double[] scores, List<Window> windows) {

    /** A labelled anomaly window; both ends inclusive. */
    public record Window(long startMillis, long endMillis) {
    }

    /**
     * Checks that every row has a time and a score.
     *
     * @throws IllegalArgumentException if the lengths differ
     */
    public ScoredSeries {
        if (times.length != scores.length) {
            throw new IllegalArgumentException(name + ": " + times.length + " times but " + scores.length + " scores");
        }
        windows = List.copyOf(windows);
    }

    /** The category: the first path segment of the name, or "" without one. */
    public String category() {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    /** Rows NAB does not score at the start of this series: min(⌊0.15·N⌋, 750). */
    public int probation() {
        return Math.min((int) Math.floor(0.15 * times.length), 750);
    }
}
