package dev.sensorwatch.detect;

/**
 * {@link Signal#SUSTAINED_ERROR}: the mean error statistic of the last
 * {@value Tuning#RECENT_READINGS} readings over its decaying record; it rises when predictions keep
 * failing without any single large miss.
 */
final class SustainedErrorSignal implements ScoringSignal {

    private final Records records;
    int rows;
    final double[] recent = new double[Tuning.RECENT_READINGS];
    double record;

    SustainedErrorSignal(Records records) {
        this.records = records;
    }

    @Override
    public Signal signal() {
        return Signal.SUSTAINED_ERROR;
    }

    @Override
    public double ratioThenLearn(ScoredReading reading, ChannelStatistics statistics) {
        if (!reading.hasPrediction() || !reading.keepRecords) {
            return 0.0;
        }
        rows = Records.push(recent, rows, reading.learnedErrorStatistic);
        double mean = Records.mean(recent, rows, 1, 0);
        double ratio = Records.ratio(mean, record, reading.errorFloor);
        record = records.record(mean, record, reading.errorFloor);
        return ratio;
    }
}
