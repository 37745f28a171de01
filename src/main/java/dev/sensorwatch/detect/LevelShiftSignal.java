package dev.sensorwatch.detect;

/**
 * {@link Signal#LEVEL_SHIFT}: per channel, how far the mean of the last
 * {@value Tuning#RECENT_READINGS} readings lies from the channel's long-run mean, beyond
 * {@value Tuning#LEVEL_ERRORS} of its typical prediction error (a smaller move is not a
 * shift), over the channel's decaying record; the largest over the channels.
 */
final class LevelShiftSignal implements ScoringSignal {

    private final Records records;
    final double[] levelRecords;
    int rows;
    final double[] recent;

    LevelShiftSignal(Records records, int channels) {
        this.records = records;
        this.levelRecords = new double[channels];
        this.recent = new double[Tuning.RECENT_READINGS * channels];
    }

    @Override
    public Signal signal() {
        return Signal.LEVEL_SHIFT;
    }

    @Override
    public double ratioThenLearn(ScoredReading reading, ChannelStatistics statistics) {
        if (!reading.keepRecords) {
            return 0.0;
        }
        int channels = statistics.channels;
        rows = Records.push(recent, rows, reading.learned, channels);
        double largest = 0.0;
        for (int d = 0; d < channels; d++) {
            double shift = Math.max(0.0, Math.abs(Records.mean(recent, rows, channels, d) - statistics.valueMean[d])
                    - Tuning.LEVEL_ERRORS * statistics.errorScale[d]);
            double floor = statistics.floor(d);
            largest = Math.max(largest, Records.ratio(shift, levelRecords[d], floor));
            levelRecords[d] = records.record(shift, levelRecords[d], floor);
        }
        return largest;
    }
}
