package dev.sensorwatch.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of a scored series, for summaries: each run of readings in an event, from the flagged
 * reading that opened it until the event ended ({@link Score#inEvent()}), with its highest score.
 */
public final class Events {

    private Events() {
    }

    /**
     * One event.
     *
     * @param firstRow  the row of the flagged reading that opened it
     * @param lastRow   the row of its last reading
     * @param peakRow   the row of its highest score (the first, on a tie)
     * @param peakScore that score
     * @param signal    the signal that gave that score
     */
    public record Event(int firstRow, int lastRow, int peakRow, double peakScore, Signal signal) {
    }

    /**
     * Finds the events of a series from its per-row results. A row that was not scored (its signal
     * is {@code null}) neither ends an event nor opens one.
     *
     * @param inEvent whether each row is in an event
     * @param scores  each row's anomaly score
     * @param signals the signal of each row's score, {@code null} where the row was not scored
     * @return the events in row order
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static List<Event> find(boolean[] inEvent, double[] scores, Signal[] signals) {
        if (scores.length != inEvent.length || signals.length != inEvent.length) {
            throw new IllegalArgumentException("rows differ: " + inEvent.length + " in-event flags, " + scores.length
                    + " scores, " + signals.length + " signals");
        }
        List<Event> events = new ArrayList<>();
        int first = -1;
        int last = -1;
        int peak = -1;
        for (int row = 0; row < inEvent.length; row++) {
            if (signals[row] == null) {
                continue;
            }
            if (inEvent[row]) {
                if (first < 0) {
                    first = row;
                    peak = row;
                } else if (scores[row] > scores[peak]) {
                    peak = row;
                }
                last = row;
            } else if (first >= 0) {
                events.add(new Event(first, last, peak, scores[peak], signals[peak]));
                first = -1;
            }
        }
        if (first >= 0) {
            events.add(new Event(first, last, peak, scores[peak], signals[peak]));
        }
        return List.copyOf(events);
    }
}
