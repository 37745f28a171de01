package dev.sensorwatch.detect;

import java.time.Duration;
import java.time.Instant;

/**
 * Which of a sensor's readings are its training period: history taken as normal, learned from
 * and never flagged. At the end of the period the detector trains its model on the buffered
 * readings and calibrates its scores on a held-back part of them ({@link TrainedModel}).
 *
 * <p>Four kinds: {@link #NONE} (the detector learns online from its first reading, with no
 * training period), the first {@code N} readings of each sensor, the readings within a duration
 * of each sensor's first reading, and the readings with an event time before an instant.
 * Whatever the kind, a period lasts at least {@link Tuning#MIN_TRAINING_READINGS}
 * readings: fewer say too little about a sensor to train on.
 *
 * @param kind   what {@code amount} counts
 * @param amount readings for {@link Kind#FIRST_READINGS}, milliseconds for {@link Kind#DURATION},
 *               epoch milliseconds for {@link Kind#UNTIL}, 0 for {@link Kind#NONE}
 */
public record TrainingPeriod(Kind kind, long amount) {

    /** What a training period is measured in. */
    public enum Kind {
        /** No training period: the detector learns online from the first reading. */
        NONE,
        /** The sensor's first {@code amount} readings. */
        FIRST_READINGS,
        /** The readings within {@code amount} milliseconds of the sensor's first reading. */
        DURATION,
        /** The readings with an event time before {@code amount} (epoch milliseconds). */
        UNTIL
    }

    /** No training period. */
    public static final TrainingPeriod NONE = new TrainingPeriod(Kind.NONE, 0);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the value to fix
     */
    public TrainingPeriod {
        if (kind == null) {
            throw new IllegalArgumentException("training period kind must be given");
        }
        if ((kind == Kind.FIRST_READINGS || kind == Kind.DURATION) && amount < 1) {
            throw new IllegalArgumentException("a training period must be at least 1 "
                    + (kind == Kind.DURATION ? "millisecond" : "reading") + " long, got " + amount);
        }
        if (kind == Kind.NONE && amount != 0) {
            throw new IllegalArgumentException("no training period has no amount, got " + amount);
        }
    }

    /** The first {@code readings} readings of each sensor. */
    public static TrainingPeriod firstReadings(long readings) {
        return new TrainingPeriod(Kind.FIRST_READINGS, readings);
    }

    /** The readings within {@code millis} of each sensor's first reading. */
    public static TrainingPeriod duration(long millis) {
        return new TrainingPeriod(Kind.DURATION, millis);
    }

    /** The readings with an event time before {@code epochMillis}. */
    public static TrainingPeriod until(long epochMillis) {
        return new TrainingPeriod(Kind.UNTIL, epochMillis);
    }

    /** Whether there is a training period at all. */
    public boolean isSet() {
        return kind != Kind.NONE;
    }

    /**
     * Whether a reading belongs to the period by its own rule (the minimum length aside).
     *
     * @param seen      the reading's number, 1 for the sensor's first
     * @param eventTime the reading's event time
     * @param firstTime the event time of the sensor's first reading
     */
    public boolean contains(long seen, long eventTime, long firstTime) {
        return switch (kind) {
            case NONE -> false;
            case FIRST_READINGS -> seen <= amount;
            case DURATION -> eventTime - firstTime < amount;
            case UNTIL -> eventTime < amount;
        };
    }

    /** A short description for logs and summaries. */
    public String describe() {
        return switch (kind) {
            case NONE -> "none (online learning from the first reading)";
            case FIRST_READINGS -> "each sensor's first " + amount + " readings";
            case DURATION -> "each sensor's first " + Duration.ofMillis(amount);
            case UNTIL -> "readings before " + Instant.ofEpochMilli(amount);
        };
    }
}
