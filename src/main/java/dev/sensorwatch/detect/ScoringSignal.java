package dev.sensorwatch.detect;

/**
 * One of the online scorer's questions about a reading ({@link AnomalyScorer}): how unusual the
 * reading is in one respect, as a ratio over the signal's own decaying record (below 1 for
 * anything the sensor has done lately). A new signal implements this interface, gets a
 * {@link Signal} and a place in the scorer's list, and keeps its own memory.
 */
interface ScoringSignal {

    /** The signal an operator sees when this one gave the score. */
    Signal signal();

    /**
     * This reading's ratio (0 where the signal does not apply yet); the signal then keeps the
     * reading in its own memory. Called once per reading, in the scorer's order, before the
     * channel statistics learn the reading.
     */
    double ratioThenLearn(ScoredReading reading, ChannelStatistics statistics);
}
