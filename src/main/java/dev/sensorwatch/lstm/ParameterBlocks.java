package dev.sensorwatch.lstm;

import java.util.Arrays;

/**
 * All parameters of one cell (or their gradients, or Adam's moments), kept as one contiguous
 * {@code double[]} per column of the stacked gate matrix, one for the gate bias, one per readout
 * row and one for the readout bias. Kernels then stream whole arrays from index 0, which the JIT
 * vectorises; a flat layout with offsets would leave it unsure whether two ranges overlap.
 *
 * <p>The blocks, concatenated in order, are exactly the flat layout of {@link LstmShape}.
 * Mutable; package-private.
 */
final class ParameterBlocks {

    final LstmShape shape;
    final double[][] blocks;

    private ParameterBlocks(LstmShape shape) {
        this.shape = shape;
        int columns = shape.gateColumns();
        int inputs = shape.inputSize();
        this.blocks = new double[columns + 1 + inputs + 1][];
        for (int j = 0; j <= columns; j++) {
            blocks[j] = new double[shape.gateRows()];
        }
        for (int d = 0; d < inputs; d++) {
            blocks[columns + 1 + d] = new double[shape.hiddenSize()];
        }
        blocks[columns + 1 + inputs] = new double[inputs];
    }

    /** The length of each block for cells of {@code shape}, in order. */
    static int[] blockSizes(LstmShape shape) {
        int columns = shape.gateColumns();
        int inputs = shape.inputSize();
        int[] sizes = new int[columns + 1 + inputs + 1];
        Arrays.fill(sizes, 0, columns + 1, shape.gateRows());
        Arrays.fill(sizes, columns + 1, columns + 1 + inputs, shape.hiddenSize());
        sizes[columns + 1 + inputs] = inputs;
        return sizes;
    }

    /** All zeros. */
    static ParameterBlocks zeros(LstmShape shape) {
        return new ParameterBlocks(shape);
    }

    /** Copies a flat vector in {@link LstmShape}'s layout. */
    static ParameterBlocks fromFlat(LstmShape shape, double[] flat) {
        LstmShape.checkLength("parameter vector for " + shape, flat, shape.parameterCount());
        ParameterBlocks p = new ParameterBlocks(shape);
        int at = 0;
        for (double[] block : p.blocks) {
            System.arraycopy(flat, at, block, 0, block.length);
            at += block.length;
        }
        return p;
    }

    /** A flat copy in {@link LstmShape}'s layout. */
    double[] toFlat() {
        double[] flat = new double[shape.parameterCount()];
        int at = 0;
        for (double[] block : blocks) {
            System.arraycopy(block, 0, flat, at, block.length);
            at += block.length;
        }
        return flat;
    }

    /** An independent copy. */
    ParameterBlocks copy() {
        ParameterBlocks p = new ParameterBlocks(shape);
        copyInto(p);
        return p;
    }

    /** Overwrites {@code target} (of the same shape) with these values. */
    void copyInto(ParameterBlocks target) {
        for (int b = 0; b < blocks.length; b++) {
            System.arraycopy(blocks[b], 0, target.blocks[b], 0, blocks[b].length);
        }
    }

    /** Column {@code j} of the stacked gate matrix ({@code 4H}). */
    double[] column(int j) {
        return blocks[j];
    }

    /** The gate bias ({@code 4H}). */
    double[] gateBias() {
        return blocks[shape.gateColumns()];
    }

    /** The readout weights of output channel {@code d} ({@code H}). */
    double[] readoutRow(int d) {
        return blocks[shape.gateColumns() + 1 + d];
    }

    /** The readout bias ({@code D}). */
    double[] readoutBias() {
        return blocks[shape.gateColumns() + 1 + shape.inputSize()];
    }

    /** The value at flat index {@code index}. */
    double get(int index) {
        int b = blockOf(index);
        return blocks[b][index - start(b)];
    }

    /** Sets the value at flat index {@code index}. */
    void set(int index, double value) {
        int b = blockOf(index);
        blocks[b][index - start(b)] = value;
    }

    /** Sets every value to zero. */
    void clear() {
        for (double[] block : blocks) {
            Arrays.fill(block, 0.0);
        }
    }

    /** Sum of squares of all values. */
    double sumOfSquares() {
        double sum = 0.0;
        for (double[] block : blocks) {
            for (double v : block) {
                sum += v * v;
            }
        }
        return sum;
    }

    /** Multiplies every value by {@code factor}. */
    void scale(double factor) {
        for (double[] block : blocks) {
            for (int i = 0; i < block.length; i++) {
                block[i] *= factor;
            }
        }
    }

    private int blockOf(int index) {
        int rows = shape.gateRows();
        int columns = shape.gateColumns();
        if (index < 0 || index >= shape.parameterCount()) {
            throw new IndexOutOfBoundsException("parameter " + index + " is outside [0, " + shape.parameterCount() + ")");
        }
        if (index < (columns + 1) * rows) {
            return index / rows;
        }
        int rest = index - (columns + 1) * rows;
        int readout = shape.inputSize() * shape.hiddenSize();
        return rest < readout ? columns + 1 + rest / shape.hiddenSize() : columns + 1 + shape.inputSize();
    }

    private int start(int block) {
        int rows = shape.gateRows();
        int columns = shape.gateColumns();
        if (block <= columns) {
            return block * rows;
        }
        int d = block - columns - 1;
        return (columns + 1) * rows + d * shape.hiddenSize();
    }

    boolean equalsValues(ParameterBlocks other) {
        return shape.equals(other.shape) && Arrays.deepEquals(blocks, other.blocks);
    }

    int hashValues() {
        return Arrays.deepHashCode(blocks);
    }
}
