package dev.sensorwatch.detect;

import dev.sensorwatch.lstm.LstmShape;
import dev.sensorwatch.lstm.LstmState;
import dev.sensorwatch.lstm.OnlineLstm;
import dev.sensorwatch.lstm.OnlineTrainer;
import java.util.Arrays;

/**
 * One sensor's detector. It starts knowing nothing and learns the sensor's normal behaviour
 * online, from a small ensemble of predictors ("members") and a scorer:
 *
 * <ul>
 *   <li>the <b>LSTM</b> member: an LSTM cell learning, one Adam/BPTT step per reading over a
 *       window of recent rows, to predict the change from one reading to the next (inputs and
 *       targets are the differences between consecutive readings, normalised per channel);
 *   <li>the <b>last value</b> member: the reading before;
 *   <li>the <b>daily profile</b> member: the reading at the same time of day a day earlier
 *       ({@link DailyProfile}).
 * </ul>
 *
 * <p>Beside the members, a {@link WeeklyProfile} keeps each hour of the week's mean reading; it
 * predicts nothing, but the scorer compares the recent readings with the same hour a week
 * earlier. It learns only readings scoring a ratio below {@value #WEEKLY_UNUSUAL}, so that what it
 * holds is an ordinary week.
 *
 * <p>For each reading, in this order:
 *
 * <ol>
 *   <li><b>predict</b>: of the members with a prediction of this reading, take the one whose
 *       running mean squared error is lowest (the ensemble's choice is made before the reading
 *       is seen);
 *   <li><b>score</b> the reading against that prediction ({@link AnomalyScorer}); channel shares
 *       say which channels carried the error. A flagged reading opens an event: the readings
 *       after it belong to the same event, score 0 and are not flagged, until
 *       {@value #EVENT_QUIET} readings in a row have scored below the threshold. For
 *       {@value #AFTER_EVENT} readings after an event ends, ratios count
 *       {@value #AFTER_EVENT_DAMPING} times less, so only something clearly more unusual opens
 *       the next event (a disturbance flaring up again does not raise a second alarm). Every
 *       score says which {@link Signal} gave it and whether its reading belongs to an event;
 *   <li><b>learn</b>: update each member's running error, append the normalised difference to
 *       the LSTM's window and take one Adam step over it, step the cell over the newest row and
 *       keep its prediction of the next reading; keep the reading in the daily profile and,
 *       unless it was unusual, in the weekly one.
 * </ol>
 *
 * <p>No reading is learned from before it is scored, and the work per reading is bounded by the
 * window length. The same readings in the same order give bit-identical scores, whether the
 * detector stays in memory or is saved to a {@link DetectorState} and restored between readings.
 *
 * <p>Mutable; one thread at a time. Arithmetic runs through a per-thread {@link OnlineTrainer}
 * (see {@link Workspace}).
 */
public final class SensorDetector {

    /** Floor under a channel's standard deviation, relative to its mean's magnitude plus one. */
    static final double SIGMA_FLOOR = 1e-6;
    /** Normalised inputs are clamped to ±this before they reach the cell. */
    static final double INPUT_CLAMP = 10.0;
    /** Readings over which each member's running mean squared error adapts. */
    static final int MEMBER_HORIZON = 300;
    /**
     * Readings before members' errors count: until the normaliser has seen some changes its
     * deviation is near zero, and errors in its units would be astronomically large and weigh on
     * a member's running error for thousands of readings.
     */
    static final int MEMBER_WARMUP = 20;
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
    static final double WEEKLY_UNUSUAL = 1.0;
    /** Member indices, in order of preference when their errors tie. */
    static final int LSTM = 0;
    static final int LAST_VALUE = 1;
    static final int DAILY_PROFILE = 2;
    private static final int MEMBERS = 3;

    private final DetectorConfig config;
    private final int channels;
    private final OnlineLstm model;
    private long readings;
    private long lastEventTime;
    private final double[] lastValues;
    // the LSTM member
    private final double[] mean;
    private final double[] var;
    private int windowRows;
    private final double[] window;
    private final LstmState start;
    private final LstmState live;
    private final double[] lstmPrediction;
    // the ensemble
    private final double[] memberErrors;
    private final long[] memberCounts;
    private final DailyProfile profile;
    private final WeeklyProfile weekly;
    /** The same hour's mean a week before the current reading; scratch, not state. */
    private final double[] lastWeek;
    private final AnomalyScorer scorer;
    /**
     * Inside an event, the readings below the threshold in a row still needed to end it (1 to
     * {@value #EVENT_QUIET}); after an event, minus the readings left of the damped period (-1 to
     * -{@value #AFTER_EVENT}); otherwise 0.
     */
    private final EventRule events = new EventRule(EVENT_QUIET, AFTER_EVENT, AFTER_EVENT_DAMPING);
    /** Each member's prediction of the next reading, indexed by {@link #LSTM}, {@link #LAST_VALUE}, {@link #DAILY_PROFILE}. */
    private final double[][] memberPredictions;
    /** The current reading as learned (see {@link AnomalyScorer#learnable}); scratch, not state. */
    private final double[] learnedValues;
    /** Which members the ensemble may choose, indexed by {@link #LSTM}, {@link #LAST_VALUE}, {@link #DAILY_PROFILE}. */
    private final boolean[] enabled;
    /** With a training period, the detector that learns from it and judges what follows; else null. */
    private HistoryDetector history;

    private SensorDetector(DetectorConfig config, int channels, OnlineLstm model, LstmState start,
                           LstmState live, DailyProfile profile, WeeklyProfile weekly, AnomalyScorer scorer) {
        this.config = config;
        this.channels = channels;
        this.model = model;
        this.lastValues = new double[channels];
        Arrays.fill(lastValues, Double.NaN);
        this.mean = new double[channels];
        this.var = new double[channels];
        this.window = new double[config.windowRows() * channels];
        this.start = start;
        this.live = live;
        this.lstmPrediction = new double[channels];
        Arrays.fill(lstmPrediction, Double.NaN);
        this.memberErrors = new double[MEMBERS];
        this.memberCounts = new long[MEMBERS];
        this.profile = profile;
        this.weekly = weekly;
        this.lastWeek = new double[channels];
        this.scorer = scorer;
        this.lastEventTime = Long.MIN_VALUE;
        this.memberPredictions = new double[MEMBERS][];
        this.learnedValues = new double[channels];
        this.enabled = new boolean[] {config.members().contains(Member.LSTM),
            config.members().contains(Member.LAST_VALUE), config.members().contains(Member.DAILY_PROFILE)};
        this.history = config.training().isSet() ? new HistoryDetector(config, channels) : null;
        memberPredictions[LSTM] = lstmPrediction;
        memberPredictions[LAST_VALUE] = lastValues;
        memberPredictions[DAILY_PROFILE] = new double[channels];
    }

    /**
     * Returns a detector for a sensor with {@code channels} channels that has seen nothing yet.
     *
     * @throws IllegalArgumentException if {@code channels} is not positive
     */
    public static SensorDetector fresh(DetectorConfig config, int channels) {
        LstmShape shape = LstmShape.of(channels, config.hiddenSize());
        return new SensorDetector(config, channels, OnlineLstm.initialise(shape, config.seed()),
                LstmState.zeros(config.hiddenSize()), LstmState.zeros(config.hiddenSize()),
                new DailyProfile(channels), new WeeklyProfile(channels), new AnomalyScorer(config, channels));
    }

    /**
     * Returns a detector continuing from {@code state} exactly where it left off.
     *
     * @throws IllegalArgumentException if {@code state} does not fit {@code config}
     */
    public static SensorDetector restore(DetectorConfig config, DetectorState state) {
        int d = state.channels();
        if (state.history() != null) {
            // the stored state decides whether the sensor has a training period: a sensor that
            // began with one goes on with it (its online parts are not stored)
            SensorDetector detector = fresh(config.withTraining(TrainingPeriod.NONE), d);
            detector.history = HistoryDetector.restore(config, d, state.history());
            return detector;
        }
        DetectorState.Lstm lstm = state.lstm();
        LstmShape expected = LstmShape.of(d, config.hiddenSize());
        if (!lstm.weights().shape().equals(expected)) {
            throw new IllegalArgumentException("stored detector has weights for " + lstm.weights().shape()
                    + " but this configuration needs " + expected);
        }
        if (lstm.window().length != config.windowRows() * d) {
            throw new IllegalArgumentException("stored detector has a window of " + lstm.window().length / d
                    + " rows but this configuration uses " + config.windowRows());
        }
        if (lstm.windowRows() < 0 || lstm.windowRows() > config.windowRows()) {
            throw new IllegalArgumentException("stored detector holds " + lstm.windowRows()
                    + " window rows, at most " + config.windowRows() + " fit");
        }
        SensorDetector detector = new SensorDetector(config, d,
                OnlineLstm.restore(lstm.weights(), lstm.adamFirstMoment(), lstm.adamSecondMoment(),
                        lstm.adamSteps()),
                LstmState.of(lstm.startHidden(), lstm.startCell()),
                LstmState.of(lstm.hidden(), lstm.cell()),
                DailyProfile.restore(d, state.profileTimes(), state.profileValues()),
                WeeklyProfile.restore(d, state.weekly()),
                AnomalyScorer.restore(config, d, state.scorer()));
        detector.readings = state.readings();
        detector.lastEventTime = state.lastEventTime();
        detector.events.restoreInPlace(state.holdOff());
        copy("last values", state.lastValues(), detector.lastValues);
        copy("normalizer mean", lstm.normalizerMean(), detector.mean);
        copy("normalizer variance", lstm.normalizerVar(), detector.var);
        detector.windowRows = lstm.windowRows();
        System.arraycopy(lstm.window(), 0, detector.window, 0, detector.window.length);
        copy("prediction", lstm.prediction(), detector.lstmPrediction);
        copy("member errors", state.memberErrors(), detector.memberErrors);
        if (state.memberCounts().length != MEMBERS) {
            throw new IllegalArgumentException("stored member counts has " + state.memberCounts().length
                    + " values, expected " + MEMBERS);
        }
        System.arraycopy(state.memberCounts(), 0, detector.memberCounts, 0, MEMBERS);
        // a sensor that began without a training period goes on learning online
        detector.history = null;
        return detector;
    }

    /** Returns everything this detector remembers, as fresh arrays. */
    public DetectorState snapshot() {
        if (history != null) {
            return DetectorState.ofHistory(channels, history.snapshot());
        }
        DetectorState.Lstm lstm = new DetectorState.Lstm(mean.clone(), var.clone(), windowRows, window.clone(),
                start.copyHidden(), start.copyCell(), live.copyHidden(), live.copyCell(), lstmPrediction.clone(),
                model.weights(), model.copyFirstMoment(), model.copySecondMoment(), model.updates());
        return new DetectorState(channels, readings, lastEventTime, events.holdOff(), lastValues.clone(), lstm,
                memberErrors.clone(), memberCounts.clone(), profile.copyTimes(), profile.copyValues(), weekly.snapshot(),
                scorer.snapshot());
    }

    /** Number of channels of this sensor's readings. */
    public int channels() {
        return channels;
    }

    /** Readings accepted so far. */
    public long readings() {
        return history != null ? history.readings() : readings;
    }

    /** Event time of the last accepted reading, or {@link Long#MIN_VALUE} before the first. */
    public long lastEventTime() {
        return history != null ? history.lastEventTime() : lastEventTime;
    }

    /**
     * What this detector learned from its training period: null without a training period or
     * while the sensor is still in it.
     */
    public TrainedModel trainedModel() {
        return history == null ? null : history.model();
    }

    /**
     * Says why a reading cannot be scored by this detector, or {@code null} if it can.
     */
    public Rejection check(long eventTime, double[] values) {
        if (values.length != channels) {
            return Rejection.CHANNEL_MISMATCH;
        }
        for (double v : values) {
            if (!Rejection.usable(v)) {
                return Rejection.NON_FINITE;
            }
        }
        if (readings() > 0 && eventTime <= lastEventTime()) {
            return Rejection.OUT_OF_ORDER;
        }
        return null;
    }

    /**
     * Scores a reading, then learns from it and predicts the next one.
     *
     * @throws IllegalArgumentException if {@link #check} rejects the reading
     */
    public Score process(long eventTime, double[] values, Workspace workspace) {
        Rejection rejection = check(eventTime, values);
        if (rejection != null) {
            throw new IllegalArgumentException("reading at " + eventTime + " rejected: " + rejection.code());
        }
        if (history != null) {
            return history.process(eventTime, values);
        }
        OnlineTrainer trainer = workspace.trainerFor(model.shape(), config);

        // 1. the members' predictions of this reading; the ensemble takes the one with the lowest running error
        double[][] predictions = memberPredictions;
        profile.predictInto(eventTime, predictions[DAILY_PROFILE]);
        int chosen = -1;
        for (int m = 0; m < MEMBERS; m++) {
            if (enabled[m] && !Double.isNaN(predictions[m][0])
                    && (chosen < 0 || memberErrors[m] < memberErrors[chosen])) {
                chosen = m;
            }
        }
        double[] predicted = chosen >= 0 ? predictions[chosen].clone()
                : enabled[LSTM] ? lstmPrediction.clone() : nanPrediction();

        // 2. score against it
        double[] learned = learnedValues;
        scorer.learnable(readings + 1, values, learned);
        weekly.predictInto(eventTime, lastWeek);
        AnomalyScorer.Result result = scorer.score(readings + 1, eventTime, values, learned, predicted, lastWeek);
        double score = AnomalyScorer.scoreOf(events.damped(result.ratio()));
        Signal signal = result.signal();
        boolean reaches = score >= config.threshold();
        EventRule.Phase phase = events.stepInPlace(reaches, reaches);
        boolean inEvent = phase != EventRule.Phase.OUTSIDE;
        if (phase == EventRule.Phase.INSIDE) {
            score = 0.0; // one alarm per event: the readings after the one that opened it score 0
            signal = Signal.NONE;
        }
        Score out = new Score(eventTime, values.clone(), predicted, result.jointError(), score,
                score >= config.threshold(), result.shares(), readings, signal, inEvent);

        // 3. learn, from the reading as learned (a glitch far outside the range is learned as a
        //    reading just beyond it): each member's running error, in units of the normaliser's deviation
        for (int m = 0; m < MEMBERS; m++) {
            if (!Double.isNaN(predictions[m][0]) && readings >= MEMBER_WARMUP) {
                double squares = 0.0;
                for (int d = 0; d < channels; d++) {
                    double e = (learned[d] - predictions[m][d]) / sigma(d);
                    squares += e * e;
                }
                memberCounts[m]++;
                double alpha = Math.max(1.0 / memberCounts[m], 1.0 / MEMBER_HORIZON);
                memberErrors[m] += alpha * (squares - memberErrors[m]);
            }
        }
        if (readings > 0) {
            learnDifference(learned, trainer);
        }
        profile.record(eventTime, learned);
        if (result.ratio() < WEEKLY_UNUSUAL) {
            weekly.record(eventTime, learned);
        }
        System.arraycopy(learned, 0, lastValues, 0, channels);
        readings++;
        lastEventTime = eventTime;
        return out;
    }

    /**
     * The LSTM member's step: normalise the change from the last reading with the statistics
     * before it, slide it into the window, take one Adam step over the window, then step the
     * updated cell over the newest row and keep the readout, denormalised and added to this
     * reading, as the prediction of the next reading.
     */
    private void learnDifference(double[] values, OnlineTrainer trainer) {
        long differences = readings - 1;
        int rows = config.windowRows();
        if (windowRows == rows) {
            trainer.stepInPlace(model, window, 0, start);
            System.arraycopy(window, channels, window, 0, (rows - 1) * channels);
            windowRows--;
        }
        int row = windowRows * channels;
        for (int d = 0; d < channels; d++) {
            double change = values[d] - lastValues[d];
            double z = differences == 0 ? 0.0 : (change - mean[d]) / sigma(d);
            window[row + d] = Math.max(-INPUT_CLAMP, Math.min(INPUT_CLAMP, z));
        }
        windowRows++;
        if (windowRows >= 2) {
            trainer.learnInPlace(model, start, window, windowRows);
        }
        double alpha = Math.max(1.0 / (differences + 1), 1.0 / config.normalizerHorizon());
        for (int d = 0; d < channels; d++) {
            double delta = values[d] - lastValues[d] - mean[d];
            mean[d] += alpha * delta;
            var[d] = (1.0 - alpha) * (var[d] + alpha * delta * delta);
        }
        if (windowRows >= 2) {
            trainer.copyLearnedStateInto(live);
        } else {
            live.setInPlace(start);
        }
        trainer.stepInPlace(model, window, windowRows - 1, live);
        trainer.predictInto(model, live, lstmPrediction);
        for (int d = 0; d < channels; d++) {
            lstmPrediction[d] = values[d] + mean[d] + lstmPrediction[d] * sigma(d);
        }
    }

    private double[] nanPrediction() {
        double[] nan = new double[channels];
        Arrays.fill(nan, Double.NaN);
        return nan;
    }

    private double sigma(int d) {
        return Math.sqrt(var[d]) + SIGMA_FLOOR * (1.0 + Math.abs(mean[d]));
    }

    private static void copy(String what, double[] from, double[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("stored " + what + " has " + from.length
                    + " values, expected " + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }

    /**
     * The per-thread scratch space of detectors: one {@link OnlineTrainer} per channel count,
     * created on first use and reused for every later reading.
     */
    public static final class Workspace {

        private OnlineTrainer[] trainers = new OnlineTrainer[0];

        OnlineTrainer trainerFor(LstmShape shape, DetectorConfig config) {
            int d = shape.inputSize();
            if (d >= trainers.length) {
                trainers = Arrays.copyOf(trainers, d + 1);
            }
            OnlineTrainer trainer = trainers[d];
            if (trainer == null) {
                trainer = new OnlineTrainer(shape, config.windowRows(), config.learningRate(), config.clipNorm());
                trainers[d] = trainer;
            }
            return trainer;
        }
    }
}
