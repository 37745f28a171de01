package dev.sensorwatch.lstm;

import java.util.Arrays;
import org.ojalgo.array.operation.AXPY;
import org.ojalgo.array.operation.DOT;

/**
 * Backpropagation through time for next-step prediction: runs the cell over a sequence, scores
 * each prediction against the next reading with the mean squared error, and computes the
 * gradient of that loss with respect to every parameter, the readout included.
 *
 * <p>The loss over {@code T} steps and {@code D} channels is
 * {@code L = (1/(T·D)) Σ_t Σ_d (ŷ_t[d] − x_{t+1}[d])²}, where {@code ŷ_t} is the readout of
 * the hidden state after consuming {@code x_t}. The initial state is a constant.
 *
 * <p><b>Truncation.</b> With a truncation length {@code k} (0 or {@code ≥ T} means full BPTT),
 * the sequence is cut into chunks of {@code k} steps; the state flows forward through the whole
 * sequence, but no gradient flows back across a chunk boundary: the result is the exact gradient
 * of the same loss with the state at each boundary held constant.
 *
 * <p>A mutable workspace for sequences of up to {@code maxSteps} steps, owned by one thread and
 * allocated once; a run allocates nothing.
 */
public final class Bptt {

    private final LstmShape shape;
    private final int maxSteps;

    // per step t: activations f,i,g,o (4H), cell state, tanh of cell state, hidden state;
    // h and c have T + 1 rows, row 0 the initial state
    private final double[] act;
    private final double[] cs;
    private final double[] tanhCs;
    private final double[] hs;
    private final double[] ys;
    private final double[] z;
    private final double[] dz;
    private final double[] dh;
    private final double[] dhNext;
    private final double[] dcNext;
    private final double[] dy;
    private int steps;

    /**
     * Returns a workspace for cells of {@code shape} and sequences of up to {@code maxSteps}.
     *
     * @throws IllegalArgumentException if {@code maxSteps} is below 1
     */
    public Bptt(LstmShape shape, int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("BPTT needs at least 1 step, got " + maxSteps);
        }
        this.shape = shape;
        this.maxSteps = maxSteps;
        int units = shape.hiddenSize();
        this.act = new double[maxSteps * shape.gateRows()];
        this.cs = new double[(maxSteps + 1) * units];
        this.tanhCs = new double[maxSteps * units];
        this.hs = new double[(maxSteps + 1) * units];
        this.ys = new double[maxSteps * shape.inputSize()];
        this.z = new double[shape.gateRows()];
        this.dz = new double[shape.gateRows()];
        this.dh = new double[units];
        this.dhNext = new double[units];
        this.dcNext = new double[units];
        this.dy = new double[shape.inputSize()];
    }

    /** The sizes of the cells this workspace handles. */
    public LstmShape shape() {
        return shape;
    }

    /** The longest sequence this workspace takes. */
    public int maxSteps() {
        return maxSteps;
    }

    /**
     * Runs {@code steps} steps from {@code initial} over the rows {@code fromRow .. fromRow+steps}
     * of {@code series} (row-major, {@code D} values a row; row {@code fromRow + t + 1} is the
     * target of step {@code t}) and overwrites {@code gradients} with the gradient of the loss.
     *
     * @param truncation 0 for full BPTT, else the chunk length across which no gradient flows
     * @return the loss
     * @throws IllegalArgumentException on a shape mismatch, a sequence longer than this workspace
     *                                  takes, or rows beyond the end of {@code series}
     */
    public double lossAndGradients(LstmWeights weights, LstmState initial, double[] series,
                                   int fromRow, int steps, int truncation, LstmGradients gradients) {
        checkShape("weights", weights.shape());
        checkShape("gradients", gradients.shape());
        if (initial.size() != shape.hiddenSize()) {
            throw new IllegalArgumentException("initial state has " + initial.size()
                    + " units, the cell has " + shape.hiddenSize());
        }
        return run(weights.parameters(), initial.h, initial.c, series, fromRow, steps, truncation,
                gradients.values);
    }

    /** As {@link #lossAndGradients} on raw arrays; for the trainers. */
    double run(ParameterBlocks p, double[] h0, double[] c0, double[] series, int fromRow, int steps,
               int truncation, ParameterBlocks grad) {
        checkSequence(series, fromRow, steps, truncation);
        forwardInternal(p, h0, c0, series, fromRow, steps);
        return backward(p, series, fromRow, truncation, grad);
    }

    /**
     * Runs only the forward pass and returns the loss; the recorded values can then be read with
     * {@link #hiddenAt}, {@link #cellAt} and {@link #predictionAt}.
     */
    public double loss(LstmWeights weights, LstmState initial, double[] series, int fromRow, int steps) {
        checkShape("weights", weights.shape());
        checkSequence(series, fromRow, steps, 0);
        forwardInternal(weights.parameters(), initial.h, initial.c, series, fromRow, steps);
        return squaredError(series, fromRow) / ((double) steps * shape.inputSize());
    }

    /** Hidden state of {@code unit} after step {@code t} of the last run. */
    public double hiddenAt(int t, int unit) {
        return hs[(checkStep(t) + 1) * shape.hiddenSize() + unit];
    }

    /** Cell state of {@code unit} after step {@code t} of the last run. */
    public double cellAt(int t, int unit) {
        return cs[(checkStep(t) + 1) * shape.hiddenSize() + unit];
    }

    /** Prediction for channel {@code channel} made after step {@code t} of the last run. */
    public double predictionAt(int t, int channel) {
        return ys[checkStep(t) * shape.inputSize() + channel];
    }

    /** Overwrites {@code target} with the state after the last step of the last run. */
    public void copyFinalStateInto(LstmState target) {
        copyFinalStateInto(target.h, target.c);
    }

    void copyFinalStateInto(double[] h, double[] c) {
        if (steps == 0) {
            throw new IllegalStateException("no sequence has been run yet");
        }
        int units = shape.hiddenSize();
        System.arraycopy(hs, steps * units, h, 0, units);
        System.arraycopy(cs, steps * units, c, 0, units);
    }

    private void forwardInternal(ParameterBlocks p, double[] h0, double[] c0, double[] series,
                                 int fromRow, int steps) {
        this.steps = steps;
        int units = shape.hiddenSize();
        int inputs = shape.inputSize();
        int rows = shape.gateRows();
        System.arraycopy(h0, 0, hs, 0, units);
        System.arraycopy(c0, 0, cs, 0, units);
        for (int t = 0; t < steps; t++) {
            LstmCell.forward(p, series, (fromRow + t) * inputs,
                    hs, t * units, cs, t * units,
                    z, act, t * rows, cs, (t + 1) * units, tanhCs, t * units, hs, (t + 1) * units);
            LstmCell.readout(p, hs, (t + 1) * units, ys, t * inputs);
        }
    }

    private double squaredError(double[] series, int fromRow) {
        int inputs = shape.inputSize();
        double sum = 0.0;
        for (int t = 0; t < steps; t++) {
            for (int d = 0; d < inputs; d++) {
                double e = ys[t * inputs + d] - series[(fromRow + t + 1) * inputs + d];
                sum += e * e;
            }
        }
        return sum;
    }

    private double backward(ParameterBlocks p, double[] series, int fromRow, int truncation, ParameterBlocks grad) {
        final int units = shape.hiddenSize();
        final int inputs = shape.inputSize();
        final int rows = shape.gateRows();
        final double[] readoutBias = grad.readoutBias();
        final double scale = 2.0 / ((double) steps * inputs);

        grad.clear();
        Arrays.fill(dhNext, 0.0);
        Arrays.fill(dcNext, 0.0);
        double sum = 0.0;

        for (int t = steps - 1; t >= 0; t--) {
            if (truncation > 0 && (t + 1) % truncation == 0) {
                // step t + 1 starts a new chunk: no gradient flows back across its boundary
                Arrays.fill(dhNext, 0.0);
                Arrays.fill(dcNext, 0.0);
            }
            final int hOff = (t + 1) * units;
            final int hPrevOff = t * units;
            final int aOff = t * rows;
            final int xOff = (fromRow + t) * inputs;

            // readout: dL/dŷ, its weights and bias, and dL/dh from the readout plus the future
            System.arraycopy(dhNext, 0, dh, 0, units);
            for (int d = 0; d < inputs; d++) {
                double e = ys[t * inputs + d] - series[(fromRow + t + 1) * inputs + d];
                sum += e * e;
                dy[d] = scale * e;
                readoutBias[d] += dy[d];
                AXPY.invoke(grad.readoutRow(d), 0, dy[d], hs, hOff, 0, units);
                AXPY.invoke(dh, dy[d], p.readoutRow(d));
            }

            for (int k = 0; k < units; k++) {
                double f = act[aOff + k];
                double i = act[aOff + units + k];
                double g = act[aOff + 2 * units + k];
                double o = act[aOff + 3 * units + k];
                double tanhC = tanhCs[t * units + k];
                // output gate: h = o ⊙ tanh(c)
                double dOut = dh[k] * tanhC;
                // cell state: from h and from the next step's cell state
                double dCell = dh[k] * o * (1.0 - tanhC * tanhC) + dcNext[k];
                // forget gate, input gate and candidate: c = f ⊙ c_prev + i ⊙ g
                double dForget = dCell * cs[hPrevOff + k];
                double dInput = dCell * g;
                double dCandidate = dCell * i;
                dcNext[k] = dCell * f;
                // through the activations to the pre-activations
                dz[k] = dForget * f * (1.0 - f);
                dz[units + k] = dInput * i * (1.0 - i);
                dz[2 * units + k] = dCandidate * (1.0 - g * g);
                dz[3 * units + k] = dOut * o * (1.0 - o);
            }

            // gate matrix and bias: dW[:, j] += dz · [x, h_prev][j]; dh_prev = W_hᵀ·dz
            AXPY.invoke(grad.gateBias(), 1.0, dz);
            for (int j = 0; j < inputs; j++) {
                AXPY.invoke(grad.column(j), series[xOff + j], dz);
            }
            for (int j = 0; j < units; j++) {
                AXPY.invoke(grad.column(inputs + j), hs[hPrevOff + j], dz);
                dhNext[j] = DOT.invoke(p.column(inputs + j), dz);
            }
        }
        return sum / ((double) steps * inputs);
    }

    private void checkShape(String what, LstmShape other) {
        if (!shape.equals(other)) {
            throw new IllegalArgumentException(what + " are for " + other + ", this BPTT workspace for " + shape);
        }
    }

    private void checkSequence(double[] series, int fromRow, int steps, int truncation) {
        if (steps < 1 || steps > maxSteps) {
            throw new IllegalArgumentException("sequence of " + steps
                    + " steps is outside [1, " + maxSteps + "] for this BPTT workspace");
        }
        if (truncation < 0) {
            throw new IllegalArgumentException("truncation must be 0 (full) or positive, got " + truncation);
        }
        int inputs = shape.inputSize();
        if (series.length % inputs != 0) {
            throw new IllegalArgumentException("series of " + series.length
                    + " values is not a whole number of rows of " + inputs);
        }
        long needed = (long) fromRow + steps + 1;
        if (fromRow < 0 || needed * inputs > series.length) {
            throw new IllegalArgumentException("rows " + fromRow + ".." + (needed - 1)
                    + " are needed, the series has " + series.length / inputs);
        }
    }

    private int checkStep(int t) {
        if (t < 0 || t >= steps) {
            throw new IndexOutOfBoundsException("step " + t + " is outside [0, " + steps + ") of the last run");
        }
        return t;
    }
}
