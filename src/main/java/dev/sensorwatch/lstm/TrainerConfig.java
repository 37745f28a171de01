package dev.sensorwatch.lstm;

/**
 * How {@link LstmTrainer} fits a cell: its hidden size, the window of truncated BPTT, the
 * number of passes, Adam's step size (decayed by cosine to a tenth over the passes), the
 * gradient-norm clip and the seed of the initial weights.
 *
 * @param hiddenSize   hidden units {@code H}, at least 1
 * @param window       steps per BPTT window (the truncation length), at least 1
 * @param epochs       passes over the series, at least 1
 * @param learningRate Adam's initial step size, positive
 * @param clipNorm     largest gradient norm applied; larger gradients are scaled down
 * @param seed         seed of the initial weights; equal seeds give bit-identical fits
 */
public record TrainerConfig(int hiddenSize, int window, int epochs, double learningRate,
                            double clipNorm, long seed) {

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value to fix
     */
    public TrainerConfig {
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1, got " + hiddenSize);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (!(learningRate > 0.0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        if (!(clipNorm > 0.0)) {
            throw new IllegalArgumentException("clipNorm must be positive, got " + clipNorm);
        }
    }

    /** Sensible defaults for a univariate series: H=16, windows of 32, 20 passes, α=0.01, clip 1. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(16, 32, 20, 0.01, 1.0, 1L);
    }

    /** Returns a copy with another number of passes. */
    public TrainerConfig withEpochs(int newEpochs) {
        return new TrainerConfig(hiddenSize, window, newEpochs, learningRate, clipNorm, seed);
    }

    /** Returns a copy with another seed. */
    public TrainerConfig withSeed(long newSeed) {
        return new TrainerConfig(hiddenSize, window, epochs, learningRate, clipNorm, newSeed);
    }
}
