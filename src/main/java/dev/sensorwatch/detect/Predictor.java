package dev.sensorwatch.detect;

/**
 * One member of the online ensemble ({@link Ensemble}): it predicts each reading before the
 * reading arrives and learns from it once it has been scored. The members are the LSTM
 * ({@link LstmMember}), the last value ({@link LastValueMember}) and the daily profile
 * ({@link DailyProfile}). A new predictor implements this interface, gets a {@link Member} and a
 * place in {@link Ensemble}'s list, and keeps its own stored state.
 */
interface Predictor {

    /** Writes this member's prediction of the reading at {@code eventTime} into {@code into}; NaNs when it has none yet. */
    void predictInto(long eventTime, double[] into);

    /**
     * Learns a reading once it has been scored.
     *
     * @param before    readings learned before this one
     * @param eventTime the reading's event time
     * @param previous  the reading before, as learned (NaNs before the first)
     * @param learned   this reading, as learned
     * @param workspace the thread's scratch space
     */
    void learn(long before, long eventTime, double[] previous, double[] learned, SensorDetector.Workspace workspace);
}
