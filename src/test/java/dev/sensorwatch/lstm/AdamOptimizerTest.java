package dev.sensorwatch.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Adam's update against values worked out by hand, its convergence, restoring, and clipping. */
class AdamOptimizerTest {

    @Test
    void firstTwoStepsMatchTheBiasCorrectedFormula() {
        double[] parameters = new double[3];
        double[] gradients = new double[3];
        AdamOptimizer adam = new AdamOptimizer(parameters.length);

        gradients[0] = 0.5;
        adam.stepInPlace(parameters, gradients, 0.1);
        // step 1: m̂ = g, v̂ = g², so the step is α·g/(|g| + ε) ≈ α·sign(g)
        double first = -0.1 * 0.5 / (0.5 + 1e-8);
        assertThat(parameters[0]).isCloseTo(first, within(1e-15));
        assertThat(parameters[1]).isEqualTo(0.0);

        gradients[0] = -0.25;
        adam.stepInPlace(parameters, gradients, 0.1);
        double m = 0.9 * (0.1 * 0.5) + 0.1 * -0.25;
        double v = 0.999 * (0.001 * 0.25) + 0.001 * 0.0625;
        double mHat = m / (1 - 0.9 * 0.9);
        double vHat = v / (1 - 0.999 * 0.999);
        assertThat(parameters[0]).isCloseTo(first - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8), within(1e-15));
        assertThat(adam.steps()).isEqualTo(2);
    }

    @Test
    void minimisesAQuadratic() {
        double[] parameters = new double[14];
        double[] gradients = new double[14];
        AdamOptimizer adam = new AdamOptimizer(parameters.length);
        for (int step = 0; step < 2000; step++) {
            for (int k = 0; k < parameters.length; k++) {
                gradients[k] = 2 * (parameters[k] - k); // minimum at θ_k = k
            }
            adam.stepInPlace(parameters, gradients, 0.05);
        }
        for (int k = 0; k < parameters.length; k++) {
            assertThat(parameters[k]).isCloseTo(k, within(1e-3));
        }
    }

    @Test
    void aRestoredOptimiserContinuesBitForBit() {
        LstmShape shape = LstmShape.of(2, 3);
        ParameterBlocks kept = LstmWeights.initialise(shape, 4).parameters().copy();
        ParameterBlocks restored = kept.copy();
        ParameterBlocks gradients = ParameterBlocks.zeros(shape);
        AdamOptimizer adam = AdamOptimizer.forShape(shape);
        AdamOptimizer other = AdamOptimizer.forShape(shape);
        for (int step = 0; step < 50; step++) {
            for (int k = 0; k < shape.parameterCount(); k++) {
                gradients.set(k, Math.sin(step * 31 + k));
            }
            adam.stepInPlace(kept, gradients, 0.01);
            other = AdamOptimizer.restore(shape, other.copyFirstMoment(), other.copySecondMoment(), other.steps());
            other.stepInPlace(restored, gradients, 0.01);
        }
        assertThat(restored.toFlat()).isEqualTo(kept.toFlat());
    }

    @Test
    void clippingScalesTheJointNormDown() {
        LstmGradients gradients = new LstmGradients(LstmShape.of(1, 1));
        gradients.setInPlace(0, 3.0);
        gradients.setInPlace(13, 4.0);

        assertThat(gradients.clipNormInPlace(1.0)).isEqualTo(5.0);
        assertThat(gradients.copyValues()[0]).isCloseTo(0.6, within(1e-15));
        assertThat(gradients.copyValues()[13]).isCloseTo(0.8, within(1e-15));
        assertThat(gradients.clipNormInPlace(10.0)).isCloseTo(1.0, within(1e-15));
        assertThat(gradients.readoutBias(0)).isCloseTo(0.8, within(1e-15));
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new AdamOptimizer(3, 1.0, 0.999, 1e-8)).hasMessageContaining("decays must be in [0, 1)");
        assertThatThrownBy(() -> new AdamOptimizer(3).stepInPlace(new double[3], new double[3], 0.0))
                .hasMessageContaining("learning rate must be positive");
        assertThatThrownBy(() -> new AdamOptimizer(3).stepInPlace(new double[2], new double[3], 0.1))
                .hasMessage("parameter vector has 2 values, expected 3");
        assertThatThrownBy(() -> new TrainerConfig(16, 0, 1, 0.01, 1.0, 1))
                .hasMessage("window must be at least 1, got 0");
    }
}
