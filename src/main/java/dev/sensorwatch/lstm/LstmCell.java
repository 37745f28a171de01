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
 * column-major, see {@link LstmShape}) with {@code [x, h]}, computed as one ojAlgo {@code AXPY}
 * per column, which streams each column once and vectorises.
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
     * One forward step on raw arrays: reads {@code x} and the previous {@code (h, c)}, writes the
     * gate activations to {@code act} (blocks f, i, g, o of {@code H}), the new cell state, its
     * tanh, and the new hidden state. The outputs may alias the previous state: every previous
     * {@code h} is read before any new one is written, and {@code c[k]} is read just before
     * {@code c'[k]} is written.
     */
    static void forward(LstmShape shape, double[] p,
                        double[] x, int xOff,
                        double[] hPrev, int hPrevOff, double[] cPrev, int cPrevOff,
                        double[] act, int actOff,
                        double[] cOut, int cOutOff, double[] tanhCOut, int tanhCOff,
                        double[] hOut, int hOutOff) {
        final int inputs = shape.inputSize();
        final int units = shape.hiddenSize();
        final int rows = shape.gateRows();

        // z = b + W·[x, h]: the pre-activations of all four gates, one AXPY per column
        System.arraycopy(p, shape.gateBiasOffset(), act, actOff, rows);
        for (int j = 0; j < inputs; j++) {
            AXPY.invoke(act, actOff, x[xOff + j], p, shape.gateColumnOffset(j), 0, rows);
        }
        for (int j = 0; j < units; j++) {
            AXPY.invoke(act, actOff, hPrev[hPrevOff + j], p, shape.gateColumnOffset(inputs + j), 0, rows);
        }

        final int fOff = actOff;
        final int iOff = actOff + units;
        final int gOff = actOff + 2 * units;
        final int oOff = actOff + 3 * units;
        for (int k = 0; k < units; k++) {
            // forget gate: what of the old cell state to keep
            double f = Activations.sigmoid(act[fOff + k]);
            // input gate: which new values to store, and the tanh candidate values
            double i = Activations.sigmoid(act[iOff + k]);
            double g = Activations.tanh(act[gOff + k]);
            // cell state: the long-term memory line
            double c = f * cPrev[cPrevOff + k] + i * g;
            // output gate: what of the cell state to expose as the hidden state
            double o = Activations.sigmoid(act[oOff + k]);
            double tanhC = Activations.tanh(c);

            act[fOff + k] = f;
            act[iOff + k] = i;
            act[gOff + k] = g;
            act[oOff + k] = o;
            cOut[cOutOff + k] = c;
            tanhCOut[tanhCOff + k] = tanhC;
            hOut[hOutOff + k] = o * tanhC;
        }
    }

    /** The readout {@code ŷ = W_y·h + b_y} on raw arrays, one ojAlgo {@code DOT} per channel. */
    static void readout(LstmShape shape, double[] p, double[] h, int hOff, double[] y, int yOff) {
        final int units = shape.hiddenSize();
        final int biasOff = shape.readoutBiasOffset();
        for (int d = 0; d < shape.inputSize(); d++) {
            y[yOff + d] = p[biasOff + d] + DOT.invoke(p, shape.readoutOffset(d), h, hOff, 0, units);
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
            forward(shape, weights.parameters(), x, 0, state.h, 0, state.c, 0,
                    activations, 0, state.c, 0, tanhCell, 0, state.h, 0);
        }

        /**
         * Writes the prediction of the next reading from {@code state} into {@code prediction}
         * ({@code D} values).
         */
        public void predictInto(LstmState state, double[] prediction) {
            LstmShape shape = shape();
            LstmShape.checkLength("prediction", prediction, shape.inputSize());
            checkState(state);
            readout(shape, weights.parameters(), state.h, 0, prediction, 0);
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
