package dev.sensorwatch.lstm;

/**
 * The per-thread workspace for {@link OnlineLstm} models of one shape: runs a model over a short
 * window of readings and takes one bounded learning step on it. Allocated once; its methods
 * allocate nothing. Work per call is proportional to the window length, never to the history.
 */
public final class OnlineTrainer {

    private final LstmShape shape;
    private final int maxRows;
    private final double learningRate;
    private final double clipNorm;
    private final Bptt bptt;
    private final LstmGradients gradients;
    private final double[] activations;
    private final double[] tanhCell;

    /**
     * Returns a workspace for models of {@code shape} and windows of up to {@code maxRows} rows.
     *
     * @param learningRate Adam's step size
     * @param clipNorm     largest gradient norm applied per update
     * @throws IllegalArgumentException if {@code maxRows < 2} or a rate is not positive
     */
    public OnlineTrainer(LstmShape shape, int maxRows, double learningRate, double clipNorm) {
        if (maxRows < 2) {
            throw new IllegalArgumentException("a learning window needs at least 2 rows, got " + maxRows);
        }
        if (!(learningRate > 0.0) || !(clipNorm > 0.0)) {
            throw new IllegalArgumentException("learning rate and clip norm must be positive, got "
                    + learningRate + " and " + clipNorm);
        }
        this.shape = shape;
        this.maxRows = maxRows;
        this.learningRate = learningRate;
        this.clipNorm = clipNorm;
        this.bptt = new Bptt(shape, maxRows - 1);
        this.gradients = new LstmGradients(shape);
        this.activations = new double[shape.gateRows()];
        this.tanhCell = new double[shape.hiddenSize()];
    }

    /** The sizes of the models this workspace handles. */
    public LstmShape shape() {
        return shape;
    }

    /** The longest window, in rows, this workspace takes. */
    public int maxRows() {
        return maxRows;
    }

    /**
     * Advances {@code state} by row {@code row} of {@code series} (row-major, {@code D} values a
     * row) with the model's current weights.
     */
    public void stepInPlace(OnlineLstm model, double[] series, int row, LstmState state) {
        check(model);
        LstmCell.forward(model.parameters, series, row * shape.inputSize(),
                state.h, 0, state.c, 0, activations, activations, 0, state.c, 0, tanhCell, 0, state.h, 0);
    }

    /**
     * One learning step: full BPTT of the next-step loss over rows {@code 0 .. rows-1} of
     * {@code series} from {@code start}, the gradient clipped to the configured norm, one Adam
     * update of the model. Rows beyond the first are targets of the row before them.
     *
     * @return the loss before the update
     */
    public double learnInPlace(OnlineLstm model, LstmState start, double[] series, int rows) {
        check(model);
        if (rows < 2 || rows > maxRows) {
            throw new IllegalArgumentException("learning needs a window of 2 to " + maxRows + " rows, got " + rows);
        }
        double loss = bptt.run(model.parameters, start.h, start.c, series, 0, rows - 1, 0, gradients.values);
        gradients.clipNormInPlace(clipNorm);
        model.adam.stepInPlace(model.parameters, gradients.values, learningRate);
        return loss;
    }

    /**
     * Overwrites {@code target} with the state the last {@link #learnInPlace} reached: after
     * consuming rows {@code 0 .. rows-2} from its start state, with the weights before the update.
     */
    public void copyLearnedStateInto(LstmState target) {
        bptt.copyFinalStateInto(target);
    }

    /** Writes the model's prediction of the next row from {@code state} into {@code prediction}. */
    public void predictInto(OnlineLstm model, LstmState state, double[] prediction) {
        check(model);
        LstmCell.readout(model.parameters, state.h, 0, prediction, 0);
    }

    private void check(OnlineLstm model) {
        if (!shape.equals(model.shape())) {
            throw new IllegalArgumentException("model is " + model.shape() + ", this trainer is for " + shape);
        }
    }
}
