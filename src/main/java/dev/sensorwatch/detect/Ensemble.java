package dev.sensorwatch.detect;

import java.util.Arrays;

/**
 * The online ensemble: for each reading, of the enabled members ({@link Member}) with a
 * prediction, the one whose running mean squared error is lowest gives the prediction; the
 * choice is made before the reading is seen. Members' errors are measured in units of the LSTM
 * member's running deviation of the changes ({@link LstmMember#sigma}), so members of very
 * different scales compare.
 */
final class Ensemble {

    /** Member indices, in order of preference when their errors tie. */
    static final int LSTM = 0;
    static final int LAST_VALUE = 1;
    static final int DAILY_PROFILE = 2;
    static final int MEMBERS = 3;

    private final int channels;
    private final Predictor[] members;
    private final boolean[] enabled;
    private final double[] errors = new double[MEMBERS];
    private final long[] counts = new long[MEMBERS];
    /** Each member's prediction of the current reading; scratch, not state. */
    private final double[][] predictions;

    Ensemble(DetectorConfig config, int channels, LstmMember lstm, LastValueMember lastValue, DailyProfile profile) {
        this.channels = channels;
        this.members = new Predictor[] {lstm, lastValue, profile};
        this.enabled = new boolean[] {config.members().contains(Member.LSTM),
            config.members().contains(Member.LAST_VALUE), config.members().contains(Member.DAILY_PROFILE)};
        this.predictions = new double[MEMBERS][channels];
    }

    void restoreInPlace(double[] storedErrors, long[] storedCounts) {
        SensorDetector.copy("member errors", storedErrors, errors);
        if (storedCounts.length != MEMBERS) {
            throw new IllegalArgumentException("stored member counts has " + storedCounts.length
                    + " values, expected " + MEMBERS);
        }
        System.arraycopy(storedCounts, 0, counts, 0, MEMBERS);
    }

    double[] copyErrors() {
        return errors.clone();
    }

    long[] copyCounts() {
        return counts.clone();
    }

    /** The prediction of the reading at {@code eventTime}: a fresh array, NaNs when no enabled member has one. */
    double[] predict(long eventTime) {
        for (int m = 0; m < MEMBERS; m++) {
            members[m].predictInto(eventTime, predictions[m]);
        }
        int chosen = -1;
        for (int m = 0; m < MEMBERS; m++) {
            if (enabled[m] && !Double.isNaN(predictions[m][0]) && (chosen < 0 || errors[m] < errors[chosen])) {
                chosen = m;
            }
        }
        if (chosen >= 0) {
            return predictions[chosen].clone();
        }
        if (enabled[LSTM]) {
            return predictions[LSTM].clone();
        }
        double[] none = new double[channels];
        Arrays.fill(none, Double.NaN);
        return none;
    }

    /**
     * Takes reading number {@code before} + 1, as learned, into each member's running error,
     * against the predictions of the last {@link #predict}.
     */
    void learnErrors(long before, double[] learned, LstmMember scale) {
        for (int m = 0; m < MEMBERS; m++) {
            if (!Double.isNaN(predictions[m][0]) && before >= Tuning.MEMBER_WARMUP) {
                double squares = 0.0;
                for (int d = 0; d < channels; d++) {
                    double e = (learned[d] - predictions[m][d]) / scale.sigma(d);
                    squares += e * e;
                }
                counts[m]++;
                double alpha = Math.max(1.0 / counts[m], 1.0 / Tuning.MEMBER_HORIZON);
                errors[m] += alpha * (squares - errors[m]);
            }
        }
    }
}
