package dev.sensorwatch.detect;

/** Why a reading was not scored; each goes to the dead-letter topic with this reason. */
public enum Rejection {
    /** The reading could not be decoded. */
    UNDECODABLE("undecodable"),
    /** The record has no key. */
    NULL_KEY("null_key"),
    /** The reading has no channel values, or more than the configured maximum. */
    BAD_CHANNEL_COUNT("bad_channel_count"),
    /**
     * A channel value is NaN, infinite, or of magnitude {@link #LARGEST_VALUE} or more (whose
     * square the detector's running statistics could not hold).
     */
    NON_FINITE("non_finite"),
    /** The reading has another number of channels than the sensor's earlier readings. */
    CHANNEL_MISMATCH("channel_mismatch"),
    /** The reading's event time is not after the sensor's last reading. */
    OUT_OF_ORDER("out_of_order"),
    /** The reading's event time is later than its record's timestamp by more than the allowed skew. */
    FUTURE_TIMESTAMP("future_timestamp");

    /** Readings of this magnitude or more are rejected as {@link #NON_FINITE}. */
    public static final double LARGEST_VALUE = 1e100;

    /** Whether a channel value is usable: finite and of magnitude below {@link #LARGEST_VALUE}. */
    public static boolean usable(double value) {
        return Math.abs(value) < LARGEST_VALUE;
    }

    private final String code;

    Rejection(String code) {
        this.code = code;
    }

    /** The stable machine-readable code, as used in dead letters and metrics. */
    public String code() {
        return code;
    }
}
