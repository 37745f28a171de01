package dev.sensorwatch.detect;

/**
 * One reading as the online signals see it: the reading, what is learned of it, its prediction,
 * the same hour a week earlier, and the error statistic the scorer computed of it. Scratch, one
 * per scorer, filled anew for every reading.
 */
final class ScoredReading {

    /** The reading's number, 1 for the sensor's first. */
    long seen;
    long eventTime;
    double[] values;
    /** The reading as the statistics learn it ({@link ChannelStatistics#learnable}). */
    double[] learned;
    /** Its prediction; NaNs when there is none yet. */
    double[] predicted;
    /** The mean reading of the same hour a week earlier; NaNs when there is none. */
    double[] lastWeek;
    /** Whether the records are kept yet ({@value Tuning#RECORD_WARMUP} readings on). */
    boolean keepRecords;
    /** Whether the reading is past the detector's warm-up. */
    boolean pastWarmup;
    /** The error statistic of the reading as it came, of the reading as learned, and its floor; NaN without a prediction. */
    double errorStatistic;
    double learnedErrorStatistic;
    double errorFloor;

    boolean hasPrediction() {
        return !Double.isNaN(predicted[0]);
    }
}
