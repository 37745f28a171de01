package dev.sensorwatch.lstm;

import org.ojalgo.array.operation.AXPY;
import org.ojalgo.array.operation.DOT;

/**
 * One LSTM cell with its readout: advances {@code (h, c)} by one reading and predicts the next
 * reading from {@code h}. Per step, with σ the logistic function:
 *
 * <pre>
 * f  = σ(W_f·[x, h] + b_f)      forget gate: what of c to keep
 * i  = σ(W_i·[x, h] + b_i)      input gate: which new values to store
 * g  = tanh(W_g·[x, h] + b_g)   candidate values
 * c' = f ⊙ c + i ⊙ g            cell state
 * o  = σ(W_o·[x, h] + b_o)      output gate: what of the cell to expose
 * h' = o ⊙ tanh(c')             hidden state
 * ŷ  = W_y·h' + b_y             readout: the prediction of the next reading
 * </pre>
 *
 * <p>The four gate pre-activations are one product of the stacked gate matrix ({@code 4H × (D+H)},
 * see {@link LstmShape}) with {@code [x, h]}, computed as one ojAlgo {@code AXPY} per column. Each
 * column is its own array, so the kernel streams it from index 0 and the JIT vectorises it.
 *
 * <p>The cell is immutable and thread-safe; each thread gets its own {@link Workspace} from
 * {@link #newWorkspace()}, allocated once and reused for every step.
 */
public final class LstmCell {

    private final LstmWeights weights;

    /** Returns a cell computing with {@code weights}. */
    public LstmCell(LstmWeights weights) {
        this.weights = weights;
    }

    /** The weights of this cell. */
    public LstmWeights weights() {
        return weights;
    }

    /** The sizes of this cell. */
    public LstmShape shape() {
        return weights.shape();
    }

    /** Returns a new workspace for one thread; steps through it allocate nothing. */
    public Workspace newWorkspace() {
        return new Workspace();
    }

    /**
     * One forward step on raw arrays: reads {@code x} and the previous {@code (h, c)}, computes
     * the gate pre-activations in {@code z} ({@code 4H} scratch), writes the gate activations to
     * {@code act} (blocks f, i, g, o of {@code H}; {@code act} may be {@code z}), the new cell
     * state, its tanh and the new hidden state. The outputs may alias the previous state: every
     * previous {@code h} is read before any new one is written, and {@code c[k]} is read just
     * before {@code c'[k]} is written.
     */
    static void forward(ParameterBlocks p,
                        double[] x, int xOff,
                        double[] hPrev, int hPrevOff, double[] cPrev, int cPrevOff,
                        double[] z, double[] act, int actOff,
                        double[] cOut, int cOutOff, double[] tanhCOut, int tanhCOff,
                        double[] hOut, int hOutOff) {
        final LstmShape shape = p.shape;
        final int inputs = shape.inputSize();
        final int units = shape.hiddenSize();

        // z = b + W·[x, h]: the pre-activations of all four gates, one ojAlgo AXPY per column
        System.arraycopy(p.gateBias(), 0, z, 0, shape.gateRows());
        for (int j = 0; j < inputs; j++) {
            AXPY.invoke(z, x[xOff + j], p.column(j));
        }
        for (int j = 0; j < units; j++) {
            AXPY.invoke(z, hPrev[hPrevOff + j], p.column(inputs + j));
        }

        final int iOff = units;
        final int gOff = 2 * units;
        final int oOff = 3 * units;
        for (int k = 0; k < units; k++) {
            // forget gate: what of the old cell state to keep
            double f = Activations.sigmoid(z[k]);
            // input gate: which new values to store, and the tanh candidate values
            double i = Activations.sigmoid(z[iOff + k]);
            double g = Activations.tanh(z[gOff + k]);
            // cell state: the long-term memory line
            double c = f * cPrev[cPrevOff + k] + i * g;
            // output gate: what of the cell state to expose as the hidden state
            double o = Activations.sigmoid(z[oOff + k]);
            double tanhC = Activations.tanh(c);

            act[actOff + k] = f;
            act[actOff + iOff + k] = i;
            act[actOff + gOff + k] = g;
            act[actOff + oOff + k] = o;
            cOut[cOutOff + k] = c;
            tanhCOut[tanhCOff + k] = tanhC;
            hOut[hOutOff + k] = o * tanhC;
        }
    }

    /** The readout {@code ŷ = W_y·h + b_y} on raw arrays, one ojAlgo {@code DOT} per channel. */
    static void readout(ParameterBlocks p, double[] h, int hOff, double[] y, int yOff) {
        final int units = p.shape.hiddenSize();
        final double[] bias = p.readoutBias();
        for (int d = 0; d < p.shape.inputSize(); d++) {
            y[yOff + d] = bias[d] + DOT.invoke(p.readoutRow(d), 0, h, hOff, 0, units);
        }
    }

    /**
     * The mutable scratch space of one thread stepping this cell. Allocated once; a step writes
     * only into it and into the state it advances.
     */
    public final class Workspace {

        private final double[] activations = new double[shape().gateRows()];
        private final double[] tanhCell = new double[shape().hiddenSize()];

        private Workspace() {
        }

        /** The cell this workspace steps. */
        public LstmCell cell() {
            return LstmCell.this;
        }

        /**
         * Advances {@code state} by the reading {@code x} ({@code D} values): after the call it
         * holds {@code (h', c')}.
         *
         * @throws IllegalArgumentException if {@code x} or {@code state} has the wrong size
         */
        public void stepInPlace(double[] x, LstmState state) {
            LstmShape shape = shape();
            LstmShape.checkLength("reading", x, shape.inputSize());
            checkState(state);
            forward(weights.parameters(), x, 0, state.h, 0, state.c, 0,
                    activations, activations, 0, state.c, 0, tanhCell, 0, state.h, 0);
        }

        /**
         * Writes the prediction of the next reading from {@code state} into {@code prediction}
         * ({@code D} values).
         */
        public void predictInto(LstmState state, double[] prediction) {
            LstmShape shape = shape();
            LstmShape.checkLength("prediction", prediction, shape.inputSize());
            checkState(state);
            readout(weights.parameters(), state.h, 0, prediction, 0);
        }

        /** Value of {@code gate} for {@code unit} at the last step, for inspection and tests. */
        public double lastGate(Gate gate, int unit) {
            return activations[shape().gateRow(gate, unit)];
        }

        private void checkState(LstmState state) {
            if (state.size() != shape().hiddenSize()) {
                throw new IllegalArgumentException("state has " + state.size()
                        + " units, the cell has " + shape().hiddenSize());
            }
        }
    }
}
