package dev.sensorwatch.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The forward step's gates, its shape checks, and that stepping allocates nothing. */
class LstmCellTest {

    static final double TOLERANCE = 1e-15;

    /** D=1, H=1 with hand-picked weights so each gate can be computed by hand. */
    static LstmWeights handWeights() {
        return LstmWeights.builder(LstmShape.of(1, 1))
                .inputWeights(Gate.FORGET, new double[][] {{0.5}})
                .inputWeights(Gate.INPUT, new double[][] {{-0.25}})
                .inputWeights(Gate.CANDIDATE, new double[][] {{1.5}})
                .inputWeights(Gate.OUTPUT, new double[][] {{0.75}})
                .recurrentWeights(Gate.FORGET, new double[][] {{0.1}})
                .recurrentWeights(Gate.INPUT, new double[][] {{0.2}})
                .recurrentWeights(Gate.CANDIDATE, new double[][] {{-0.3}})
                .recurrentWeights(Gate.OUTPUT, new double[][] {{0.4}})
                .bias(Gate.FORGET, new double[] {1.0})
                .bias(Gate.INPUT, new double[] {0.0})
                .bias(Gate.CANDIDATE, new double[] {-0.1})
                .bias(Gate.OUTPUT, new double[] {0.2})
                .readoutWeights(new double[][] {{2.0}})
                .readoutBias(new double[] {0.5})
                .build();
    }

    @Test
    void eachGateComputesWhatTheEquationsSay() {
        double x = 0.8;
        double h = -0.4;
        double c = 0.6;
        LstmCell.Workspace workspace = new LstmCell(handWeights()).newWorkspace();
        LstmState state = LstmState.of(new double[] {h}, new double[] {c});

        workspace.stepInPlace(new double[] {x}, state);
        double[] prediction = new double[1];
        workspace.predictInto(state, prediction);

        double f = 1 / (1 + Math.exp(-(0.5 * x + 0.1 * h + 1.0)));
        double i = 1 / (1 + Math.exp(-(-0.25 * x + 0.2 * h)));
        double g = Math.tanh(1.5 * x - 0.3 * h - 0.1);
        double o = 1 / (1 + Math.exp(-(0.75 * x + 0.4 * h + 0.2)));
        double cNext = f * c + i * g;
        double hNext = o * Math.tanh(cNext);
        assertThat(workspace.lastGate(Gate.FORGET, 0)).isCloseTo(f, within(TOLERANCE));
        assertThat(workspace.lastGate(Gate.INPUT, 0)).isCloseTo(i, within(TOLERANCE));
        assertThat(workspace.lastGate(Gate.CANDIDATE, 0)).isCloseTo(g, within(TOLERANCE));
        assertThat(workspace.lastGate(Gate.OUTPUT, 0)).isCloseTo(o, within(TOLERANCE));
        assertThat(state.cell(0)).isCloseTo(cNext, within(TOLERANCE));
        assertThat(state.hidden(0)).isCloseTo(hNext, within(TOLERANCE));
        assertThat(prediction[0]).isCloseTo(2.0 * hNext + 0.5, within(TOLERANCE));
    }

    @Test
    void aClosedForgetGateDropsTheCellAndAnOpenOneKeepsIt() {
        LstmShape shape = LstmShape.of(1, 1);
        double[][] zero = {{0.0}};
        LstmWeights.Builder builder = LstmWeights.builder(shape)
                .inputWeights(Gate.FORGET, zero).inputWeights(Gate.INPUT, zero)
                .inputWeights(Gate.CANDIDATE, zero).inputWeights(Gate.OUTPUT, zero)
                .bias(Gate.INPUT, new double[] {-60.0}); // input gate shut: nothing new is stored
        LstmCell keep = new LstmCell(builder.bias(Gate.FORGET, new double[] {60.0}).build());
        LstmCell drop = new LstmCell(builder.bias(Gate.FORGET, new double[] {-60.0}).build());

        LstmState kept = LstmState.of(new double[] {0.0}, new double[] {0.7});
        LstmState dropped = kept.copy();
        keep.newWorkspace().stepInPlace(new double[] {1.0}, kept);
        drop.newWorkspace().stepInPlace(new double[] {1.0}, dropped);

        assertThat(kept.cell(0)).isCloseTo(0.7, within(1e-12));
        assertThat(dropped.cell(0)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void activationsAgreeWithTheJdkAndSaturateWithoutNan() {
        for (double x = -40; x <= 40; x += 0.0137) {
            assertThat(Activations.tanh(x)).as("tanh(%s)", x).isCloseTo(Math.tanh(x), within(4e-16));
            assertThat(Activations.sigmoid(x)).as("σ(%s)", x)
                    .isCloseTo(0.5 * (1 + Math.tanh(x / 2)), within(4e-16));
        }
        for (double tiny : new double[] {1e-300, -3e-12, 7e-9}) {
            // tanh(x) = x − x³/3 + …, which rounds to x itself here; fdlibm may be one ulp off
            assertThat(Activations.tanh(tiny)).as("tanh(%s)", tiny).isEqualTo(tiny)
                    .isCloseTo(Math.tanh(tiny), within(2 * Math.ulp(tiny)));
        }
        assertThat(Activations.tanh(-0.0)).isEqualTo(-0.0);
        assertThat(Activations.tanh(1e6)).isEqualTo(1.0);
        assertThat(Activations.tanh(-1e6)).isEqualTo(-1.0);
        assertThat(Activations.sigmoid(1e6)).isEqualTo(1.0);
        assertThat(Activations.sigmoid(-1e6)).isEqualTo(0.0);
    }

    @Test
    void shapeErrorsNameBothSizes() {
        LstmCell.Workspace workspace = new LstmCell(LstmWeights.initialise(LstmShape.of(3, 4), 1)).newWorkspace();

        assertThatThrownBy(() -> workspace.stepInPlace(new double[2], LstmState.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("reading has 2 values, expected 3");
        assertThatThrownBy(() -> workspace.stepInPlace(new double[3], LstmState.zeros(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("state has 5 units, the cell has 4");
        assertThatThrownBy(() -> workspace.predictInto(LstmState.zeros(4), new double[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("prediction has 1 values, expected 3");
        assertThatThrownBy(() -> LstmWeights.builder(LstmShape.of(3, 4)).inputWeights(Gate.INPUT, new double[4][2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("INPUT input weights row 0 has 2 columns, expected 3");
        assertThatThrownBy(() -> LstmWeights.builder(LstmShape.of(3, 4)).recurrentWeights(Gate.OUTPUT, new double[3][4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OUTPUT recurrent weights has 3 rows, expected 4");
        assertThatThrownBy(() -> LstmShape.of(0, 4)).hasMessage("input size must be in [1, 4096], got 0");
        assertThatThrownBy(() -> LstmWeights.fromParameters(LstmShape.of(1, 1), new double[13]))
                .hasMessage("parameter vector for D=1, H=1 has 13 values, expected 14");
        assertThatThrownBy(() -> new Bptt(LstmShape.of(1, 2), 4).lossAndGradients(
                LstmWeights.initialise(LstmShape.of(1, 3), 1), LstmState.zeros(3), new double[5], 0, 4, 0,
                new LstmGradients(LstmShape.of(1, 2))))
                .hasMessage("weights are for D=1, H=3, this BPTT workspace for D=1, H=2");
    }

    @Test
    void weightsAreImmutable() {
        LstmWeights weights = LstmWeights.initialise(LstmShape.of(2, 3), 5);
        double before = weights.inputWeight(Gate.CANDIDATE, 1, 1);
        double[] copy = weights.copyParameters();
        copy[weights.shape().inputWeightIndex(Gate.CANDIDATE, 1, 1)] = 42.0;

        assertThat(weights.inputWeight(Gate.CANDIDATE, 1, 1)).isEqualTo(before);
        assertThatThrownBy(() -> LstmWeights.fromParameters(weights.shape(), withNan(copy)))
                .hasMessageContaining("weights must be finite");
    }

    @Test
    void steppingAndPredictingAllocateNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        LstmCell.Workspace workspace = new LstmCell(LstmWeights.initialise(LstmShape.of(8, 32), 3)).newWorkspace();
        LstmState state = LstmState.zeros(32);
        double[] x = new double[8];
        double[] prediction = new double[8];
        for (int t = 0; t < 20_000; t++) { // let the JIT settle first
            x[t % 8] = Math.sin(t);
            workspace.stepInPlace(x, state);
            workspace.predictInto(state, prediction);
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int t = 0; t < 100_000; t++) {
            x[t % 8] = Math.sin(t);
            workspace.stepInPlace(x, state);
            workspace.predictInto(state, prediction);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        // 100 000 steps; even one 8-byte allocation per step would show as 800 kB
        assertThat(allocated).as("bytes allocated by 100 000 steps").isLessThan(16_384);
    }

    private static double[] withNan(double[] values) {
        values[0] = Double.NaN;
        return values;
    }
}
