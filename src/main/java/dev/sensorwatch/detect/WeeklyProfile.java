package dev.sensorwatch.detect;

import java.util.Arrays;

/**
 * What the sensor read in the same hour of the week, one week earlier: the mean of the readings
 * in each hour of the week (UTC). Sensors driven by people (traffic, load, demand) repeat a
 * weekly rhythm; a day that breaks it, a holiday that looks like a Sunday, stands out against the
 * same hour a week before even when every reading is ordinary for the time of day.
 *
 * <p>Each of the {@value #SLOTS} hours of the week has two entries, so that while this week's
 * readings of an hour accumulate in one, last week's mean of that hour stays in the other. An
 * entry knows which hour (counted from the epoch) it holds; a reading is compared only with the
 * hour exactly one week before its own, so gaps and irregular readings never pair a reading
 * with the wrong hour. The memory is fixed whatever the reading rate. The detector leaves unusual
 * readings out (see {@link SensorDetector}); when none of an hour's readings were kept, the
 * same hour a week later has nothing to be compared with.
 */
final class WeeklyProfile {

    /** Length of a slot: one hour. */
    static final long HOUR = 3_600_000L;
    /** Hours in a week. */
    static final int SLOTS = 168;
    /** Entries: two per hour of the week. */
    static final int ENTRIES = 2 * SLOTS;

    private final int channels;
    /** Hour since the epoch held by each entry, {@link Long#MIN_VALUE} for an empty one. */
    private final long[] hours;
    /** Sum of the readings of each entry's hour, entry-major, {@code channels} values per entry. */
    private final double[] sums;
    /** Readings summed in each entry. */
    private final long[] counts;

    WeeklyProfile(int channels) {
        this.channels = channels;
        this.hours = new long[ENTRIES];
        Arrays.fill(hours, Long.MIN_VALUE);
        this.sums = new double[ENTRIES * channels];
        this.counts = new long[ENTRIES];
    }

    static WeeklyProfile restore(int channels, DetectorState.Weekly state) {
        WeeklyProfile profile = new WeeklyProfile(channels);
        if (state.hours().length != ENTRIES || state.sums().length != ENTRIES * channels
                || state.counts().length != ENTRIES) {
            throw new IllegalArgumentException("stored weekly profile has " + state.hours().length + " hours, "
                    + state.sums().length + " sums and " + state.counts().length + " counts, expected "
                    + ENTRIES + ", " + ENTRIES * channels + " and " + ENTRIES);
        }
        for (long count : state.counts()) {
            if (count < 0) {
                throw new IllegalArgumentException("stored weekly profile has a negative count " + count);
            }
        }
        System.arraycopy(state.hours(), 0, profile.hours, 0, ENTRIES);
        System.arraycopy(state.sums(), 0, profile.sums, 0, profile.sums.length);
        System.arraycopy(state.counts(), 0, profile.counts, 0, ENTRIES);
        return profile;
    }

    DetectorState.Weekly snapshot() {
        return new DetectorState.Weekly(hours.clone(), sums.clone(), counts.clone());
    }

    /** An empty weekly profile's state, for a sensor of {@code channels} channels. */
    static DetectorState.Weekly empty(int channels) {
        return new WeeklyProfile(channels).snapshot();
    }

    /**
     * Writes the mean reading of the hour one week before {@code eventTime}'s hour into
     * {@code into}, or NaNs if that hour holds no reading.
     */
    void predictInto(long eventTime, double[] into) {
        long hour = Math.floorDiv(eventTime, HOUR);
        int slot = (int) Math.floorMod(hour, (long) SLOTS);
        for (int e = 2 * slot; e < 2 * slot + 2; e++) {
            if (hours[e] == hour - SLOTS && counts[e] > 0) {
                for (int d = 0; d < channels; d++) {
                    into[d] = sums[e * channels + d] / counts[e];
                }
                return;
            }
        }
        Arrays.fill(into, Double.NaN);
    }

    /** Adds a reading to its hour, which replaces the older of the two entries when it is new. */
    void record(long eventTime, double[] reading) {
        long hour = Math.floorDiv(eventTime, HOUR);
        int slot = (int) Math.floorMod(hour, (long) SLOTS);
        int e = hours[2 * slot] == hour ? 2 * slot : hours[2 * slot + 1] == hour ? 2 * slot + 1 : -1;
        if (e < 0) {
            e = hours[2 * slot] <= hours[2 * slot + 1] ? 2 * slot : 2 * slot + 1;
            hours[e] = hour;
            counts[e] = 0;
            Arrays.fill(sums, e * channels, (e + 1) * channels, 0.0);
        }
        counts[e]++;
        for (int d = 0; d < channels; d++) {
            sums[e * channels + d] += reading[d];
        }
    }
}
