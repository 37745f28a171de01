package dev.sensorwatch.lstm;

import java.util.Arrays;
import org.ojalgo.matrix.store.R064Store;

/**
 * Reference implementations of one LSTM forward step (no readout) for {@link LstmStepBenchmark}:
 * the same math as {@link LstmCell}'s step, with the gate pre-activations
 * {@code z = b + W·[x, h]} computed in three other ways:
 *
 * <ul>
 *   <li>{@link #stepColumns}: plain Java, one {@code double[]} of {@code 4H} per column of the
 *       stacked gate matrix, {@code z = b} then {@code z += W[:, j]·v_j} for each column {@code j}
 *       of {@code v = [x, h]} (the loop {@link LstmCell} runs through ojAlgo's {@code AXPY});
 *   <li>{@link #stepRows}: plain Java, the gate matrix row-major, each of the {@code 4H}
 *       pre-activations a dot product of one contiguous row of {@code D + H} with {@code [x, h]}
 *       (the textbook loop);
 *   <li>{@link #stepStoreMultiply}: ojAlgo's general matrix–vector product,
 *       {@link R064Store#fillByMultiplying} of the gate matrix as an {@link R064Store} with
 *       {@code [x, h]} as a one-column store, then the bias added.
 * </ul>
 *
 * <p>All three then apply the gates with the same elementwise code as {@link LstmCell}: the same
 * gate order (forget, input, candidate, output), the same {@link Activations#sigmoid} and
 * {@link Activations#tanh}, and the same stores (gate activations back into the pre-activation
 * buffer, {@code tanh(c')} into its own buffer, {@code (h', c')} into the state in place), so that
 * a comparison with the cell measures the matrix work only.
 *
 * <p>Each instance preallocates every buffer it needs; a step allocates nothing (except whatever
 * ojAlgo's {@code fillByMultiplying} does internally). Not thread-safe: one instance per thread.
 * {@link #checkAgreement} verifies that all variants compute what {@link LstmCell} computes.
 */
final class PlainLstmStep {

    /** Steps {@link #checkAgreement} takes from the zero state. */
    static final int CHECK_STEPS = 10;

    /** Largest absolute difference in any {@code h} or {@code c} value {@link #checkAgreement} accepts. */
    static final double CHECK_TOLERANCE = 1e-12;

    private final int inputs;
    private final int units;
    private final int gateRows;
    private final int gateColumns;

    /** The gate bias, {@code 4H}. */
    private final double[] bias;
    /** Column layout: {@code columns[j]} is column {@code j} of the stacked gate matrix, {@code 4H}. */
    private final double[][] columns;
    /** Row layout: row {@code r} of the stacked gate matrix at {@code r·(D+H)}, {@code D+H} values. */
    private final double[] rowMajor;
    /** Store layout: the stacked gate matrix, {@code 4H × (D+H)}, column-major as in {@link LstmShape}. */
    private final R064Store gateStore;
    /** Store layout: {@code [x, h]} as one column. */
    private final R064Store vectorStore;
    /** Store layout: the product {@code W·[x, h]}, one column of {@code 4H}. */
    private final R064Store productStore;

    /** Pre-activations, then activations, of the plain variants: blocks f, i, g, o of {@code H}. */
    private final double[] activations;
    /** {@code tanh(c')}, as the cell keeps it. */
    private final double[] tanhCell;

    /** Returns a reference step computing with {@code weights}, all layouts and buffers allocated. */
    PlainLstmStep(LstmWeights weights) {
        LstmShape shape = weights.shape();
        double[] p = weights.copyParameters();
        this.inputs = shape.inputSize();
        this.units = shape.hiddenSize();
        this.gateRows = shape.gateRows();
        this.gateColumns = shape.gateColumns();

        this.bias = Arrays.copyOfRange(p, shape.gateBiasOffset(), shape.gateBiasOffset() + gateRows);

        this.columns = new double[gateColumns][];
        for (int j = 0; j < gateColumns; j++) {
            int offset = shape.gateColumnOffset(j);
            columns[j] = Arrays.copyOfRange(p, offset, offset + gateRows);
        }

        this.rowMajor = new double[gateRows * gateColumns];
        for (int r = 0; r < gateRows; r++) {
            for (int j = 0; j < gateColumns; j++) {
                rowMajor[r * gateColumns + j] = p[shape.gateColumnOffset(j) + r];
            }
        }

        this.gateStore = R064Store.wrap(Arrays.copyOf(p, shape.gateBiasOffset()), gateRows);
        this.vectorStore = R064Store.FACTORY.make(gateColumns, 1);
        this.productStore = R064Store.FACTORY.make(gateRows, 1);

        this.activations = new double[gateRows];
        this.tanhCell = new double[units];
    }

    /**
     * Advances {@code state} by the reading {@code x} with the column layout: {@code z = b}, then
     * {@code z[r] += W[r, j]·v_j} column by column, the inner loop over the {@code 4H} rows.
     */
    void stepColumns(double[] x, LstmState state) {
        check(x, state);
        final double[] h = state.h;
        final double[] z = activations;
        final int rows = gateRows;
        System.arraycopy(bias, 0, z, 0, rows);
        for (int j = 0; j < inputs; j++) {
            final double[] column = columns[j];
            final double v = x[j];
            for (int r = 0; r < rows; r++) {
                z[r] += column[r] * v;
            }
        }
        for (int j = 0; j < units; j++) {
            final double[] column = columns[inputs + j];
            final double v = h[j];
            for (int r = 0; r < rows; r++) {
                z[r] += column[r] * v;
            }
        }
        applyGates(z, state);
    }

    /**
     * Advances {@code state} by the reading {@code x} with the row layout: each pre-activation is
     * its bias plus the dot product of one contiguous row with {@code [x, h]}, summed in column
     * order as the other variants do.
     */
    void stepRows(double[] x, LstmState state) {
        check(x, state);
        final double[] h = state.h;
        final double[] w = rowMajor;
        final double[] z = activations;
        final int k = gateColumns;
        for (int r = 0; r < gateRows; r++) {
            final int row = r * k;
            double s = bias[r];
            for (int j = 0; j < inputs; j++) {
                s += w[row + j] * x[j];
            }
            final int recurrent = row + inputs;
            for (int j = 0; j < units; j++) {
                s += w[recurrent + j] * h[j];
            }
            z[r] = s;
        }
        applyGates(z, state);
    }

    /**
     * Advances {@code state} by the reading {@code x} through ojAlgo's general matrix–vector
     * product: {@code [x, h]} is copied into a one-column {@link R064Store}, multiplied by the
     * gate matrix store with {@link R064Store#fillByMultiplying}, and the bias added.
     */
    void stepStoreMultiply(double[] x, LstmState state) {
        check(x, state);
        final double[] v = vectorStore.data;
        System.arraycopy(x, 0, v, 0, inputs);
        System.arraycopy(state.h, 0, v, inputs, units);
        productStore.fillByMultiplying(gateStore, vectorStore);
        final double[] z = productStore.data;
        for (int r = 0; r < gateRows; r++) {
            z[r] += bias[r];
        }
        applyGates(z, state);
    }

    /**
     * The elementwise part of the step, as in {@link LstmCell}: turns the pre-activations
     * {@code z} (blocks f, i, g, o) into gate activations in place and writes {@code (h', c')}
     * into {@code state}.
     */
    private void applyGates(double[] z, LstmState state) {
        final double[] h = state.h;
        final double[] c = state.c;
        final int fOff = 0;
        final int iOff = units;
        final int gOff = 2 * units;
        final int oOff = 3 * units;
        for (int k = 0; k < units; k++) {
            double f = Activations.sigmoid(z[fOff + k]);
            double i = Activations.sigmoid(z[iOff + k]);
            double g = Activations.tanh(z[gOff + k]);
            double cNew = f * c[k] + i * g;
            double o = Activations.sigmoid(z[oOff + k]);
            double tanhC = Activations.tanh(cNew);

            z[fOff + k] = f;
            z[iOff + k] = i;
            z[gOff + k] = g;
            z[oOff + k] = o;
            c[k] = cNew;
            tanhCell[k] = tanhC;
            h[k] = o * tanhC;
        }
    }

    /** The same argument checks as {@link LstmCell.Workspace#stepInPlace}. */
    private void check(double[] x, LstmState state) {
        LstmShape.checkLength("reading", x, inputs);
        if (state.size() != units) {
            throw new IllegalArgumentException("state has " + state.size()
                    + " units, the reference step has " + units);
        }
    }

    /**
     * Checks that {@link LstmCell} and the three reference variants agree: from the zero state,
     * each takes {@value #CHECK_STEPS} steps on the same deterministic sequence of readings, and
     * every {@code h} and {@code c} value must match the cell's to within
     * {@value #CHECK_TOLERANCE}. Also checks that the hidden state is not trivially zero, so
     * that agreement means something.
     *
     * @throws IllegalStateException naming the variant, the unit and both values on disagreement
     */
    static void checkAgreement(LstmWeights weights) {
        LstmShape shape = weights.shape();
        int units = shape.hiddenSize();
        LstmCell.Workspace cell = new LstmCell(weights).newWorkspace();
        PlainLstmStep columns = new PlainLstmStep(weights);
        PlainLstmStep rows = new PlainLstmStep(weights);
        PlainLstmStep store = new PlainLstmStep(weights);

        LstmState expected = LstmState.zeros(units);
        LstmState columnsState = LstmState.zeros(units);
        LstmState rowsState = LstmState.zeros(units);
        LstmState storeState = LstmState.zeros(units);
        double[] x = new double[shape.inputSize()];
        for (int t = 0; t < CHECK_STEPS; t++) {
            for (int d = 0; d < x.length; d++) {
                x[d] = Math.sin(0.7 * t + 1.3 * d + 0.5);
            }
            cell.stepInPlace(x, expected);
            columns.stepColumns(x, columnsState);
            rows.stepRows(x, rowsState);
            store.stepStoreMultiply(x, storeState);
        }

        double largest = 0.0;
        for (int k = 0; k < units; k++) {
            largest = Math.max(largest, Math.abs(expected.hidden(k)));
        }
        if (largest < 1e-6) {
            throw new IllegalStateException("LstmCell's hidden state is ~0 after " + CHECK_STEPS
                    + " steps for " + shape + "; the agreement check would be vacuous");
        }
        requireAgreement("plainColumns", expected, columnsState, shape);
        requireAgreement("plainRows", expected, rowsState, shape);
        requireAgreement("ojalgoStoreMultiply", expected, storeState, shape);
    }

    private static void requireAgreement(String variant, LstmState expected, LstmState actual,
                                         LstmShape shape) {
        for (int k = 0; k < expected.size(); k++) {
            requireClose(variant, "h", k, expected.hidden(k), actual.hidden(k), shape);
            requireClose(variant, "c", k, expected.cell(k), actual.cell(k), shape);
        }
    }

    private static void requireClose(String variant, String what, int unit,
                                     double expected, double actual, LstmShape shape) {
        if (!(Math.abs(expected - actual) <= CHECK_TOLERANCE)) {
            throw new IllegalStateException(variant + " disagrees with LstmCell for " + shape
                    + " after " + CHECK_STEPS + " steps: " + what + "[" + unit + "] = " + actual
                    + ", expected " + expected + " (tolerance " + CHECK_TOLERANCE + ")");
        }
    }
}
