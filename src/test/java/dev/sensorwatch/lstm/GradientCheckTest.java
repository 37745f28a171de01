package dev.sensorwatch.lstm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks every BPTT gradient, full and truncated, against central differences of the loss on
 * small random cells and sequences.
 */
class GradientCheckTest {

    /** Finite-difference step: balances truncation error (h²) against rounding (ε/h). */
    static final double STEP = 1e-5;
    /** Largest relative difference |a − n| / max(|a| + |n|, FLOOR) allowed. */
    static final double RELATIVE_TOLERANCE = 1e-6;
    /**
     * Below this magnitude gradients are compared absolutely, scaled by it: a tolerance of
     * {@code 1e-10}, ten times the rounding error of the central difference itself (about
     * {@code ε·|loss|/STEP ≈ 1e-11}), which a gradient of {@code 1e-6} could not be held to
     * relatively.
     */
    static final double FLOOR = 1e-4;

    @ParameterizedTest(name = "D={0} H={1} T={2} truncation={3}")
    @CsvSource({
        "1, 2, 6, 0",
        "1, 5, 9, 0",
        "3, 4, 7, 0",
        "2, 3, 10, 3",
        "3, 5, 11, 4",
        "1, 6, 8, 1",
    })
    void gradientsMatchCentralDifferences(int inputs, int units, int steps, int truncation) {
        SplittableRandom random = new SplittableRandom(1000L * inputs + 10L * units + steps + truncation);
        LstmShape shape = LstmShape.of(inputs, units);
        double[] parameters = new double[shape.parameterCount()];
        for (int k = 0; k < parameters.length; k++) {
            parameters[k] = random.nextDouble(-0.8, 0.8);
        }
        LstmWeights weights = LstmWeights.fromParameters(shape, parameters);
        double[] series = new double[(steps + 1) * inputs];
        for (int k = 0; k < series.length; k++) {
            series[k] = random.nextDouble(-1.5, 1.5);
        }
        double[] h0 = new double[units];
        double[] c0 = new double[units];
        for (int u = 0; u < units; u++) {
            h0[u] = random.nextDouble(-0.5, 0.5);
            c0[u] = random.nextDouble(-0.5, 0.5);
        }
        LstmState initial = LstmState.of(h0, c0);

        Bptt bptt = new Bptt(shape, steps);
        LstmGradients gradients = new LstmGradients(shape);
        bptt.lossAndGradients(weights, initial, series, 0, steps, truncation, gradients);
        double[] analytic = gradients.copyValues();
        LstmState[] boundaries = chunkStartStates(bptt, weights, initial, series, steps, truncation);

        double worst = 0.0;
        for (int k = 0; k < parameters.length; k++) {
            double saved = parameters[k];
            parameters[k] = saved + STEP;
            double plus = truncatedLoss(shape, parameters, boundaries, series, steps, truncation);
            parameters[k] = saved - STEP;
            double minus = truncatedLoss(shape, parameters, boundaries, series, steps, truncation);
            parameters[k] = saved;
            double numeric = (plus - minus) / (2 * STEP);
            double relative = Math.abs(analytic[k] - numeric)
                    / Math.max(Math.abs(analytic[k]) + Math.abs(numeric), FLOOR);
            worst = Math.max(worst, relative);
            assertThat(relative).as("parameter %d: analytic %s, numeric %s", k, analytic[k], numeric)
                    .isLessThan(RELATIVE_TOLERANCE);
        }
        assertThat(worst).isLessThan(RELATIVE_TOLERANCE);
    }

    @ParameterizedTest(name = "truncation {0} of a 9-step sequence differs from full BPTT")
    @CsvSource({"1", "3", "4"})
    void truncationChangesTheGradient(int truncation) {
        LstmShape shape = LstmShape.of(1, 3);
        LstmWeights weights = LstmWeights.initialise(shape, 7);
        double[] series = {0.1, 0.5, -0.3, 0.8, 0.2, -0.9, 0.4, 0.0, 0.6, -0.2};
        Bptt bptt = new Bptt(shape, 9);
        LstmGradients full = new LstmGradients(shape);
        LstmGradients truncated = new LstmGradients(shape);
        double fullLoss = bptt.lossAndGradients(weights, LstmState.zeros(3), series, 0, 9, 0, full);
        double truncatedLoss = bptt.lossAndGradients(weights, LstmState.zeros(3), series, 0, 9, truncation, truncated);

        assertThat(truncatedLoss).isEqualTo(fullLoss);
        assertThat(truncated.copyValues()).isNotEqualTo(full.copyValues());
        // the readout sees only the current hidden state, so truncation leaves its gradient alone
        assertThat(truncated.readoutWeight(0, 1)).isEqualTo(full.readoutWeight(0, 1));
    }

    /** The state at the start of every chunk, from a forward pass with the unperturbed weights. */
    private static LstmState[] chunkStartStates(Bptt bptt, LstmWeights weights, LstmState initial,
                                                double[] series, int steps, int truncation) {
        int chunk = truncation == 0 ? steps : truncation;
        int chunks = (steps + chunk - 1) / chunk;
        bptt.loss(weights, initial, series, 0, steps);
        LstmState[] states = new LstmState[chunks];
        states[0] = initial.copy();
        int units = weights.shape().hiddenSize();
        for (int k = 1; k < chunks; k++) {
            double[] h = new double[units];
            double[] c = new double[units];
            for (int u = 0; u < units; u++) {
                h[u] = bptt.hiddenAt(k * chunk - 1, u);
                c[u] = bptt.cellAt(k * chunk - 1, u);
            }
            states[k] = LstmState.of(h, c);
        }
        return states;
    }

    /** The loss with every chunk starting from its fixed state: what truncated BPTT differentiates. */
    private static double truncatedLoss(LstmShape shape, double[] parameters, LstmState[] boundaries,
                                        double[] series, int steps, int truncation) {
        LstmWeights weights = LstmWeights.fromParameters(shape, parameters);
        int chunk = truncation == 0 ? steps : truncation;
        Bptt bptt = new Bptt(shape, chunk);
        double sum = 0.0;
        for (int k = 0; k < boundaries.length; k++) {
            int from = k * chunk;
            int length = Math.min(chunk, steps - from);
            sum += bptt.loss(weights, boundaries[k], series, from, length) * length;
        }
        return sum / steps;
    }
}
