package dev.sensorwatch.detect;

import java.util.Set;

/**
 * How every sensor's detector learns and scores; one immutable parameter set for all sensors.
 *
 * @param hiddenSize        LSTM hidden units {@code H}
 * @param windowRows        readings in the learning window; each learning step costs one BPTT
 *                          pass over at most this many rows
 * @param updateEvery       readings between two online learning steps of the LSTM, in
 *                          {@code [1, windowRows - 1]}: every change between two readings is still
 *                          learned from, in {@code (windowRows - 1) / updateEvery} steps; between
 *                          steps the cell only advances by the new reading
 * @param learningRate      Adam's step size for the online updates
 * @param clipNorm          largest gradient norm of one update
 * @param normalizerHorizon readings over which the LSTM's per-channel normaliser adapts
 *                          (exponential forgetting with weight {@code max(1/n, 1/horizon)})
 * @param errorHorizon      readings over which the scorer's typical prediction error and the
 *                          readings' mean and variance adapt
 * @param recordHalfLife    readings after which a record (the most unusual error, sustained
 *                          error or level shift seen) counts half
 * @param warmupReadings    readings a sensor must have been learned from before it is scored
 * @param threshold         score at or above which a reading is flagged anomalous, in (0, 1]
 * @param seed              seed of every sensor's initial weights
 * @param training          each sensor's training period ({@link TrainingPeriod#NONE}: learn
 *                          online from the first reading)
 * @param members           the predictors the ensemble may choose from (all by default)
 * @param signals           the signals that may give a score (all by default); switching some off
 *                          shows what each contributes
 */
public record DetectorConfig(int hiddenSize, int windowRows, int updateEvery, double learningRate, double clipNorm,
                             int normalizerHorizon, int errorHorizon, int recordHalfLife, int warmupReadings,
                             double threshold, long seed, TrainingPeriod training, Set<Member> members,
                             Set<Signal> signals) {

    /**
     * The shipped flag threshold: the one that maximised the NAB standard-profile score of the
     * shipped parameters (see docs/evaluation.md, "Measuring detection quality").
     */
    public static final String DEFAULT_THRESHOLD_TEXT = "0.537";

    /** {@link #DEFAULT_THRESHOLD_TEXT} as a number. */
    public static final double DEFAULT_THRESHOLD = Double.parseDouble(DEFAULT_THRESHOLD_TEXT);

    /**
     * The shipped interval of the online LSTM's learning steps, chosen by measurement: over several
     * seeds, NAB's scores and SMAP's online F1 stay within the spread of learning at every reading,
     * at about half the detector's cost (see docs/detector.md, "Learning every few readings").
     */
    public static final int DEFAULT_UPDATE_EVERY = 4;

    /** The shipped defaults. */
    public static final DetectorConfig DEFAULTS =
            new DetectorConfig(8, 16, DEFAULT_UPDATE_EVERY, 0.005, 1.0, 1000, 500, 4000, 100, DEFAULT_THRESHOLD, 42L);

    /** A parameter set without a training period whose LSTM learns online at every reading. */
    public DetectorConfig(int hiddenSize, int windowRows, double learningRate, double clipNorm,
                          int normalizerHorizon, int errorHorizon, int recordHalfLife, int warmupReadings,
                          double threshold, long seed) {
        this(hiddenSize, windowRows, 1, learningRate, clipNorm, normalizerHorizon, errorHorizon, recordHalfLife,
                warmupReadings, threshold, seed);
    }

    /** A parameter set without a training period. */
    public DetectorConfig(int hiddenSize, int windowRows, int updateEvery, double learningRate, double clipNorm,
                          int normalizerHorizon, int errorHorizon, int recordHalfLife, int warmupReadings,
                          double threshold, long seed) {
        this(hiddenSize, windowRows, updateEvery, learningRate, clipNorm, normalizerHorizon, errorHorizon,
                recordHalfLife, warmupReadings, threshold, seed, TrainingPeriod.NONE, Member.all(), Signal.scoring());
    }

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value to fix
     */
    public DetectorConfig {
        require(hiddenSize >= 1 && hiddenSize <= 256, "hidden size must be in [1, 256], got " + hiddenSize);
        require(windowRows >= 2 && windowRows <= 1024, "window must be in [2, 1024] readings, got " + windowRows);
        require(updateEvery >= 1 && updateEvery < windowRows, "learning steps must come every 1 to " + (windowRows - 1)
                + " readings (the window's changes), got " + updateEvery);
        require(learningRate > 0.0 && learningRate < 1.0, "learning rate must be in (0, 1), got " + learningRate);
        require(clipNorm > 0.0 && Double.isFinite(clipNorm), "clip norm must be positive, got " + clipNorm);
        require(normalizerHorizon >= 1, "normalizer horizon must be at least 1, got " + normalizerHorizon);
        require(errorHorizon >= 1, "error horizon must be at least 1, got " + errorHorizon);
        require(recordHalfLife >= 1, "record half-life must be at least 1 reading, got " + recordHalfLife);
        require(warmupReadings >= 1, "warm-up must be at least 1 reading, got " + warmupReadings);
        require(threshold > 0.0 && threshold <= 1.0, "threshold must be in (0, 1], got " + threshold);
        require(training != null, "training period must be given (TrainingPeriod.NONE for none)");
        require(members != null && !members.isEmpty(), "at least one member must be enabled");
        members = Set.copyOf(members);
        require(signals != null && !signals.isEmpty(), "at least one signal must be enabled");
        signals = Set.copyOf(signals);
        require(!signals.contains(Signal.NONE) && !signals.contains(Signal.TRAINING),
                "none and training are not signals that score, got " + signals);
        require(!training.isSet() || members.contains(Member.LSTM) || members.contains(Member.LAST_VALUE),
                "a training period needs lstm or last among the members, got " + members);
    }

    /** Returns a copy with another flagging threshold. */
    public DetectorConfig withThreshold(double newThreshold) {
        return new DetectorConfig(hiddenSize, windowRows, updateEvery, learningRate, clipNorm, normalizerHorizon,
                errorHorizon, recordHalfLife, warmupReadings, newThreshold, seed, training, members, signals);
    }

    /** Returns a copy with another training period. */
    public DetectorConfig withTraining(TrainingPeriod newTraining) {
        return new DetectorConfig(hiddenSize, windowRows, updateEvery, learningRate, clipNorm, normalizerHorizon,
                errorHorizon, recordHalfLife, warmupReadings, threshold, seed, newTraining, members, signals);
    }

    /** Returns a copy whose ensemble chooses only from {@code newMembers}. */
    public DetectorConfig withMembers(Set<Member> newMembers) {
        return new DetectorConfig(hiddenSize, windowRows, updateEvery, learningRate, clipNorm, normalizerHorizon,
                errorHorizon, recordHalfLife, warmupReadings, threshold, seed, training, newMembers, signals);
    }

    /** Returns a copy in which only {@code newSignals} may give a score. */
    public DetectorConfig withSignals(Set<Signal> newSignals) {
        return new DetectorConfig(hiddenSize, windowRows, updateEvery, learningRate, clipNorm, normalizerHorizon,
                errorHorizon, recordHalfLife, warmupReadings, threshold, seed, training, members, newSignals);
    }

    /** Returns a copy whose LSTM learns online every {@code newUpdateEvery} readings. */
    public DetectorConfig withUpdateEvery(int newUpdateEvery) {
        return new DetectorConfig(hiddenSize, windowRows, newUpdateEvery, learningRate, clipNorm, normalizerHorizon,
                errorHorizon, recordHalfLife, warmupReadings, threshold, seed, training, members, signals);
    }

    /** Returns a copy whose LSTMs start from the weights {@code newSeed} draws. */
    public DetectorConfig withSeed(long newSeed) {
        return new DetectorConfig(hiddenSize, windowRows, updateEvery, learningRate, clipNorm, normalizerHorizon,
                errorHorizon, recordHalfLife, warmupReadings, threshold, newSeed, training, members, signals);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
