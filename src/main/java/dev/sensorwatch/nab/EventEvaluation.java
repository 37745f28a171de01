package dev.sensorwatch.nab;

import java.util.List;

/**
 * Event-wise and row-wise evaluation of a 0/1 flag column (such as {@code in_event}) against
 * labelled windows, the customary rules of the spacecraft-telemetry and industrial benchmarks
 * (Hundman et al. 2018; Orion's benchmark):
 *
 * <ul>
 *   <li><b>event-wise</b>: a run of consecutive flagged rows is one predicted event; a labelled
 *       window that any run overlaps is found, one that none overlaps is missed, and a run that
 *       overlaps no window is a false alarm. Precision = found / (found + false alarms), recall =
 *       found / windows. Flagging everything scores well on recall alone, so the false alarms are
 *       reported beside it;
 *   <li><b>row-wise</b>: each row inside a window is a positive; precision, recall and F1 of the
 *       flagged rows.
 * </ul>
 *
 * <p>Only rows at or after {@code fromMillis} are evaluated (the rows of a training period are
 * not), and a run is cut where the evaluated rows start.
 */
public final class EventEvaluation {

    private EventEvaluation() {
    }

    /**
     * What one series, or a sum of series, scored.
     *
     * @param windows       labelled windows with at least one evaluated row
     * @param found         windows overlapped by a flagged run
     * @param falseAlarms   flagged runs overlapping no window
     * @param truePositive  flagged rows inside a window
     * @param falsePositive flagged rows outside every window
     * @param falseNegative unflagged rows inside a window
     */
    public record Counts(int windows, int found, int falseAlarms, long truePositive, long falsePositive,
                         long falseNegative) {

        /** No series. */
        public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

        /** The sum of this and {@code other}. */
        public Counts plus(Counts other) {
            return new Counts(windows + other.windows, found + other.found, falseAlarms + other.falseAlarms,
                    truePositive + other.truePositive, falsePositive + other.falsePositive,
                    falseNegative + other.falseNegative);
        }

        /** Event-wise precision: found / (found + false alarms); 0 without either. */
        public double precision() {
            return ratio(found, found + falseAlarms);
        }

        /** Event-wise recall: found / windows; 0 without windows. */
        public double recall() {
            return ratio(found, windows);
        }

        /** Event-wise F1. */
        public double f1() {
            return f1(precision(), recall());
        }

        /** Row-wise precision. */
        public double rowPrecision() {
            return ratio(truePositive, truePositive + falsePositive);
        }

        /** Row-wise recall. */
        public double rowRecall() {
            return ratio(truePositive, truePositive + falseNegative);
        }

        /** Row-wise F1. */
        public double rowF1() {
            return f1(rowPrecision(), rowRecall());
        }

        private static double ratio(double part, double whole) {
            return whole > 0 ? part / whole : 0.0;
        }

        private static double f1(double p, double r) {
            return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
        }
    }

    /**
     * Evaluates one series: its rows' times, their flags, and its labelled windows (both ends
     * inclusive), from {@code fromMillis} on.
     *
     * @throws IllegalArgumentException if times and flags differ in length
     */
    public static Counts evaluate(long[] times, boolean[] flags, List<ScoredSeries.Window> windows, long fromMillis) {
        if (times.length != flags.length) {
            throw new IllegalArgumentException(times.length + " times but " + flags.length + " flags");
        }
        long tp = 0;
        long fp = 0;
        long fn = 0;
        boolean[] found = new boolean[windows.size()];
        boolean[] evaluated = new boolean[windows.size()];
        int falseAlarms = 0;
        int runStart = -1;
        for (int row = 0; row <= times.length; row++) {
            boolean scored = row < times.length && times[row] >= fromMillis;
            boolean flagged = scored && flags[row];
            if (scored) {
                boolean labelled = false;
                for (int w = 0; w < windows.size(); w++) {
                    if (inside(times[row], windows.get(w))) {
                        labelled = true;
                        evaluated[w] = true;
                    }
                }
                tp += flagged && labelled ? 1 : 0;
                fp += flagged && !labelled ? 1 : 0;
                fn += !flagged && labelled ? 1 : 0;
            }
            if (flagged && runStart < 0) {
                runStart = row;
            } else if (!flagged && runStart >= 0) {
                boolean overlaps = false;
                for (int w = 0; w < windows.size(); w++) {
                    ScoredSeries.Window window = windows.get(w);
                    if (times[runStart] <= window.endMillis() && times[row - 1] >= window.startMillis()) {
                        found[w] = true;
                        overlaps = true;
                    }
                }
                falseAlarms += overlaps ? 0 : 1;
                runStart = -1;
            }
        }
        int windowCount = 0;
        int foundCount = 0;
        for (int w = 0; w < windows.size(); w++) {
            windowCount += evaluated[w] ? 1 : 0;
            foundCount += evaluated[w] && found[w] ? 1 : 0;
        }
        return new Counts(windowCount, foundCount, falseAlarms, tp, fp, fn);
    }

    private static boolean inside(long time, ScoredSeries.Window window) {
        return time >= window.startMillis() && time <= window.endMillis();
    }
}
