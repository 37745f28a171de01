package dev.sensorwatch.lstm;

/**
 * The sizes of an LSTM cell and the layout of its parameters in one flat {@code double[]}.
 *
 * <p>With {@code D} input channels, {@code H} hidden units and {@code K = D + H}, the parameter
 * vector holds, in this order:
 *
 * <ol>
 *   <li>the stacked gate matrix, {@code 4H × K}, column-major: column {@code j} starts at
 *       {@code j·4H}; its rows are the gate blocks in {@link Gate} order (forget, input,
 *       candidate, output), {@code H} rows each. Columns {@code 0..D-1} are the input weights,
 *       columns {@code D..K-1} the recurrent weights;
 *   <li>the gate bias, {@code 4H}, in the same row order;
 *   <li>the readout weights, {@code D × H}, one contiguous row of {@code H} per output channel;
 *   <li>the readout bias, {@code D}.
 * </ol>
 *
 * @param inputSize  {@code D}, the number of channels of a reading (at least 1)
 * @param hiddenSize {@code H}, the number of hidden units (at least 1)
 */
public record LstmShape(int inputSize, int hiddenSize) {

    /** Largest supported size of either dimension; keeps every offset well inside an int. */
    public static final int MAX_SIZE = 4096;

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException if a size is below 1 or above {@link #MAX_SIZE}
     */
    public LstmShape {
        if (inputSize < 1 || inputSize > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "input size must be in [1, " + MAX_SIZE + "], got " + inputSize);
        }
        if (hiddenSize < 1 || hiddenSize > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "hidden size must be in [1, " + MAX_SIZE + "], got " + hiddenSize);
        }
    }

    /** Returns the shape with {@code inputSize} channels and {@code hiddenSize} hidden units. */
    public static LstmShape of(int inputSize, int hiddenSize) {
        return new LstmShape(inputSize, hiddenSize);
    }

    /** Rows of the stacked gate matrix, {@code 4H}. */
    public int gateRows() {
        return 4 * hiddenSize;
    }

    /** Columns of the stacked gate matrix, {@code D + H}. */
    public int gateColumns() {
        return inputSize + hiddenSize;
    }

    /** Offset of column {@code column} of the stacked gate matrix. */
    public int gateColumnOffset(int column) {
        return column * gateRows();
    }

    /** Row of {@code unit} of {@code gate} in the stacked gate matrix and the gate bias. */
    public int gateRow(Gate gate, int unit) {
        return gate.ordinal() * hiddenSize + unit;
    }

    /** Offset of the gate bias. */
    public int gateBiasOffset() {
        return gateRows() * gateColumns();
    }

    /** Offset of the readout weights of output channel {@code channel} ({@code H} values). */
    public int readoutOffset(int channel) {
        return gateBiasOffset() + gateRows() + channel * hiddenSize;
    }

    /** Offset of the readout bias ({@code D} values). */
    public int readoutBiasOffset() {
        return readoutOffset(inputSize);
    }

    /** Total number of parameters. */
    public int parameterCount() {
        return readoutBiasOffset() + inputSize;
    }

    /** Index of the input weight from channel {@code input} to {@code unit} of {@code gate}. */
    public int inputWeightIndex(Gate gate, int unit, int input) {
        checkIndex("unit", unit, hiddenSize);
        checkIndex("input channel", input, inputSize);
        return gateColumnOffset(input) + gateRow(gate, unit);
    }

    /** Index of the recurrent weight from hidden unit {@code from} to {@code unit} of {@code gate}. */
    public int recurrentWeightIndex(Gate gate, int unit, int from) {
        checkIndex("unit", unit, hiddenSize);
        checkIndex("recurrent unit", from, hiddenSize);
        return gateColumnOffset(inputSize + from) + gateRow(gate, unit);
    }

    /** Index of the bias of {@code unit} of {@code gate}. */
    public int biasIndex(Gate gate, int unit) {
        checkIndex("unit", unit, hiddenSize);
        return gateBiasOffset() + gateRow(gate, unit);
    }

    /** Index of the readout weight from hidden unit {@code unit} to output channel {@code channel}. */
    public int readoutWeightIndex(int channel, int unit) {
        checkIndex("output channel", channel, inputSize);
        checkIndex("unit", unit, hiddenSize);
        return readoutOffset(channel) + unit;
    }

    /** Index of the readout bias of output channel {@code channel}. */
    public int readoutBiasIndex(int channel) {
        checkIndex("output channel", channel, inputSize);
        return readoutBiasOffset() + channel;
    }

    /**
     * Checks that an array holds exactly {@code expected} values.
     *
     * @throws IllegalArgumentException naming both lengths
     */
    static void checkLength(String what, double[] values, int expected) {
        if (values.length != expected) {
            throw new IllegalArgumentException(
                    what + " has " + values.length + " values, expected " + expected);
        }
    }

    private static void checkIndex(String what, int index, int size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(what + " " + index + " is outside [0, " + size + ")");
        }
    }

    @Override
    public String toString() {
        return "D=" + inputSize + ", H=" + hiddenSize;
    }
}
