package dev.sensorwatch.detect;

import java.util.Arrays;

/**
 * One sensor's detector when it has a training period ({@link TrainingPeriod}): it learns from
 * history first, then judges every later reading against what it learned.
 *
 * <p><b>In the training period</b> each reading is buffered (the latest {@link #capacity} rows
 * kept), scores 0, is never flagged and
 * says {@link Signal#TRAINING}. With the first reading after the period the detector trains and
 * calibrates its model on the buffer ({@link TrainedModel#fit}) and runs it over the buffer, so
 * that the first reading after the period is judged against a prediction made one reading
 * earlier, like every later one.
 *
 * <p><b>After the period</b> the model is fixed (the readings of an anomaly are never learned as
 * normal) and each reading is judged by two statistics over all channels jointly:
 *
 * <ul>
 *   <li>{@link Signal#SUSTAINED_ERROR}: the mean, over the last {@value Tuning#SMOOTHING}
 *       readings, of the Mahalanobis distance of each reading's prediction error vector from the
 *       errors seen on the held-back training readings: predictions that fail, and a broken
 *       relation between channels even when each channel's own error is ordinary;
 *   <li>{@link Signal#STATE_DISTANCE}: the Mahalanobis distance of the mean of the last
 *       {@value Tuning#SMOOTHING} readings from the readings of the training period: a
 *       sensor that sits in a state it never held in training (a pump in a bad state, a channel
 *       drifting away from the others).
 * </ul>
 *
 * <p>Both are means over several readings: the level a normal reading reaches with probability
 * {@value Tuning#TAIL_PROBABILITY} is estimated from a few thousand training readings, and
 * the tail of one reading's error is the heaviest and least reliably extrapolated; a spike large
 * enough to matter lifts the mean as well.
 *
 * <p>Each statistic is divided by its calibrated level, the value a normal reading reaches with
 * probability {@value Tuning#TAIL_PROBABILITY}, and by the largest such ratio it reached in
 * the sensor's past events that it opened, when that is above 1 (a record halving every
 * {@link DetectorConfig#recordHalfLife()} readings): a pattern that recurs raises one alarm, while
 * an event of another kind (a level shift after a spike) is flagged as ever. The score is
 * {@code R / (1 + R)} of the largest ratio {@code R}; before any event, a score of 0.5 is as rare
 * as one normal reading in 10,000, and scores rank by rarity across sensors. A reading at or
 * above the threshold opens an event and is flagged; the event lasts while some statistic stays
 * above its calibrated level (or the score at the threshold) and ends after
 * {@value Tuning#EVENT_QUIET} readings in a row without: a sensor that stays in a bad
 * state stays {@code inEvent} until it is back to normal. Scores inside an event are reported as
 * they are; only the reading that opens it is flagged.
 *
 * <p>Mutable; one thread at a time. Deterministic: the same readings give the same scores.
 */
final class HistoryDetector {

    /** The largest ratio a statistic counts as (a score of 1 - 1e-9): no reading is infinitely rare. */
    static final double LARGEST_RATIO = 1e9;

    private final DetectorConfig config;
    private final int channels;
    private long readings;
    private long firstEventTime;
    private long lastEventTime = Long.MIN_VALUE;
    /** The training buffer, a ring of at most {@link #capacity} rows; null once trained. */
    private double[] buffer;
    private int bufferedRows;
    private int bufferStart;
    private TrainedModel model;
    private Statistics statistics;
    /** The event rule: no damping after an event (the event records do that job here). */
    private final EventRule events = new EventRule(Tuning.EVENT_QUIET, 0, 1.0);
    /** The statistic that opened the current or last event. */
    private int eventKind;
    /** Per statistic, the largest ratio it reached in the sensor's events that it opened, decaying with the record half-life. */
    private final double[] eventRecords = new double[2];
    private static final Signal[] SIGNALS = {Signal.SUSTAINED_ERROR, Signal.STATE_DISTANCE, Signal.FLAT_LINE};
    private final double decay;
    /** Which of {@link #SIGNALS} may give a score. */
    private final boolean[] enabled;

    HistoryDetector(DetectorConfig config, int channels) {
        this.config = config;
        this.channels = channels;
        this.decay = StrictMath.pow(0.5, 1.0 / config.recordHalfLife());
        this.enabled = new boolean[SIGNALS.length];
        for (int k = 0; k < SIGNALS.length; k++) {
            enabled[k] = config.signals().contains(SIGNALS[k]);
        }
        this.buffer = new double[Math.min(1024, capacity(channels)) * channels];
    }

    long readings() {
        return readings;
    }

    /** Everything this detector remembers, as fresh arrays. */
    DetectorState.History snapshot() {
        double[] held = buffer == null ? new double[0] : Arrays.copyOf(buffer, bufferedRows * channels);
        return new DetectorState.History(readings, firstEventTime, lastEventTime, bufferStart, held,
                model == null ? null : model.toState(), statistics == null ? null : statistics.snapshot(), events.holdOff(),
                eventKind, eventRecords.clone());
    }

    /**
     * A detector continuing from {@code state} exactly where it left off.
     *
     * @throws IllegalArgumentException if the state is inconsistent
     */
    static HistoryDetector restore(DetectorConfig config, int channels, DetectorState.History state) {
        HistoryDetector detector = new HistoryDetector(config, channels);
        detector.readings = state.readings();
        detector.firstEventTime = state.firstEventTime();
        detector.lastEventTime = state.lastEventTime();
        if (state.eventKind() < 0 || state.eventKind() >= SIGNALS.length) {
            throw new IllegalArgumentException("stored event kind " + state.eventKind() + " is outside [0, "
                    + (SIGNALS.length - 1) + "]");
        }
        TrainedModel.check("eventRecords", state.eventRecords(), detector.eventRecords.length);
        detector.events.restoreInPlace(state.holdOff());
        detector.eventKind = state.eventKind();
        System.arraycopy(state.eventRecords(), 0, detector.eventRecords, 0, detector.eventRecords.length);
        if ((state.model() == null) != (state.live() == null)) {
            throw new IllegalArgumentException("a stored trained model comes with its running state, and only then");
        }
        if (state.model() == null) {
            int capacity = capacity(channels);
            if (state.buffer().length % channels != 0 || state.buffer().length / channels > capacity) {
                throw new IllegalArgumentException("stored training buffer holds " + state.buffer().length
                        + " values, not whole rows of " + channels + " up to " + capacity + " rows");
            }
            detector.bufferedRows = state.buffer().length / channels;
            if (state.bufferStart() < 0 || (state.bufferStart() > 0 && state.bufferStart() >= detector.bufferedRows)) {
                throw new IllegalArgumentException("stored training buffer starts at row " + state.bufferStart()
                        + " of " + detector.bufferedRows);
            }
            detector.bufferStart = state.bufferStart();
            detector.buffer = Arrays.copyOf(state.buffer(),
                    Math.max(detector.bufferedRows, Math.min(1024, capacity)) * channels);
        } else {
            detector.buffer = null;
            detector.model = TrainedModel.fromState(channels, state.model());
            detector.statistics = new Statistics(detector.model);
            detector.statistics.restore(state.live());
        }
        return detector;
    }

    /**
     * Rows a sensor's training buffer holds at most: {@link Tuning#MAX_TRAINING_READINGS},
     * and no more than {@link Tuning#MAX_TRAINING_VALUES} values in all, but never fewer
     * than {@link Tuning#MIN_TRAINING_READINGS} (a sensor of over 800 channels).
     */
    static int capacity(int channels) {
        return Math.max(Tuning.MIN_TRAINING_READINGS,
                Math.min(Tuning.MAX_TRAINING_READINGS, Tuning.MAX_TRAINING_VALUES / channels));
    }

    long lastEventTime() {
        return lastEventTime;
    }

    /** The trained model, or null while the sensor is in its training period. */
    TrainedModel model() {
        return model;
    }

    Score process(long eventTime, double[] values) {
        if (readings == 0) {
            firstEventTime = eventTime;
        }
        readings++;
        lastEventTime = eventTime;
        if (model == null && (bufferedRows < Tuning.MIN_TRAINING_READINGS
                || config.training().contains(readings, eventTime, firstEventTime))) {
            buffer(values);
            return new Score(eventTime, values.clone(), nan(), Double.NaN, 0.0, false, evenShares(),
                    readings - 1, Signal.TRAINING, false);
        }
        if (model == null) {
            train();
        }
        return judge(eventTime, values);
    }

    private void buffer(double[] values) {
        int capacity = capacity(channels);
        if (bufferedRows < capacity && bufferedRows * channels == buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(capacity, 2 * bufferedRows) * channels);
        }
        if (bufferedRows < capacity) {
            System.arraycopy(values, 0, buffer, bufferedRows * channels, channels);
            bufferedRows++;
        } else {
            System.arraycopy(values, 0, buffer, bufferStart * channels, channels);
            bufferStart = (bufferStart + 1) % capacity;
        }
    }

    /** Fits the model on the buffer, oldest reading first, and runs it over the buffer. */
    private void train() {
        double[] rows = new double[bufferedRows * channels];
        int tail = (bufferedRows - bufferStart) * channels;
        System.arraycopy(buffer, bufferStart * channels, rows, 0, tail);
        System.arraycopy(buffer, 0, rows, tail, bufferStart * channels);
        model = TrainedModel.fit(rows, bufferedRows, channels, config.seed(), config.members());
        statistics = new Statistics(model);
        for (int t = 0; t < bufferedRows; t++) {
            statistics.observe(rows, t * channels);
            statistics.predictNext();
        }
        buffer = null;
    }

    private Score judge(long eventTime, double[] values) {
        Statistics s = statistics;
        double[] predicted = new double[channels];
        for (int c = 0; c < channels; c++) {
            predicted[c] = model.denormalise(s.runner.prediction[c], c);
        }
        s.observe(values, 0);
        // each statistic over its calibrated level and over the largest ratio it reached in the
        // sensor's past events that it opened (decaying): a flag needs something rarer than what
        // lately happened in an event of the same kind, so a pattern that recurs raises one alarm,
        // while an event of another kind (a level shift after a spike) is flagged as ever
        // the flat line keeps no record: every time a sensor sticks is a fault
        double[] raw = {ratio(s.sustained, model.sustainedLevel), ratio(s.state, model.stateLevel), s.flat};
        for (int k = 0; k < raw.length; k++) {
            raw[k] = enabled[k] ? raw[k] : 0.0;
        }
        double rawLargest = 0.0;
        double ratio = 0.0;
        int kind = 0;
        for (int k = 0; k < raw.length; k++) {
            double r = raw[k];
            if (k < eventRecords.length) {
                eventRecords[k] *= decay;
                r /= Math.max(1.0, eventRecords[k]);
            }
            rawLargest = Math.max(rawLargest, raw[k]);
            if (r > ratio) {
                ratio = r;
                kind = k;
            }
        }
        Signal signal = SIGNALS[kind];
        double[] parts = kind == 0 ? s.sustainedParts : kind == 1 ? s.stateParts : s.flatParts;
        double score = AnomalyScorer.scoreOf(ratio);
        EventRule.Phase phase = events.stepInPlace(score >= config.threshold(), rawLargest >= 1.0 || score >= config.threshold());
        boolean opens = phase == EventRule.Phase.OPENS;
        boolean inEvent = phase != EventRule.Phase.OUTSIDE;
        if (phase == EventRule.Phase.INSIDE) {
            if (eventKind < eventRecords.length) {
                eventRecords[eventKind] = Math.max(eventRecords[eventKind], raw[eventKind]);
            }
        } else if (opens) {
            eventKind = kind;
            if (kind < eventRecords.length) {
                eventRecords[kind] = Math.max(eventRecords[kind], raw[kind]);
            }
        }
        s.predictNext();
        return new Score(eventTime, values.clone(), predicted, Math.sqrt(s.error), score, opens, shares(parts),
                readings - 1, ratio > 0.0 ? signal : Signal.NONE, inEvent);
    }

    /**
     * A statistic over its calibrated level; 0 for a statistic of 0. A level of 0 (a sensor that
     * never varied in training) makes every positive value as rare as can be: a ratio of
     * {@value #LARGEST_RATIO}.
     */
    private static double ratio(double statistic, double level) {
        if (!(statistic > 0.0)) {
            return 0.0;
        }
        double r = statistic / level;
        return r < LARGEST_RATIO ? r : LARGEST_RATIO;
    }

    private double[] shares(double[] parts) {
        double[] shares = new double[channels];
        double sum = 0.0;
        for (int c = 0; c < channels; c++) {
            shares[c] = Math.max(0.0, parts[c]);
            sum += shares[c];
        }
        if (!(sum > 0.0)) {
            return evenShares();
        }
        for (int c = 0; c < channels; c++) {
            shares[c] /= sum;
        }
        return shares;
    }

    private double[] evenShares() {
        double[] shares = new double[channels];
        Arrays.fill(shares, 1.0 / channels);
        return shares;
    }

    private double[] nan() {
        double[] values = new double[channels];
        Arrays.fill(values, Double.NaN);
        return values;
    }

    /**
     * The statistics of a trained model over a stream of readings: observe a reading, read
     * them, then let the predictor take the reading and predict the next.
     */
    static final class Statistics {

        final TrainedModel model;
        final TrainedModel.Runner runner;
        private final int d;
        private final double[] z;
        private final double[] errorVector;
        private final double[] recentErrors = new double[Tuning.SMOOTHING];
        private final double[] recentErrorParts;
        private final double[] recentStates;
        private final double[] stateMean;
        private int rows;
        private int next;
        final double[] errorParts;
        final double[] sustainedParts;
        final double[] stateParts;
        /** Per channel, the run of repeats over its flat line level; 0 for a channel not judged. */
        final double[] flatParts;
        /** The statistics of the last reading observed. */
        double error;
        double sustained;
        double state;
        /**
         * The flat line: the largest over the channels of the readings in a row that repeated the
         * one before exactly (as far back as the recent readings go) over the channel's level.
         */
        double flat;

        Statistics(TrainedModel model) {
            this.model = model;
            this.d = model.channels;
            this.runner = new TrainedModel.Runner(d, model.weights, model.changeMean, model.changeSd);
            this.z = new double[d];
            this.errorVector = new double[d];
            this.recentErrorParts = new double[Tuning.SMOOTHING * d];
            this.recentStates = new double[Tuning.SMOOTHING * d];
            this.stateMean = new double[d];
            this.errorParts = new double[d];
            this.sustainedParts = new double[d];
            this.stateParts = new double[d];
            this.flatParts = new double[d];
        }

        /** Computes the statistics of the raw reading at {@code values[offset..]}. */
        void observe(double[] values, int offset) {
            for (int c = 0; c < d; c++) {
                z[c] = model.normalise(values[offset + c], c);
                errorVector[c] = z[c] - runner.prediction[c];
            }
            error = TrainedModel.mahalanobis(errorVector, 0, model.errorMean, model.errorPrecision, d, errorParts);
            int slot = next;
            next = (next + 1) % Tuning.SMOOTHING;
            rows = Math.min(rows + 1, Tuning.SMOOTHING);
            recentErrors[slot] = error;
            System.arraycopy(errorParts, 0, recentErrorParts, slot * d, d);
            System.arraycopy(z, 0, recentStates, slot * d, d);
            double sum = 0.0;
            Arrays.fill(sustainedParts, 0.0);
            Arrays.fill(stateMean, 0.0);
            for (int r = 0; r < rows; r++) {
                sum += recentErrors[r];
                for (int c = 0; c < d; c++) {
                    sustainedParts[c] += recentErrorParts[r * d + c];
                    stateMean[c] += recentStates[r * d + c];
                }
            }
            sustained = sum / rows;
            for (int c = 0; c < d; c++) {
                stateMean[c] /= rows;
            }
            state = TrainedModel.mahalanobis(stateMean, 0, model.stateMean, model.statePrecision, d, stateParts);
            flat = 0.0;
            for (int c = 0; c < d; c++) {
                flatParts[c] = 0.0;
                if (model.flatLevels[c] > 0.0) {
                    int run = 0;
                    double latest = recentStates[slot * d + c];
                    for (int back = 1; back < rows; back++) {
                        int r = (slot - back + Tuning.SMOOTHING) % Tuning.SMOOTHING;
                        if (recentStates[r * d + c] != latest) {
                            break;
                        }
                        run++;
                    }
                    flatParts[c] = run / model.flatLevels[c];
                    flat = Math.max(flat, flatParts[c]);
                }
            }
        }

        DetectorState.Live snapshot() {
            double[][] r = runner.snapshot();
            return new DetectorState.Live(r[0], r[1], r[2], r[3], runner.started(), rows, next, recentErrors.clone(),
                    recentErrorParts.clone(), recentStates.clone());
        }

        void restore(DetectorState.Live live) {
            runner.restore(live);
            if (live.rows() < 0 || live.rows() > Tuning.SMOOTHING || live.next() < 0
                    || live.next() >= Tuning.SMOOTHING) {
                throw new IllegalArgumentException("stored recent statistics hold " + live.rows() + " rows from slot "
                        + live.next() + ", at most " + Tuning.SMOOTHING);
            }
            TrainedModel.check("recentErrors", live.recentErrors(), Tuning.SMOOTHING);
            TrainedModel.check("recentErrorParts", live.recentErrorParts(), Tuning.SMOOTHING * d);
            TrainedModel.check("recentStates", live.recentStates(), Tuning.SMOOTHING * d);
            rows = live.rows();
            next = live.next();
            System.arraycopy(live.recentErrors(), 0, recentErrors, 0, recentErrors.length);
            System.arraycopy(live.recentErrorParts(), 0, recentErrorParts, 0, recentErrorParts.length);
            System.arraycopy(live.recentStates(), 0, recentStates, 0, recentStates.length);
        }

        /** The predictor takes the last reading observed and predicts the next. */
        void predictNext() {
            runner.advance(z, 0);
        }
    }
}
