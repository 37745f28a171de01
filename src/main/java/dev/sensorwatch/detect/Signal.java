package dev.sensorwatch.detect;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The signal that gave a reading its anomaly score: which of the scorer's questions the reading
 * answered most unusually (see {@link AnomalyScorer}). It tells an operator what kind of anomaly
 * was flagged before they open a chart.
 */
public enum Signal {
    /** No score: the reading scored 0 (warm-up, inside an event, or nothing to compare yet). */
    NONE("none"),
    /** This reading's prediction error, against the largest recent one. */
    PREDICTION_ERROR("prediction_error"),
    /** The mean prediction error of the last readings: predictions keep failing, none by much. */
    SUSTAINED_ERROR("sustained_error"),
    /** A channel's recent mean, moved away from its long-run mean (beyond its typical prediction error) further than lately. */
    LEVEL_SHIFT("level_shift"),
    /** A channel's reading outside the range of every earlier reading, by more than the tolerance. */
    NEW_TERRITORY("new_territory"),
    /**
     * A channel's recent readings, away from the same hour a week earlier (beyond its typical
     * prediction error) further than lately: the week does not repeat as it used to.
     */
    WEEKLY_SHIFT("weekly_shift"),
    /**
     * The mean of the last readings, as one vector over all channels, far from every state the
     * sensor held in its training period (Mahalanobis distance); only with a training period.
     */
    STATE_DISTANCE("state_distance"),
    /** No score: the reading belongs to the sensor's training period, learned as normal and never flagged. */
    TRAINING("training"),
    /**
     * A channel that never repeated a value exactly has repeated the one before for more readings
     * in a row than its history makes likely: a stuck sensor ({@link FlatLineSignal}).
     */
    FLAT_LINE("flat_line");

    private final String code;

    Signal(String code) {
        this.code = code;
    }

    /** The lower-case name used in CSV files, metric tags and on the command line. */
    public String code() {
        return code;
    }

    /** The signals that can give a score: all but {@link #NONE} and {@link #TRAINING}. */
    public static Set<Signal> scoring() {
        EnumSet<Signal> all = EnumSet.allOf(Signal.class);
        all.remove(NONE);
        all.remove(TRAINING);
        return Set.copyOf(all);
    }

    /**
     * Parses a comma-separated list of codes ({@code prediction_error,level_shift}).
     *
     * @throws IllegalArgumentException naming the unknown code and the known ones
     */
    public static Set<Signal> parse(String text) {
        EnumSet<Signal> signals = EnumSet.noneOf(Signal.class);
        for (String part : text.split(",")) {
            String wanted = part.strip().toLowerCase(Locale.ROOT);
            Signal found = null;
            for (Signal s : scoring()) {
                if (s.code.equals(wanted)) {
                    found = s;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown signal '" + part.strip() + "'; the signals are "
                        + scoring().stream().map(Signal::code).sorted().toList());
            }
            signals.add(found);
        }
        return Set.copyOf(signals);
    }
}
