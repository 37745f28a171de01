package dev.sensorwatch.detect;

import dev.sensorwatch.lstm.LstmShape;
import dev.sensorwatch.lstm.OnlineTrainer;
import java.util.Arrays;

/**
 * One sensor's detector. With a training period ({@link DetectorConfig#training()}) it is a
 * {@link HistoryDetector}: it learns from the sensor's history first, then judges what follows.
 * Without one it starts knowing nothing and learns the sensor's normal behaviour online, from an
 * {@link Ensemble} of predictors ("members", each a {@link Predictor}) and a scorer:
 *
 * <ul>
 *   <li>the <b>LSTM</b> member ({@link LstmMember}): an LSTM cell learning, one Adam/BPTT step
 *       per reading over a window of recent rows, to predict the change from one reading to the
 *       next (inputs and targets are the differences between consecutive readings, normalised
 *       per channel);
 *   <li>the <b>last value</b> member ({@link LastValueMember}): the reading before;
 *   <li>the <b>daily profile</b> member: the reading at the same time of day a day earlier
 *       ({@link DailyProfile}).
 * </ul>
 *
 * <p>Beside the members, a {@link WeeklyProfile} keeps each hour of the week's mean reading; it
 * predicts nothing, but the scorer compares the recent readings with the same hour a week
 * earlier. It learns only readings scoring a ratio below {@value Tuning#WEEKLY_UNUSUAL}, so that what it
 * holds is an ordinary week.
 *
 * <p>For each reading, in this order:
 *
 * <ol>
 *   <li><b>predict</b>: of the members with a prediction of this reading, take the one whose
 *       running mean squared error is lowest (the ensemble's choice is made before the reading
 *       is seen);
 *   <li><b>score</b> the reading against that prediction ({@link AnomalyScorer}); channel shares
 *       say which channels carried the error. A flagged reading opens an event
 *       ({@link EventRule}): the readings
 *       after it belong to the same event, score 0 and are not flagged, until
 *       {@value Tuning#EVENT_QUIET} readings in a row have scored below the threshold. For
 *       {@value Tuning#AFTER_EVENT} readings after an event ends, ratios count
 *       {@value Tuning#AFTER_EVENT_DAMPING} times less, so only something clearly more unusual opens
 *       the next event (a disturbance flaring up again does not raise a second alarm). Every
 *       score says which {@link Signal} gave it and whether its reading belongs to an event;
 *   <li><b>learn</b>: update each member's running error, then let each member learn the
 *       reading (the LSTM appends the normalised difference to its window, takes one Adam step
 *       over it, steps the cell over the newest row and keeps its prediction of the next
 *       reading); keep the reading, unless it was unusual, in the weekly profile.
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

    private final DetectorConfig config;
    private final int channels;
    private long readings;
    private long lastEventTime;
    private final LstmMember lstm;
    private final LastValueMember lastValue;
    private final Ensemble ensemble;
    private final DailyProfile profile;
    private final WeeklyProfile weekly;
    /** The same hour's mean a week before the current reading; scratch, not state. */
    private final double[] lastWeek;
    private final AnomalyScorer scorer;
    /**
     * Inside an event, the readings below the threshold in a row still needed to end it (1 to
     * {@value Tuning#EVENT_QUIET}); after an event, minus the readings left of the damped period (-1 to
     * -{@value Tuning#AFTER_EVENT}); otherwise 0.
     */
    private final EventRule events = new EventRule(Tuning.EVENT_QUIET, Tuning.AFTER_EVENT, Tuning.AFTER_EVENT_DAMPING);
    /** The current reading as learned (see {@link AnomalyScorer#learnable}); scratch, not state. */
    private final double[] learnedValues;
    /** With a training period, the detector that learns from it and judges what follows; else null. */
    private HistoryDetector history;
    /** Counts the readings that changed the model (see {@link DetectorState#modelVersion}). */
    private long modelVersion;

    private SensorDetector(DetectorConfig config, int channels, LstmMember lstm, DailyProfile profile,
                           WeeklyProfile weekly, AnomalyScorer scorer) {
        this.config = config;
        this.channels = channels;
        this.lstm = lstm;
        this.lastValue = new LastValueMember(channels);
        this.profile = profile;
        this.ensemble = new Ensemble(config, channels, lstm, lastValue, profile);
        this.weekly = weekly;
        this.lastWeek = new double[channels];
        this.scorer = scorer;
        this.lastEventTime = Long.MIN_VALUE;
        this.learnedValues = new double[channels];
        this.history = config.training().isSet() ? new HistoryDetector(config, channels) : null;
    }

    /**
     * Returns a detector for a sensor with {@code channels} channels that has seen nothing yet.
     *
     * @throws IllegalArgumentException if {@code channels} is not positive
     */
    public static SensorDetector fresh(DetectorConfig config, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("a sensor has at least 1 channel, got " + channels);
        }
        return new SensorDetector(config, channels, LstmMember.fresh(config, channels), new DailyProfile(channels),
                new WeeklyProfile(channels), new AnomalyScorer(config, channels));
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
            detector.modelVersion = state.modelVersion();
            return detector;
        }
        SensorDetector detector = new SensorDetector(config, d, LstmMember.restore(config, d, state.lstm()),
                DailyProfile.restore(d, state.profileTimes(), state.profileValues()),
                WeeklyProfile.restore(d, state.weekly()),
                AnomalyScorer.restore(config, d, state.scorer()));
        detector.readings = state.readings();
        detector.lastEventTime = state.lastEventTime();
        detector.events.restoreInPlace(state.holdOff());
        detector.lastValue.restoreInPlace(state.lastValues());
        detector.ensemble.restoreInPlace(state.memberErrors(), state.memberCounts());
        // a sensor that began without a training period goes on learning online
        detector.history = null;
        detector.modelVersion = state.modelVersion();
        return detector;
    }

    /** Returns everything this detector remembers, as fresh arrays. */
    public DetectorState snapshot() {
        if (history != null) {
            return DetectorState.ofHistory(channels, history.snapshot()).withModelVersion(modelVersion);
        }
        return new DetectorState(channels, readings, lastEventTime, events.holdOff(), lastValue.values().clone(),
                lstm.snapshot(), ensemble.copyErrors(), ensemble.copyCounts(), profile.copyTimes(), profile.copyValues(),
                weekly.snapshot(),
                scorer.snapshot(), null, modelVersion);
    }

    /**
     * The version of this detector's model: it changes with every reading that changed the model
     * (every reading learned online; with a training period, every reading of the period and the
     * first after it, which trains the model on the period, and none after), so a store can write
     * the model only then.
     */
    public long modelVersion() {
        return modelVersion;
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

    /** Whether this detector has a training period and is still in it, buffering its readings. */
    public boolean inTrainingPeriod() {
        return history != null && history.model() == null;
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
            if (history.model() == null) {
                modelVersion++; // a reading of the period is buffered; the first after it trains the model
            }
            return history.process(eventTime, values);
        }
        modelVersion++; // the LSTM takes a learning step and the profiles keep the reading
        // 1. the members' predictions of this reading; the ensemble takes the one with the lowest running error
        double[] predicted = ensemble.predict(eventTime);

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
        //    reading just beyond it): each member's running error, then each member
        ensemble.learnErrors(readings, learned, lstm);
        lstm.learn(readings, eventTime, lastValue.values(), learned, workspace);
        profile.learn(readings, eventTime, lastValue.values(), learned, workspace);
        if (result.ratio() < Tuning.WEEKLY_UNUSUAL) {
            weekly.record(eventTime, learned);
        }
        lastValue.learn(readings, eventTime, lastValue.values(), learned, workspace);
        readings++;
        lastEventTime = eventTime;
        return out;
    }

    /** Copies a stored array into a detector's, checking its length. */
    static void copy(String what, double[] from, double[] to) {
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
