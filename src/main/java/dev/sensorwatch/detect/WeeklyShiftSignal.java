package dev.sensorwatch.detect;

/**
 * {@link Signal#WEEKLY_SHIFT}: per channel, how far the last {@value Tuning#RECENT_READINGS}
 * readings lie, on average, from the mean of the same hour a week earlier
 * ({@link WeeklyProfile}), beyond {@value Tuning#WEEKLY_ERRORS} of the channel's typical
 * prediction error, over the channel's decaying record. It counts once the sensor has been
 * compared with the week before for {@value Tuning#WEEKLY_WARMUP_WEEKS} weeks, so that its
 * record has seen ordinary weeks first. A weekly shift that <em>holds</em> counts too: the mean
 * of its ratio over the last {@value Tuning#HELD_WEEKLY_READINGS} comparisons,
 * {@value Tuning#HELD_WEEKLY_WEIGHT} times, stands for its ratio when that is larger.
 */
final class WeeklyShiftSignal implements ScoringSignal {

    private static final long WEEK = 7 * 86_400_000L;

    private final Records records;
    private final int channels;
    long start = Long.MIN_VALUE;
    int rows;
    final double[] recent;
    final double[] weeklyRecords;
    int heldRows;
    final double[] heldRatios = new double[Tuning.HELD_WEEKLY_READINGS];
    /** This reading's differences from the week before; scratch, not state. */
    private final double[] shifts;

    WeeklyShiftSignal(Records records, int channels) {
        this.records = records;
        this.channels = channels;
        this.recent = new double[Tuning.RECENT_READINGS * channels];
        this.weeklyRecords = new double[channels];
        this.shifts = new double[channels];
    }

    @Override
    public Signal signal() {
        return Signal.WEEKLY_SHIFT;
    }

    @Override
    public double ratioThenLearn(ScoredReading reading, ChannelStatistics statistics) {
        if (!reading.keepRecords || Double.isNaN(reading.lastWeek[0])) {
            return 0.0;
        }
        if (start == Long.MIN_VALUE) {
            start = reading.eventTime;
        }
        for (int d = 0; d < channels; d++) {
            shifts[d] = reading.learned[d] - reading.lastWeek[d];
        }
        rows = Records.push(recent, rows, shifts, channels);
        double largest = 0.0;
        for (int d = 0; d < channels; d++) {
            double shift = Math.max(0.0, Math.abs(Records.mean(recent, rows, channels, d))
                    - Tuning.WEEKLY_ERRORS * statistics.errorScale[d]);
            double floor = statistics.floor(d);
            largest = Math.max(largest, Records.ratio(shift, weeklyRecords[d], floor));
            weeklyRecords[d] = records.record(shift, weeklyRecords[d], floor);
        }
        double ratio = reading.eventTime - start >= Tuning.WEEKLY_WARMUP_WEEKS * WEEK ? largest : 0.0;
        heldRows = Records.push(heldRatios, heldRows, ratio);
        if (heldRows == Tuning.HELD_WEEKLY_READINGS && ratio > 0.0) {
            ratio = Math.max(ratio, Tuning.HELD_WEEKLY_WEIGHT * Records.mean(heldRatios, heldRows, 1, 0));
        }
        return ratio;
    }
}
