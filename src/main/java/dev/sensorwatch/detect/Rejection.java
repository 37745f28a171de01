package dev.sensorwatch.detect;

/**
 * Why a {@link SensorDetector} cannot score a reading ({@link SensorDetector#check}): the detector's
 * own rejections. The stream layer sends such a reading to the dead-letter topic with this code as
 * its reason; reasons that only the stream layer gives (records it cannot decode, no key, ...) are
 * not the detector's business and live there.
 */
public enum Rejection {
    /**
     * A channel value is NaN, infinite, or of magnitude {@link #LARGEST_VALUE} or more (whose
     * square the detector's running statistics could not hold).
     */
    NON_FINITE("non_finite"),
    /** The reading has another number of channels than the sensor's earlier readings. */
    CHANNEL_MISMATCH("channel_mismatch"),
    /** The reading's event time is not after the sensor's last reading. */
    OUT_OF_ORDER("out_of_order");

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
