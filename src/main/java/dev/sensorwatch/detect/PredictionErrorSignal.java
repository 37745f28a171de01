package dev.sensorwatch.detect;

/**
 * {@link Signal#PREDICTION_ERROR}: this reading's error statistic (the square root of the
 * channels' root mean square error, each in units of its typical error) over its decaying
 * record, which counts at least {@value Tuning#ERROR_RECORD_MIN}: however calm a sensor
 * has been, a single prediction error is unusual only when it is several times its typical error.
 */
final class PredictionErrorSignal implements ScoringSignal {

    private final Records records;
    double record;

    PredictionErrorSignal(Records records) {
        this.records = records;
    }

    @Override
    public Signal signal() {
        return Signal.PREDICTION_ERROR;
    }

    @Override
    public double ratioThenLearn(ScoredReading reading, ChannelStatistics statistics) {
        if (!reading.hasPrediction() || !reading.keepRecords) {
            return 0.0;
        }
        double ratio = Records.ratio(reading.errorStatistic, Math.max(record, Tuning.ERROR_RECORD_MIN),
                reading.errorFloor);
        record = records.record(reading.learnedErrorStatistic, record, reading.errorFloor);
        return ratio;
    }
}
