package dev.sensorwatch.detect;

/**
 * Every tuning constant of the detector, in one place, each with the principle it follows: the
 * online scorer and its signals, the event rule, the ensemble, the online LSTM member, learning
 * from history and the tail calibration. The flag threshold and the model sizes a user may
 * change are in {@link DetectorConfig}; these are not options, because each follows from what it
 * says rather than from one data set, and changing one changes every stored detector's future
 * scores (the golden-state tests pin them).
 */
public final class Tuning {

    private Tuning() {
    }

    // ---- Online scoring (AnomalyScorer and its signals) ----

    /** Readings in the recent-error and level buffers. */
    public static final int RECENT_READINGS = 10;

    /** Readings before the records start to be kept. */
    public static final int RECORD_WARMUP = 50;

    /** A channel's error scale is at least this fraction of its standard deviation. */
    public static final double ERROR_SCALE_FLOOR = 1e-3;

    /**
     * Least value the single-error record counts as, in the error statistic's units (the square
     * root of the error over the typical error, about 1 for an ordinary reading).
     */
    public static final double ERROR_RECORD_MIN = 2.5;

    /** A single error moves the error scale by at most this many times the scale. */
    public static final double ERROR_CAP = 100.0;

    /** Fraction of the seen range beyond which a reading can be new territory. */
    public static final double SPATIAL_TOLERANCE = 0.01;

    /**
     * Multiple of the channel's typical prediction error beyond the seen range from which a reading
     * can be new territory: a noisy sensor edging past its old extreme by less than its noise is
     * not yet somewhere new.
     */
    public static final double SPATIAL_ERRORS = 0.5;

    /** Multiple of the channel's typical prediction error that a level shift must exceed to count. */
    public static final double LEVEL_ERRORS = 1.0;

    /** Multiple of the channel's typical prediction error that a week-on-week shift must exceed to count. */
    public static final double WEEKLY_ERRORS = 3.0;

    /** Weeks of comparisons with the week before after which the weekly shift counts. */
    public static final int WEEKLY_WARMUP_WEEKS = 2;

    /** Comparisons with the week before over which the weekly shift's ratio is averaged to see whether it holds. */
    public static final int HELD_WEEKLY_READINGS = 100;

    /** How much a held weekly shift counts: its mean ratio times this. */
    public static final double HELD_WEEKLY_WEIGHT = 1.5;

    /** The ratio a reading in new territory gets at least. */
    public static final double SPATIAL_RATIO = 9.0;

    /** A record grows at most this many times per reading, so one absurd reading cannot blind the scorer. */
    public static final double RECORD_GROWTH = 3.0;

    /**
     * After the warm-up, what the detector learns from a reading outside the seen range lies at
     * most this many range widths beyond it: a glitch of 65535 on a 20–30 °C sensor is flagged,
     * but is learned as 35, so the sensor stays almost as sensitive as before; a genuine move to a
     * new level is learned within a few readings, the range growing by half per reading (ten
     * range widths in six readings, a thousand in eighteen).
     */
    public static final double LEARNING_REACH = 0.5;

    /**
     * During the warm-up, from reading {@value #REACH_START} + 1 on, what the detector learns of a
     * reading lies at most this many range widths beyond the seen range: wide enough for a
     * young range to grow quickly (threefold per reading), narrow enough that a glitch early in a
     * sensor's life cannot set its range, statistics and records for good.
     */
    public static final double WARMUP_LEARNING_REACH = 2.0;

    /** Readings learned as they are, before the seen range means anything. */
    public static final int REACH_START = 20;

    // ---- Events (online detector) ----

    /**
     * Readings in a row scoring below the threshold that end an event. A flagged reading opens an
     * event; its later readings score 0 and are not flagged, so a disturbance raises one alarm,
     * however long it lasts.
     */
    public static final int EVENT_QUIET = 20;

    /** Readings after an event ends during which ratios are damped by {@link #AFTER_EVENT_DAMPING}. */
    public static final int AFTER_EVENT = 100;

    /**
     * What a ratio is divided by in the {@value #AFTER_EVENT} readings after an event: at the
     * default threshold a reading then opens an event at a score of about 0.635 instead of 0.537.
     */
    public static final double AFTER_EVENT_DAMPING = 1.5;

    /**
     * A reading whose largest ratio reaches this (as unusual as the sensor's recent record) is
     * left out of the weekly profile, which learns the sensor's ordinary weeks: a short
     * disturbance does not come back a week later as a weekly shift of the readings that follow
     * it. (The later readings of a long one score below it once the records have grown, and are
     * kept.)
     */
    public static final double WEEKLY_UNUSUAL = 1.0;

    // ---- Ensemble of predictors ----

    /** Readings over which each member's running mean squared error adapts. */
    public static final int MEMBER_HORIZON = 300;

    /**
     * Readings before members' errors count: until the normaliser has seen some changes its
     * deviation is near zero, and errors in its units would be astronomically large and weigh on
     * a member's running error for thousands of readings.
     */
    public static final int MEMBER_WARMUP = 20;

    // ---- The online LSTM member ----

    /** Floor under a channel's standard deviation, relative to its mean's magnitude plus one. */
    public static final double SIGMA_FLOOR = 1e-6;

    /** Normalised inputs are clamped to ±this before they reach the cell. */
    public static final double INPUT_CLAMP = 10.0;

    // ---- Learning from history (TrainedModel) ----

    /** Fewest readings a training period holds: fewer say too little about a sensor to train on. */
    public static final int MIN_TRAINING_READINGS = 100;

    /**
     * Most readings a sensor's training period keeps: beyond it the oldest are dropped, so the
     * model learns from the latest {@value} readings of its period (memory per sensor in its
     * training period: at most {@value} × D doubles).
     */
    public static final int MAX_TRAINING_READINGS = 20_000;

    /**
     * Most values (readings × channels) a training period keeps, so that a sensor's stored state
     * in its training period stays under 1 MB (Kafka's default largest message): a sensor of 8
     * channels keeps its latest 10,000 readings.
     */
    public static final int MAX_TRAINING_VALUES = 80_000;

    /** Percentage of the training readings, the latest, held back for early stopping and calibration. */
    public static final int HELD_BACK_PERCENT = 25;

    /** Hidden sizes tried; the one with the lowest held-back error is kept. */
    public static final int[] HIDDEN_SIZES = {8, 16};

    /** Steps of truncated BPTT. */
    public static final int BPTT_WINDOW = 32;

    /** Most passes over the fit part. */
    public static final int MAX_PASSES = 30;

    /** Passes without a better held-back error after which training stops. */
    public static final int PATIENCE = 3;

    /** Bound on passes × fit readings per hidden size, which bounds the training time of one sensor. */
    public static final long STEP_BUDGET = 1_000_000L;

    /** Adam's initial step size (decayed by cosine over the passes). */
    public static final double LEARNING_RATE = 0.01;

    /** Ridge added to each covariance, as a fraction of its mean variance. */
    public static final double RIDGE = 1e-3;

    /**
     * Probability with which a normal reading reaches the calibrated level of a statistic: a
     * score of 0.5 is as rare as one normal reading in 10,000.
     */
    public static final double TAIL_PROBABILITY = 1e-4;

    /** Readings over which the sustained error and the state are averaged. */
    public static final int SMOOTHING = 10;

    // ---- Tail calibration (TailLevel) ----

    /** Quantile of the sample above which values count as its tail. */
    public static final double TAIL_QUANTILE = 0.98;

    /** Fewest values in the tail for a fit. */
    public static final int MIN_TAIL = 10;

    /** Bounds of the fitted shape parameter: beyond them a fit on a small tail says more about the sample than the law. */
    public static final double MAX_SHAPE = 0.5;
}
