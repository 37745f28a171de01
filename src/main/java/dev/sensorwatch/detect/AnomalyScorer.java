package dev.sensorwatch.detect;

import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Turns one sensor's readings and predictions into anomaly scores. Its question is always "is
 * this the most unusual thing this sensor has done in a long while?", asked of four signals:
 *
 * <ul>
 *   <li><b>error</b>: the prediction error of this reading. Each channel's error is divided by
 *       that channel's running mean absolute error, the channels are combined as a root mean
 *       square (so all channels count, jointly) and the square root is taken;
 *   <li><b>recent error</b>: the mean of that statistic over the last {@value Tuning#RECENT_READINGS} readings,
 *       which rises when predictions keep failing without any single large miss;
 *   <li><b>level</b>: per channel, how far the mean of the last {@value Tuning#RECENT_READINGS} readings lies
 *       from the channel's long-run mean, beyond {@value Tuning#LEVEL_ERRORS} of the channel's
 *       typical prediction error (a smaller move is not a shift);
 *   <li><b>weekly shift</b>: per channel, how far the last {@value Tuning#RECENT_READINGS} readings lie, on
 *       average, from the mean of the same hour a week earlier ({@link WeeklyProfile}), beyond
 *       {@value Tuning#WEEKLY_ERRORS} of the channel's typical prediction error. It counts once the
 *       sensor has been compared with the week before for {@value Tuning#WEEKLY_WARMUP_WEEKS} weeks,
 *       so that its record has seen ordinary weeks first. A weekly shift that <em>holds</em>
 *       counts too: the mean of its ratio over the last {@value Tuning#HELD_WEEKLY_READINGS} comparisons,
 *       {@value Tuning#HELD_WEEKLY_WEIGHT} times, stands for its ratio when that is larger. A shift that grows
 *       slowly keeps pace with its own record and never outgrows it (its ratio stays near 1), but
 *       staying at its record for that long is itself unusual.
 * </ul>
 *
 * <p>Each signal is divided by its own <em>decaying record</em>: the largest value it has taken,
 * halving in weight every {@link DetectorConfig#recordHalfLife()} readings. The ratio is below 1
 * for anything the sensor has done lately and above 1 for something new. The error's record
 * counts at least {@value Tuning#ERROR_RECORD_MIN}, so however calm a sensor has been, a single
 * prediction error is unusual only when it is several times its typical error (at the default
 * threshold, about eight). On top, a reading outside the range of every earlier reading of its
 * channel, by more than {@value Tuning#SPATIAL_TOLERANCE} of that range and more than
 * {@value Tuning#SPATIAL_ERRORS} of the channel's typical prediction error, counts as a ratio of at
 * least {@value Tuning#SPATIAL_RATIO}. The score is {@code R / (1 + R)} of the largest ratio
 * {@code R}: 0.5 means as unusual as the sensor's recent record.
 *
 * <p>Records start after {@value Tuning#RECORD_WARMUP} readings; scores are 0 until the detector's
 * warm-up is over. Each signal is its own class behind {@link ScoringSignal}, asked in this order
 * (a later one gives the score only with a larger ratio): {@link PredictionErrorSignal},
 * {@link SustainedErrorSignal}, {@link LevelShiftSignal}, {@link WeeklyShiftSignal},
 * {@link NewTerritorySignal}, {@link FlatLineSignal} (a channel stuck at one value, judged against
 * the rarity its own history gives, not a record); what they share of each channel lives in
 * {@link ChannelStatistics}.
 * This class holds every tuning constant of the online scorer. Mutable, one thread at a time.
 */
final class AnomalyScorer {


    /**
     * What the scorer says of one reading.
     *
     * @param ratio      the largest ratio, 0 during the warm-up
     * @param signal     the signal that gave {@code ratio}; {@link Signal#NONE} when it is 0
     * @param jointError the joint prediction error (NaN without a prediction)
     * @param shares     each channel's share of the squared error
     */
    record Result(double ratio, Signal signal, double jointError, double[] shares) {
    }

    private final int channels;
    private final int warmup;
    private final ChannelStatistics statistics;
    private final PredictionErrorSignal predictionError;
    private final SustainedErrorSignal sustainedError;
    private final LevelShiftSignal levelShift;
    private final WeeklyShiftSignal weeklyShift;
    private final FlatLineSignal flatLine;
    /**
     * The enabled signals, in the order they are asked. A signal switched off is not asked and
     * keeps no memory (its fields stay as new, and are stored so).
     */
    private final ScoringSignal[] signals;
    /** The reading being scored; scratch, not state. */
    private final ScoredReading reading = new ScoredReading();

    AnomalyScorer(DetectorConfig config, int channels) {
        this.channels = channels;
        this.warmup = config.warmupReadings();
        this.statistics = new ChannelStatistics(config, channels);
        Records records = new Records(config.recordHalfLife());
        this.predictionError = new PredictionErrorSignal(records);
        this.sustainedError = new SustainedErrorSignal(records);
        this.levelShift = new LevelShiftSignal(records, channels);
        this.weeklyShift = new WeeklyShiftSignal(records, channels);
        this.flatLine = new FlatLineSignal(channels);
        this.signals = Stream.of(predictionError, sustainedError, levelShift, weeklyShift,
                        new NewTerritorySignal(), flatLine)
                .filter(s -> config.signals().contains(s.signal())).toArray(ScoringSignal[]::new);
    }

    static AnomalyScorer restore(DetectorConfig config, int channels, DetectorState.Scorer state) {
        AnomalyScorer scorer = new AnomalyScorer(config, channels);
        ChannelStatistics s = scorer.statistics;
        s.errorCount = state.errorCount();
        copy("error scale", state.errorScale(), s.errorScale);
        copy("value mean", state.valueMean(), s.valueMean);
        copy("value variance", state.valueVar(), s.valueVar);
        copy("value minimum", state.valueMin(), s.valueMin);
        copy("value maximum", state.valueMax(), s.valueMax);
        scorer.predictionError.record = state.errorRecord();
        scorer.sustainedError.record = state.meanErrorRecord();
        copy("level records", state.levelRecords(), scorer.levelShift.levelRecords);
        scorer.sustainedError.rows = Records.rows("recent errors", state.recentErrorRows(), Tuning.RECENT_READINGS);
        scorer.levelShift.rows = Records.rows("recent values", state.recentValueRows(), Tuning.RECENT_READINGS);
        copy("recent errors", state.recentErrors(), scorer.sustainedError.recent);
        copy("recent values", state.recentValues(), scorer.levelShift.recent);
        WeeklyShiftSignal weekly = scorer.weeklyShift;
        weekly.start = state.weeklyStart();
        weekly.rows = Records.rows("recent weekly shifts", state.recentShiftRows(), Tuning.RECENT_READINGS);
        copy("recent weekly shifts", state.recentShifts(), weekly.recent);
        copy("weekly records", state.weeklyRecords(), weekly.weeklyRecords);
        weekly.heldRows = Records.rows("held weekly ratios", state.heldRows(), Tuning.HELD_WEEKLY_READINGS);
        copy("held weekly ratios", state.heldRatios(), weekly.heldRatios);
        copy("highest readings", state.highest(), s.highest);
        copy("lowest readings", state.lowest(), s.lowest);
        scorer.flatLine.restore(state.flatRuns(), state.flatLast());
        return scorer;
    }

    DetectorState.Scorer snapshot() {
        ChannelStatistics s = statistics;
        WeeklyShiftSignal weekly = weeklyShift;
        return new DetectorState.Scorer(s.errorCount, s.errorScale.clone(), s.valueMean.clone(), s.valueVar.clone(),
                s.valueMin.clone(), s.valueMax.clone(), predictionError.record, sustainedError.record,
                levelShift.levelRecords.clone(), sustainedError.rows, sustainedError.recent.clone(), levelShift.rows,
                levelShift.recent.clone(), weekly.start, weekly.rows, weekly.recent.clone(), weekly.weeklyRecords.clone(),
                weekly.heldRows, weekly.heldRatios.clone(), s.highest.clone(), s.lowest.clone(),
                flatLine.runs.clone(), flatLine.last.clone());
    }

    /** What the detector learns of reading number {@code seen}, into {@code learned} ({@link ChannelStatistics#learnable}). */
    void learnable(long seen, double[] values, double[] learned) {
        statistics.learnable(seen, values, learned);
    }

    /**
     * Scores reading number {@code seen} (1 for a sensor's first) against its prediction, then
     * takes the reading into the running statistics.
     *
     * @param eventTime the reading's event time
     * @param learned   the reading as the statistics learn it ({@link #learnable})
     * @param predicted the prediction of this reading, or NaNs when there is none yet
     * @param lastWeek  the mean reading of the same hour a week earlier, or NaNs when there is none
     */
    Result score(long seen, long eventTime, double[] values, double[] learned, double[] predicted,
                 double[] lastWeek) {
        ScoredReading r = reading;
        r.seen = seen;
        r.eventTime = eventTime;
        r.values = values;
        r.learned = learned;
        r.predicted = predicted;
        r.lastWeek = lastWeek;
        r.keepRecords = seen > Tuning.RECORD_WARMUP;
        r.pastWarmup = seen > warmup;
        double[] shares = new double[channels];
        Arrays.fill(shares, 1.0 / channels);
        double jointError = r.hasPrediction() ? measureError(r, shares) : Double.NaN;

        double ratio = 0.0;
        Signal signal = Signal.NONE;
        for (ScoringSignal s : signals) {
            double candidate = s.ratioThenLearn(r, statistics);
            if (candidate > ratio) {
                ratio = candidate;
                signal = s.signal();
            }
        }
        statistics.learnReading(seen, values, learned);
        if (signal == Signal.FLAT_LINE) {
            // the channels that carry a flat line are the stuck ones, not those the prediction missed
            double sum = Arrays.stream(flatLine.ratios).sum();
            for (int d = 0; d < channels; d++) {
                shares[d] = flatLine.ratios[d] / sum;
            }
        }
        boolean scored = seen > warmup && ratio > 0.0;
        return new Result(scored ? ratio : 0.0, scored ? signal : Signal.NONE, jointError, shares);
    }

    /**
     * The prediction error of a reading: each channel's error divided by its typical error, the
     * channels combined as a root mean square, which is returned; each channel's share of it into
     * {@code shares}; the error statistic (its square root) and its floor into the reading; then
     * the channels' typical errors learn the reading's error as learned.
     */
    private double measureError(ScoredReading r, double[] shares) {
        double sumSquares = 0.0;
        double learnedSquares = 0.0;
        double floorSquares = 0.0;
        for (int d = 0; d < channels; d++) {
            double sd = Math.sqrt(statistics.valueVar[d]);
            double scale = Math.max(statistics.errorScale[d], Tuning.ERROR_SCALE_FLOOR * sd) + 1e-12;
            double u = Math.abs(r.values[d] - r.predicted[d]) / scale;
            shares[d] = u * u;
            sumSquares += u * u;
            double l = Math.abs(r.learned[d] - r.predicted[d]) / scale;
            learnedSquares += l * l;
            double f = Tuning.ERROR_SCALE_FLOOR * sd / scale;
            floorSquares += f * f;
        }
        statistics.learnError(r.learned, r.predicted);
        for (int d = 0; d < channels; d++) {
            shares[d] = sumSquares > 0.0 ? shares[d] / sumSquares : 1.0 / channels;
        }
        double jointError = Math.sqrt(sumSquares / channels);
        r.errorStatistic = Math.sqrt(jointError);
        r.learnedErrorStatistic = Math.sqrt(Math.sqrt(learnedSquares / channels));
        r.errorFloor = Math.sqrt(Math.sqrt(floorSquares / channels));
        return jointError;
    }

    /** The score of a largest ratio {@code r}: {@code r / (1 + r)}, in [0, 1). */
    static double scoreOf(double ratio) {
        return ratio / (1.0 + ratio);
    }

    private static void copy(String what, double[] from, double[] to) {
        SensorDetector.copy(what, from, to);
    }
}
