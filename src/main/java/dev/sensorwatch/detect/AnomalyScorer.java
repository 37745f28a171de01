package dev.sensorwatch.detect;

import java.util.Arrays;

/**
 * Turns one sensor's readings and predictions into anomaly scores. Its question is always "is
 * this the most unusual thing this sensor has done in a long while?", asked of four signals:
 *
 * <ul>
 *   <li><b>error</b>: the prediction error of this reading. Each channel's error is divided by
 *       that channel's running mean absolute error, the channels are combined as a root mean
 *       square (so all channels count, jointly) and the square root is taken;
 *   <li><b>recent error</b>: the mean of that statistic over the last {@value #RECENT} readings,
 *       which rises when predictions keep failing without any single large miss;
 *   <li><b>level</b>: per channel, how far the mean of the last {@value #RECENT} readings lies
 *       from the channel's long-run mean, beyond {@value #LEVEL_ERRORS} of the channel's
 *       typical prediction error (a smaller move is not a shift);
 *   <li><b>weekly shift</b>: per channel, how far the last {@value #RECENT} readings lie, on
 *       average, from the mean of the same hour a week earlier ({@link WeeklyProfile}), beyond
 *       {@value #WEEKLY_ERRORS} of the channel's typical prediction error. It counts once the
 *       sensor has been compared with the week before for {@value #WEEKLY_WARMUP_WEEKS} weeks,
 *       so that its record has seen ordinary weeks first. A weekly shift that <em>holds</em>
 *       counts too: the mean of its ratio over the last {@value #HELD_READINGS} comparisons,
 *       {@value #HELD_WEIGHT} times, stands for its ratio when that is larger. A shift that grows
 *       slowly keeps pace with its own record and never outgrows it (its ratio stays near 1), but
 *       staying at its record for that long is itself unusual.
 * </ul>
 *
 * <p>Each signal is divided by its own <em>decaying record</em>: the largest value it has taken,
 * halving in weight every {@link DetectorConfig#recordHalfLife()} readings. The ratio is below 1
 * for anything the sensor has done lately and above 1 for something new. The error's record
 * counts at least {@value #ERROR_RECORD_MIN}, so however calm a sensor has been, a single
 * prediction error is unusual only when it is several times its typical error (at the default
 * threshold, about eight). On top, a reading outside the range of every earlier reading of its
 * channel, by more than {@value #SPATIAL_TOLERANCE} of that range and more than
 * {@value #SPATIAL_ERRORS} of the channel's typical prediction error, counts as a ratio of at
 * least {@value #SPATIAL_RATIO}. The score is {@code R / (1 + R)} of the largest ratio
 * {@code R}: 0.5 means as unusual as the sensor's recent record.
 *
 * <p>Records start after {@value #RECORD_WARMUP} readings; scores are 0 until the detector's
 * warm-up is over. Mutable, one thread at a time.
 */
final class AnomalyScorer {

    /** Readings in the recent-error and level buffers. */
    static final int RECENT = 10;
    /** Readings before the records start to be kept. */
    static final int RECORD_WARMUP = 50;
    /** A channel's error scale is at least this fraction of its standard deviation. */
    static final double FLOOR = 1e-3;
    /**
     * Least value the single-error record counts as, in the error statistic's units (the square
     * root of the error over the typical error, about 1 for an ordinary reading).
     */
    static final double ERROR_RECORD_MIN = 2.5;
    /** A single error moves the error scale by at most this many times the scale. */
    static final double ERROR_CAP = 100.0;
    /** Fraction of the seen range beyond which a reading can be new territory. */
    static final double SPATIAL_TOLERANCE = 0.01;
    /**
     * Multiple of the channel's typical prediction error beyond the seen range from which a reading
     * can be new territory: a noisy sensor edging past its old extreme by less than its noise is
     * not yet somewhere new.
     */
    static final double SPATIAL_ERRORS = 0.5;
    /** Multiple of the channel's typical prediction error that a level shift must exceed to count. */
    static final double LEVEL_ERRORS = 1.0;
    /** Multiple of the channel's typical prediction error that a week-on-week shift must exceed to count. */
    static final double WEEKLY_ERRORS = 3.0;
    /** Weeks of comparisons with the week before after which the weekly shift counts. */
    static final int WEEKLY_WARMUP_WEEKS = 2;
    private static final long WEEK = 7 * 86_400_000L;
    /** Comparisons with the week before over which the weekly shift's ratio is averaged to see whether it holds. */
    static final int HELD_READINGS = 100;
    /** How much a held weekly shift counts: its mean ratio times this. */
    static final double HELD_WEIGHT = 1.5;
    /** The ratio a reading in new territory gets at least. */
    static final double SPATIAL_RATIO = 9.0;
    /** A record grows at most this many times per reading, so one absurd reading cannot blind the scorer. */
    static final double RECORD_GROWTH = 3.0;
    /**
     * After the warm-up, what the detector learns from a reading outside the seen range lies at
     * most this many range widths beyond it: a glitch of 65535 on a 20–30 °C sensor is flagged,
     * but is learned as 35, so the sensor stays almost as sensitive as before; a genuine move to a
     * new level is learned within a few readings, the range growing by half per reading (ten
     * range widths in six readings, a thousand in eighteen).
     */
    static final double LEARNING_REACH = 0.5;
    /**
     * During the warm-up, from reading {@value #REACH_START} + 1 on, what the detector learns of a
     * reading lies at most this many range widths beyond the seen range: wide enough for a
     * young range to grow quickly (threefold per reading), narrow enough that a glitch early in a
     * sensor's life cannot set its range, statistics and records for good.
     */
    static final double WARMUP_LEARNING_REACH = 2.0;
    /** Readings learned as they are, before the seen range means anything. */
    static final int REACH_START = 20;

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
    private final int horizon;
    private final int warmup;
    private final double decay;
    private long errorCount;
    private final double[] errorScale;
    private final double[] valueMean;
    private final double[] valueVar;
    private final double[] valueMin;
    private final double[] valueMax;
    /** Per channel, the largest and the second largest reading seen as it came (before any clamping): [2d], [2d + 1]. */
    private final double[] highest;
    /** Per channel, the smallest and the second smallest reading seen as it came. */
    private final double[] lowest;
    private double errorRecord;
    private double meanErrorRecord;
    private final double[] levelRecords;
    private int recentErrorRows;
    private final double[] recentErrors;
    private int recentValueRows;
    private final double[] recentValues;
    private long weeklyStart;
    private int recentShiftRows;
    private final double[] recentShifts;
    private final double[] weeklyRecords;
    private int heldRows;
    private final double[] heldRatios;
    /** This reading's differences from the week before; scratch, not state. */
    private final double[] shiftScratch;

    AnomalyScorer(DetectorConfig config, int channels) {
        this.channels = channels;
        this.horizon = config.errorHorizon();
        this.warmup = config.warmupReadings();
        this.decay = StrictMath.pow(0.5, 1.0 / config.recordHalfLife());
        this.errorScale = new double[channels];
        this.valueMean = new double[channels];
        this.valueVar = new double[channels];
        this.valueMin = new double[channels];
        this.valueMax = new double[channels];
        Arrays.fill(valueMin, Double.POSITIVE_INFINITY);
        Arrays.fill(valueMax, Double.NEGATIVE_INFINITY);
        this.highest = new double[2 * channels];
        this.lowest = new double[2 * channels];
        Arrays.fill(highest, Double.NEGATIVE_INFINITY);
        Arrays.fill(lowest, Double.POSITIVE_INFINITY);
        this.levelRecords = new double[channels];
        this.recentErrors = new double[RECENT];
        this.recentValues = new double[RECENT * channels];
        this.weeklyStart = Long.MIN_VALUE;
        this.recentShifts = new double[RECENT * channels];
        this.weeklyRecords = new double[channels];
        this.heldRatios = new double[HELD_READINGS];
        this.shiftScratch = new double[channels];
    }

    static AnomalyScorer restore(DetectorConfig config, int channels, DetectorState.Scorer state) {
        AnomalyScorer scorer = new AnomalyScorer(config, channels);
        scorer.errorCount = state.errorCount();
        copy("error scale", state.errorScale(), scorer.errorScale);
        copy("value mean", state.valueMean(), scorer.valueMean);
        copy("value variance", state.valueVar(), scorer.valueVar);
        copy("value minimum", state.valueMin(), scorer.valueMin);
        copy("value maximum", state.valueMax(), scorer.valueMax);
        scorer.errorRecord = state.errorRecord();
        scorer.meanErrorRecord = state.meanErrorRecord();
        copy("level records", state.levelRecords(), scorer.levelRecords);
        scorer.recentErrorRows = rows("recent errors", state.recentErrorRows());
        scorer.recentValueRows = rows("recent values", state.recentValueRows());
        copy("recent errors", state.recentErrors(), scorer.recentErrors);
        copy("recent values", state.recentValues(), scorer.recentValues);
        scorer.weeklyStart = state.weeklyStart();
        scorer.recentShiftRows = rows("recent weekly shifts", state.recentShiftRows());
        copy("recent weekly shifts", state.recentShifts(), scorer.recentShifts);
        copy("weekly records", state.weeklyRecords(), scorer.weeklyRecords);
        scorer.heldRows = rows("held weekly ratios", state.heldRows(), HELD_READINGS);
        copy("held weekly ratios", state.heldRatios(), scorer.heldRatios);
        copy("highest readings", state.highest(), scorer.highest);
        copy("lowest readings", state.lowest(), scorer.lowest);
        return scorer;
    }

    DetectorState.Scorer snapshot() {
        return new DetectorState.Scorer(errorCount, errorScale.clone(), valueMean.clone(), valueVar.clone(),
                valueMin.clone(), valueMax.clone(), errorRecord, meanErrorRecord, levelRecords.clone(),
                recentErrorRows, recentErrors.clone(), recentValueRows, recentValues.clone(), weeklyStart,
                recentShiftRows, recentShifts.clone(), weeklyRecords.clone(), heldRows, heldRatios.clone(),
                highest.clone(), lowest.clone());
    }

    /**
     * What the detector learns of reading number {@code seen}, into {@code learned}: after the
     * warm-up each channel's value clamped to {@value #LEARNING_REACH} range widths beyond the
     * channel's seen range; in the warm-up, from reading {@value #REACH_START} + 1 on, clamped to
     * {@value #WARMUP_LEARNING_REACH} range widths; before that the values themselves (a range of
     * 0 counts as a tiny one).
     */
    void learnable(long seen, double[] values, double[] learned) {
        for (int d = 0; d < channels; d++) {
            double v = values[d];
            if (seen > warmup || seen > REACH_START) {
                double range = valueMax[d] - valueMin[d];
                double reach = (seen > warmup ? LEARNING_REACH : WARMUP_LEARNING_REACH)
                        * Math.max(range, 1e-9 * (1.0 + Math.abs(valueMax[d])));
                v = Math.max(rangeBottom(d) - reach, Math.min(rangeTop(d) + reach, v));
            }
            learned[d] = v;
        }
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
        double ratio = 0.0;
        Signal signal = Signal.NONE;
        double jointError = Double.NaN;
        double[] shares = new double[channels];
        Arrays.fill(shares, 1.0 / channels);
        boolean keepRecords = seen > RECORD_WARMUP;

        if (!Double.isNaN(predicted[0])) {
            double sumSquares = 0.0;
            double learnedSquares = 0.0;
            double floorSquares = 0.0;
            for (int d = 0; d < channels; d++) {
                double sd = Math.sqrt(valueVar[d]);
                double scale = Math.max(errorScale[d], FLOOR * sd) + 1e-12;
                double u = Math.abs(values[d] - predicted[d]) / scale;
                shares[d] = u * u;
                sumSquares += u * u;
                double l = Math.abs(learned[d] - predicted[d]) / scale;
                learnedSquares += l * l;
                double f = FLOOR * sd / scale;
                floorSquares += f * f;
            }
            errorCount++;
            double alpha = Math.max(1.0 / errorCount, 1.0 / horizon);
            for (int d = 0; d < channels; d++) {
                double absolute = Math.abs(learned[d] - predicted[d]);
                double capped = errorCount <= 2 ? absolute
                        : Math.min(absolute, ERROR_CAP * Math.max(errorScale[d], FLOOR * Math.sqrt(valueVar[d])));
                errorScale[d] += alpha * (capped - errorScale[d]);
            }
            for (int d = 0; d < channels; d++) {
                shares[d] = sumSquares > 0.0 ? shares[d] / sumSquares : 1.0 / channels;
            }
            jointError = Math.sqrt(sumSquares / channels);
            if (keepRecords) {
                double statistic = Math.sqrt(jointError);
                double learnedStatistic = Math.sqrt(Math.sqrt(learnedSquares / channels));
                double floor = Math.sqrt(Math.sqrt(floorSquares / channels));
                double single = ratio(statistic, Math.max(errorRecord, ERROR_RECORD_MIN), floor);
                errorRecord = record(learnedStatistic, errorRecord, floor);
                recentErrorRows = push(recentErrors, recentErrorRows, learnedStatistic);
                double mean = mean(recentErrors, recentErrorRows, 1, 0);
                double sustained = ratio(mean, meanErrorRecord, floor);
                meanErrorRecord = record(mean, meanErrorRecord, floor);
                if (single > 0.0 || sustained > 0.0) {
                    ratio = Math.max(single, sustained);
                    signal = sustained > single ? Signal.SUSTAINED_ERROR : Signal.PREDICTION_ERROR;
                }
            }
        }
        if (keepRecords) {
            recentValueRows = push(recentValues, recentValueRows, learned, channels);
            for (int d = 0; d < channels; d++) {
                double shift = Math.max(0.0, Math.abs(mean(recentValues, recentValueRows, channels, d) - valueMean[d])
                        - LEVEL_ERRORS * errorScale[d]);
                double floor = FLOOR * Math.sqrt(valueVar[d]) + 1e-12;
                double level = ratio(shift, levelRecords[d], floor);
                levelRecords[d] = record(shift, levelRecords[d], floor);
                if (level > ratio) {
                    ratio = level;
                    signal = Signal.LEVEL_SHIFT;
                }
            }
            if (!Double.isNaN(lastWeek[0])) {
                double weekly = weeklyRatio(eventTime, learned, lastWeek);
                if (weekly > ratio) {
                    ratio = weekly;
                    signal = Signal.WEEKLY_SHIFT;
                }
            }
        }
        if (seen > warmup) {
            for (int d = 0; d < channels; d++) {
                double tolerance = Math.max(SPATIAL_TOLERANCE * (valueMax[d] - valueMin[d]),
                        SPATIAL_ERRORS * errorScale[d]);
                if ((values[d] > rangeTop(d) + tolerance || values[d] < rangeBottom(d) - tolerance)
                        && SPATIAL_RATIO > ratio) {
                    ratio = SPATIAL_RATIO;
                    signal = Signal.NEW_TERRITORY;
                }
            }
        }
        double alpha = Math.max(1.0 / seen, 1.0 / horizon);
        for (int d = 0; d < channels; d++) {
            if (values[d] > highest[2 * d]) {
                highest[2 * d + 1] = highest[2 * d];
                highest[2 * d] = values[d];
            } else if (values[d] > highest[2 * d + 1]) {
                highest[2 * d + 1] = values[d];
            }
            if (values[d] < lowest[2 * d]) {
                lowest[2 * d + 1] = lowest[2 * d];
                lowest[2 * d] = values[d];
            } else if (values[d] < lowest[2 * d + 1]) {
                lowest[2 * d + 1] = values[d];
            }
            valueMin[d] = Math.min(valueMin[d], learned[d]);
            valueMax[d] = Math.max(valueMax[d], learned[d]);
            double delta = learned[d] - valueMean[d];
            valueMean[d] += alpha * delta;
            valueVar[d] = (1.0 - alpha) * (valueVar[d] + alpha * delta * delta);
        }
        boolean scored = seen > warmup && ratio > 0.0;
        return new Result(scored ? ratio : 0.0, scored ? signal : Signal.NONE, jointError, shares);
    }

    /**
     * The weekly shift's largest ratio over the channels, after taking this reading's difference
     * from the week before into the buffer and the records, or, when larger and the ratio is not
     * 0, {@value #HELD_WEIGHT} times its mean over the last {@value #HELD_READINGS} comparisons;
     * 0 until the comparisons are {@value #WEEKLY_WARMUP_WEEKS} weeks old.
     */
    private double weeklyRatio(long eventTime, double[] learned, double[] lastWeek) {
        if (weeklyStart == Long.MIN_VALUE) {
            weeklyStart = eventTime;
        }
        double[] shifts = shiftScratch;
        for (int d = 0; d < channels; d++) {
            shifts[d] = learned[d] - lastWeek[d];
        }
        recentShiftRows = push(recentShifts, recentShiftRows, shifts, channels);
        double largest = 0.0;
        for (int d = 0; d < channels; d++) {
            double shift = Math.max(0.0, Math.abs(mean(recentShifts, recentShiftRows, channels, d))
                    - WEEKLY_ERRORS * errorScale[d]);
            double floor = FLOOR * Math.sqrt(valueVar[d]) + 1e-12;
            largest = Math.max(largest, ratio(shift, weeklyRecords[d], floor));
            weeklyRecords[d] = record(shift, weeklyRecords[d], floor);
        }
        double ratio = eventTime - weeklyStart >= WEEKLY_WARMUP_WEEKS * WEEK ? largest : 0.0;
        heldRows = push(heldRatios, heldRows, ratio);
        if (heldRows == HELD_READINGS && ratio > 0.0) {
            ratio = Math.max(ratio, HELD_WEIGHT * mean(heldRatios, heldRows, 1, 0));
        }
        return ratio;
    }

    /**
     * The top of channel {@code d}'s range: the largest reading learned, or the second largest
     * reading seen if that is higher. A level the sensor has reached twice belongs to it, even
     * where learning clamped it ({@link #learnable}).
     */
    private double rangeTop(int d) {
        return Math.max(valueMax[d], highest[2 * d + 1]);
    }

    /** The bottom of channel {@code d}'s range: the smallest reading learned, or the second smallest seen if lower. */
    private double rangeBottom(int d) {
        return Math.min(valueMin[d], lowest[2 * d + 1]);
    }

    /** A signal's value over its record (0 while there is none yet); the record counts at least {@code floor}. */
    private static double ratio(double value, double record, double floor) {
        return record > 0.0 ? value / Math.max(record, floor) : 0.0;
    }

    /** The record after {@code value}: the larger of the decayed record and the value, grown at most {@link #RECORD_GROWTH}-fold. */
    private double record(double value, double record, double floor) {
        double bounded = record > 0.0 ? Math.min(value, RECORD_GROWTH * Math.max(record, floor)) : value;
        return Math.max(bounded, record * decay);
    }

    /** The score of a largest ratio {@code r}: {@code r / (1 + r)}, in [0, 1). */
    static double scoreOf(double ratio) {
        return ratio / (1.0 + ratio);
    }

    /** Appends a row of {@code width} values to a buffer of {@value #RECENT} rows holding {@code rows}; returns the new count. */
    private static int push(double[] buffer, int rows, double[] row, int width) {
        if (rows == RECENT) {
            System.arraycopy(buffer, width, buffer, 0, (RECENT - 1) * width);
            rows--;
        }
        System.arraycopy(row, 0, buffer, rows * width, width);
        return rows + 1;
    }

    /** Appends one value to a one-column buffer holding {@code rows}, dropping the oldest when full; returns the new count. */
    private static int push(double[] buffer, int rows, double value) {
        if (rows == buffer.length) {
            System.arraycopy(buffer, 1, buffer, 0, buffer.length - 1);
            rows--;
        }
        buffer[rows] = value;
        return rows + 1;
    }

    /** Mean of one column over the first {@code rows} rows of a buffer. */
    private static double mean(double[] buffer, int rows, int width, int column) {
        double sum = 0.0;
        for (int r = 0; r < rows; r++) {
            sum += buffer[r * width + column];
        }
        return sum / rows;
    }

    private static int rows(String what, int rows) {
        return rows(what, rows, RECENT);
    }

    private static int rows(String what, int rows, int capacity) {
        if (rows < 0 || rows > capacity) {
            throw new IllegalArgumentException("stored " + what + " hold " + rows + " rows, at most " + capacity + " fit");
        }
        return rows;
    }

    private static void copy(String what, double[] from, double[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("stored " + what + " has " + from.length
                    + " values, expected " + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }
}
