package dev.sensorwatch.detect;

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
    TRAINING("training");

    private final String code;

    Signal(String code) {
        this.code = code;
    }

    /** The lower-case name used in CSV files and metric tags. */
    public String code() {
        return code;
    }
}
