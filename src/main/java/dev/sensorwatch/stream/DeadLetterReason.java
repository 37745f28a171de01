package dev.sensorwatch.stream;

import dev.sensorwatch.detect.Rejection;

/**
 * Why a record went to the dead-letter topic: the reasons only the stream layer gives (a record it
 * cannot decode, without a key, with no or too many channels, with an event time too far ahead of
 * its record's timestamp) and, wrapped, the detector's own {@link Rejection}s. {@link #code()} is
 * the {@code reason} of the {@code DeadLetter} record and the {@code reason} label of
 * {@code sensorwatch_dead_letters_total}; the codes are part of the record format and never change.
 */
public enum DeadLetterReason {
    /** The value is not exactly one {@code SensorReading}, is null, or has an empty sensor id. */
    UNDECODABLE("undecodable"),
    /** The record has no key, or an empty one. */
    NULL_KEY("null_key"),
    /** The reading has no channel values, or more than the configured maximum. */
    BAD_CHANNEL_COUNT("bad_channel_count"),
    /** {@link Rejection#NON_FINITE}: a channel value the detector cannot use. */
    NON_FINITE(Rejection.NON_FINITE),
    /** {@link Rejection#CHANNEL_MISMATCH}: another number of channels than the sensor's. */
    CHANNEL_MISMATCH(Rejection.CHANNEL_MISMATCH),
    /** {@link Rejection#OUT_OF_ORDER}: an event time not after the sensor's last reading. */
    OUT_OF_ORDER(Rejection.OUT_OF_ORDER),
    /** The reading's event time is later than its record's timestamp by more than the allowed skew. */
    FUTURE_TIMESTAMP("future_timestamp");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    DeadLetterReason(Rejection rejection) {
        this(rejection.code());
    }

    /** The reason for a reading the detector rejected with {@code rejection}; same code. */
    public static DeadLetterReason of(Rejection rejection) {
        return switch (rejection) {
            case NON_FINITE -> NON_FINITE;
            case CHANNEL_MISMATCH -> CHANNEL_MISMATCH;
            case OUT_OF_ORDER -> OUT_OF_ORDER;
        };
    }

    /** The stable machine-readable code, as used in dead letters and metrics. */
    public String code() {
        return code;
    }
}
