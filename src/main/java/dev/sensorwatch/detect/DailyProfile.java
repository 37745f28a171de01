package dev.sensorwatch.detect;

import java.util.Arrays;

/**
 * The daily-profile member: what the sensor read at the same time of day, a day earlier. The
 * day (UTC) is cut into {@value #SLOTS} slots of five minutes; each slot keeps the latest reading
 * that fell into it. A reading is predicted by its slot's reading if that one is between half a
 * day and two days old, so the memory is bounded whatever the reading rate.
 */
final class DailyProfile implements Predictor {

    /** Time-of-day slots: five minutes each. */
    static final int SLOTS = 288;
    private static final long DAY = 86_400_000L;

    private final int channels;
    private final long[] times;
    private final double[] values;

    DailyProfile(int channels) {
        this.channels = channels;
        this.times = new long[SLOTS];
        Arrays.fill(times, Long.MIN_VALUE);
        this.values = new double[SLOTS * channels];
    }

    static DailyProfile restore(int channels, long[] times, double[] values) {
        DailyProfile profile = new DailyProfile(channels);
        if (times.length != SLOTS || values.length != SLOTS * channels) {
            throw new IllegalArgumentException("stored daily profile has " + times.length + " slots and "
                    + values.length + " values, expected " + SLOTS + " and " + SLOTS * channels);
        }
        System.arraycopy(times, 0, profile.times, 0, SLOTS);
        System.arraycopy(values, 0, profile.values, 0, values.length);
        return profile;
    }

    long[] copyTimes() {
        return times.clone();
    }

    double[] copyValues() {
        return values.clone();
    }

    /** Writes the prediction of a reading at {@code eventTime} into {@code into}, or NaNs if there is none. */
    @Override
    public void predictInto(long eventTime, double[] into) {
        int slot = slot(eventTime);
        long held = times[slot];
        long age = held == Long.MIN_VALUE ? -1 : eventTime - held;
        if (age >= DAY / 2 && age <= 2 * DAY) {
            System.arraycopy(values, slot * channels, into, 0, channels);
        } else {
            Arrays.fill(into, Double.NaN);
        }
    }

    /** Keeps a reading in its slot. */
    void record(long eventTime, double[] reading) {
        int slot = slot(eventTime);
        times[slot] = eventTime;
        System.arraycopy(reading, 0, values, slot * channels, channels);
    }

    /** Keeps the learned reading in its slot. */
    @Override
    public void learn(long before, long eventTime, double[] previous, double[] learned,
                      SensorDetector.Workspace workspace) {
        record(eventTime, learned);
    }

    private static int slot(long eventTime) {
        return (int) (Math.floorMod(eventTime, DAY) * SLOTS / DAY);
    }
}
