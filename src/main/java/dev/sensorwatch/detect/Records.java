package dev.sensorwatch.detect;

/**
 * The arithmetic the online signals share: a value over its decaying record, the record after a
 * value, and the small buffers of recent values. One instance per scorer holds the decay.
 */
final class Records {

    private final double decay;

    /** Records halving in weight every {@code halfLife} readings. */
    Records(int halfLife) {
        this.decay = StrictMath.pow(0.5, 1.0 / halfLife);
    }

    /** A signal's value over its record (0 while there is none yet); the record counts at least {@code floor}. */
    static double ratio(double value, double record, double floor) {
        return record > 0.0 ? value / Math.max(record, floor) : 0.0;
    }

    /**
     * The record after {@code value}: the larger of the decayed record and the value, grown at most
     * {@link Tuning#RECORD_GROWTH}-fold.
     */
    double record(double value, double record, double floor) {
        double bounded = record > 0.0 ? Math.min(value, Tuning.RECORD_GROWTH * Math.max(record, floor)) : value;
        return Math.max(bounded, record * decay);
    }

    /**
     * Appends a row of {@code width} values to a buffer of {@value Tuning#RECENT_READINGS} rows
     * holding {@code rows}; returns the new count.
     */
    static int push(double[] buffer, int rows, double[] row, int width) {
        if (rows == Tuning.RECENT_READINGS) {
            System.arraycopy(buffer, width, buffer, 0, (Tuning.RECENT_READINGS - 1) * width);
            rows--;
        }
        System.arraycopy(row, 0, buffer, rows * width, width);
        return rows + 1;
    }

    /** Appends one value to a one-column buffer holding {@code rows}, dropping the oldest when full; returns the new count. */
    static int push(double[] buffer, int rows, double value) {
        if (rows == buffer.length) {
            System.arraycopy(buffer, 1, buffer, 0, buffer.length - 1);
            rows--;
        }
        buffer[rows] = value;
        return rows + 1;
    }

    /** Mean of one column over the first {@code rows} rows of a buffer. */
    static double mean(double[] buffer, int rows, int width, int column) {
        double sum = 0.0;
        for (int r = 0; r < rows; r++) {
            sum += buffer[r * width + column];
        }
        return sum / rows;
    }

    /** {@code rows}, checked as a stored row count of a buffer of {@code capacity} rows. */
    static int rows(String what, int rows, int capacity) {
        if (rows < 0 || rows > capacity) {
            throw new IllegalArgumentException("stored " + what + " hold " + rows + " rows, at most " + capacity + " fit");
        }
        return rows;
    }
}
