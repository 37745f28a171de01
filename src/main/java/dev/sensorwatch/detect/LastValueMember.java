package dev.sensorwatch.detect;

import java.util.Arrays;

/** The last-value member: predicts that the next reading equals the last one, as learned. */
final class LastValueMember implements Predictor {

    private final double[] values;

    LastValueMember(int channels) {
        this.values = new double[channels];
        Arrays.fill(values, Double.NaN);
    }

    /** The last reading as learned; NaNs before the first. Not a copy. */
    double[] values() {
        return values;
    }

    void restoreInPlace(double[] stored) {
        SensorDetector.copy("last values", stored, values);
    }

    @Override
    public void predictInto(long eventTime, double[] into) {
        System.arraycopy(values, 0, into, 0, values.length);
    }

    @Override
    public void learn(long before, long eventTime, double[] previous, double[] learned,
                      SensorDetector.Workspace workspace) {
        System.arraycopy(learned, 0, values, 0, values.length);
    }
}
