package dev.sensorwatch.detect;

/**
 * The event rule: one alarm per disturbance. A reading that reaches the threshold opens an event;
 * the event lasts while readings sustain it and ends after {@code quiet} readings in a row that
 * do not; for {@code after} readings after it ends, ratios are divided by {@code damping}, so
 * only something clearly more unusual opens the next event. Mutable, one sensor's.
 *
 * <p>Its whole state is one count, {@link #holdOff()}: inside an event the readings in a row
 * without support still needed to end it (1 to {@code quiet}); after an event minus the readings
 * left of the damped period (-1 to -{@code after}); otherwise 0.
 */
final class EventRule {

    /** Where a reading stands. */
    enum Phase {
        /** Outside any event. */
        OUTSIDE,
        /** The reading opens an event: it is the one flagged. */
        OPENS,
        /** The reading belongs to an event opened before it (the reading that ends it included). */
        INSIDE
    }

    private final int quiet;
    private final int after;
    private final double damping;
    private int holdOff;

    /**
     * A rule with nothing open.
     *
     * @param quiet   readings in a row without support that end an event
     * @param after   readings after an event in which ratios are damped (0 for none)
     * @param damping what a ratio is divided by in those readings
     */
    EventRule(int quiet, int after, double damping) {
        this.quiet = quiet;
        this.after = after;
        this.damping = damping;
    }

    /** The rule's state: see the class comment. */
    int holdOff() {
        return holdOff;
    }

    /**
     * Continues from a stored count.
     *
     * @throws IllegalArgumentException if the count is outside [-after, quiet]
     */
    void restoreInPlace(int storedHoldOff) {
        if (storedHoldOff < -after || storedHoldOff > quiet) {
            throw new IllegalArgumentException("stored event count " + storedHoldOff + " is outside [" + -after
                    + ", " + quiet + "]");
        }
        holdOff = storedHoldOff;
    }

    /** {@code ratio}, divided by the damping in the readings after an event. */
    double damped(double ratio) {
        return holdOff < 0 ? ratio / damping : ratio;
    }

    /**
     * Takes one reading.
     *
     * @param reaches  whether it reaches the threshold (opens an event when none is open)
     * @param sustains whether it keeps an open event going
     */
    Phase stepInPlace(boolean reaches, boolean sustains) {
        if (holdOff > 0) {
            holdOff = sustains ? quiet : holdOff - 1;
            if (holdOff == 0) {
                holdOff = -after; // the event ends with this reading
            }
            return Phase.INSIDE;
        }
        if (reaches) {
            holdOff = quiet;
            return Phase.OPENS;
        }
        if (holdOff < 0) {
            holdOff++;
        }
        return Phase.OUTSIDE;
    }
}
