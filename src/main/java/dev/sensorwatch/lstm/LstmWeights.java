package dev.sensorwatch.lstm;

import java.util.SplittableRandom;

/**
 * The immutable parameters of one LSTM cell and its linear readout: for each {@link Gate} its
 * input weights ({@code H × D}), recurrent weights ({@code H × H}) and bias ({@code H}), plus the
 * readout {@code ŷ = W_y·h + b_y} ({@code D × H} and {@code D}) that predicts the next reading.
 *
 * <p>Instances never change and may be shared between threads. The values are kept in the flat
 * layout of {@link LstmShape}; {@link #copyParameters()} and {@link #fromParameters} convert.
 * {@link #toBytes()} and {@link #fromBytes(byte[])} give the versioned binary form
 * ({@link WeightsFormat}).
 */
public final class LstmWeights {

    private final LstmShape shape;
    private final ParameterBlocks parameters;

    private LstmWeights(LstmShape shape, ParameterBlocks parameters) {
        this.shape = shape;
        this.parameters = parameters;
    }

    /**
     * Returns weights of {@code shape} holding a copy of {@code parameters} in {@link LstmShape}'s
     * layout.
     *
     * @throws IllegalArgumentException if the length is not {@code shape.parameterCount()} or a
     *                                  value is NaN or infinite
     */
    public static LstmWeights fromParameters(LstmShape shape, double[] parameters) {
        LstmShape.checkLength("parameter vector for " + shape, parameters, shape.parameterCount());
        for (int k = 0; k < parameters.length; k++) {
            if (!Double.isFinite(parameters[k])) {
                throw new IllegalArgumentException("parameter " + k + " is " + parameters[k]
                        + "; weights must be finite");
            }
        }
        return new LstmWeights(shape, ParameterBlocks.fromFlat(shape, parameters));
    }

    /** Weights holding a copy of {@code blocks}; their values must be finite. */
    static LstmWeights fromBlocks(ParameterBlocks blocks) {
        return new LstmWeights(blocks.shape, blocks.copy());
    }

    /**
     * Returns freshly initialised weights, deterministic for {@code seed}: every weight uniform in
     * {@code ±1/√H} (as PyTorch's {@code LSTMCell} does), the gate biases zero except the forget
     * gate's, which is 1 so that a new cell starts by remembering, and the readout uniform in
     * {@code ±1/√H} with zero bias.
     */
    public static LstmWeights initialise(LstmShape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double bound = 1.0 / Math.sqrt(shape.hiddenSize());
        double[] p = new double[shape.parameterCount()];
        int gateEnd = shape.gateBiasOffset();
        for (int k = 0; k < gateEnd; k++) {
            p[k] = random.nextDouble(-bound, bound);
        }
        for (int u = 0; u < shape.hiddenSize(); u++) {
            p[shape.biasIndex(Gate.FORGET, u)] = 1.0;
        }
        for (int k = shape.readoutOffset(0); k < shape.readoutBiasOffset(); k++) {
            p[k] = random.nextDouble(-bound, bound);
        }
        return new LstmWeights(shape, ParameterBlocks.fromFlat(shape, p));
    }

    /** Returns a builder for weights of {@code shape}, all parameters zero until set. */
    public static Builder builder(LstmShape shape) {
        return new Builder(shape);
    }

    /** Decodes the binary form written by {@link #toBytes()}; see {@link WeightsFormat}. */
    public static LstmWeights fromBytes(byte[] bytes) {
        return WeightsFormat.decode(bytes);
    }

    /** Encodes these weights in the current version of {@link WeightsFormat}. */
    public byte[] toBytes() {
        return WeightsFormat.encode(this);
    }

    /** The sizes of the cell. */
    public LstmShape shape() {
        return shape;
    }

    /** Returns a copy of all parameters in {@link LstmShape}'s flat layout. */
    public double[] copyParameters() {
        return parameters.toFlat();
    }

    /** The live parameter blocks, for the kernels of this package only; never modified. */
    ParameterBlocks parameters() {
        return parameters;
    }

    /** The input weight from channel {@code input} to {@code unit} of {@code gate}. */
    public double inputWeight(Gate gate, int unit, int input) {
        return parameters.get(shape.inputWeightIndex(gate, unit, input));
    }

    /** The recurrent weight from hidden unit {@code from} to {@code unit} of {@code gate}. */
    public double recurrentWeight(Gate gate, int unit, int from) {
        return parameters.get(shape.recurrentWeightIndex(gate, unit, from));
    }

    /** The bias of {@code unit} of {@code gate}. */
    public double bias(Gate gate, int unit) {
        return parameters.get(shape.biasIndex(gate, unit));
    }

    /** The readout weight from hidden unit {@code unit} to output channel {@code channel}. */
    public double readoutWeight(int channel, int unit) {
        return parameters.get(shape.readoutWeightIndex(channel, unit));
    }

    /** The readout bias of output channel {@code channel}. */
    public double readoutBias(int channel) {
        return parameters.get(shape.readoutBiasIndex(channel));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LstmWeights that
                && shape.equals(that.shape)
                && parameters.equalsValues(that.parameters);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + parameters.hashValues();
    }

    @Override
    public String toString() {
        return "LstmWeights[" + shape + ", " + shape.parameterCount() + " parameters]";
    }

    /**
     * Assembles {@link LstmWeights} from per-gate matrices; every setter checks the shape of what
     * it is given and names both sizes when they differ. Not thread-safe; {@link #build()} copies.
     */
    public static final class Builder {

        private final LstmShape shape;
        private final double[] p;

        private Builder(LstmShape shape) {
            this.shape = shape;
            this.p = new double[shape.parameterCount()];
        }

        /** Sets the input weights of {@code gate}: {@code H} rows of {@code D} values. */
        public Builder inputWeights(Gate gate, double[][] weights) {
            checkMatrix(gate + " input weights", weights, shape.hiddenSize(), shape.inputSize());
            for (int u = 0; u < shape.hiddenSize(); u++) {
                for (int j = 0; j < shape.inputSize(); j++) {
                    p[shape.inputWeightIndex(gate, u, j)] = weights[u][j];
                }
            }
            return this;
        }

        /** Sets the recurrent weights of {@code gate}: {@code H} rows of {@code H} values. */
        public Builder recurrentWeights(Gate gate, double[][] weights) {
            checkMatrix(gate + " recurrent weights", weights, shape.hiddenSize(), shape.hiddenSize());
            for (int u = 0; u < shape.hiddenSize(); u++) {
                for (int j = 0; j < shape.hiddenSize(); j++) {
                    p[shape.recurrentWeightIndex(gate, u, j)] = weights[u][j];
                }
            }
            return this;
        }

        /** Sets the bias of {@code gate}: {@code H} values. */
        public Builder bias(Gate gate, double[] bias) {
            LstmShape.checkLength(gate + " bias", bias, shape.hiddenSize());
            for (int u = 0; u < shape.hiddenSize(); u++) {
                p[shape.biasIndex(gate, u)] = bias[u];
            }
            return this;
        }

        /** Sets the readout weights: {@code D} rows of {@code H} values. */
        public Builder readoutWeights(double[][] weights) {
            checkMatrix("readout weights", weights, shape.inputSize(), shape.hiddenSize());
            for (int d = 0; d < shape.inputSize(); d++) {
                System.arraycopy(weights[d], 0, p, shape.readoutOffset(d), shape.hiddenSize());
            }
            return this;
        }

        /** Sets the readout bias: {@code D} values. */
        public Builder readoutBias(double[] bias) {
            LstmShape.checkLength("readout bias", bias, shape.inputSize());
            System.arraycopy(bias, 0, p, shape.readoutBiasOffset(), shape.inputSize());
            return this;
        }

        /** Returns the weights set so far; the builder can be reused. */
        public LstmWeights build() {
            return fromParameters(shape, p);
        }

        private static void checkMatrix(String what, double[][] m, int rows, int columns) {
            if (m.length != rows) {
                throw new IllegalArgumentException(
                        what + " has " + m.length + " rows, expected " + rows);
            }
            for (int r = 0; r < rows; r++) {
                if (m[r].length != columns) {
                    throw new IllegalArgumentException(what + " row " + r + " has "
                            + m[r].length + " columns, expected " + columns);
                }
            }
        }
    }
}
