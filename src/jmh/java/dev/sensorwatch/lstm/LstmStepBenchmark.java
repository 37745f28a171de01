package dev.sensorwatch.lstm;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The time of one LSTM forward step (the gates and the {@code (h, c)} update, no readout), for
 * {@code H} hidden units and {@code D} input channels:
 *
 * <ul>
 *   <li>{@link #ojalgoCell}: the production {@link LstmCell.Workspace#stepInPlace}, one ojAlgo
 *       {@code AXPY} per column of the stacked gate matrix;
 *   <li>{@link #plainColumns}: the same column loop in plain Java (the best plain layout);
 *   <li>{@link #plainRows}: the textbook row-major loop, one dot product per gate row;
 *   <li>{@link #ojalgoStoreMultiply}: ojAlgo's general {@code R064Store.fillByMultiplying} for the
 *       matrix–vector product, showing why the cell calls {@code AXPY} per column instead.
 * </ul>
 *
 * <p>The three references live in {@link PlainLstmStep} and share the cell's elementwise gate code,
 * so the comparison is about the matrix work. All variants start from the same weights (seed 42)
 * and the zero state, and are fed the same fixed reading every step; {@code h} and {@code c} stay
 * bounded by the gates' {@code σ}/{@code tanh}. {@link #setUp} first checks with
 * {@link PlainLstmStep#checkAgreement} that every variant computes what the cell computes, so a
 * wrong reference fails the run instead of producing a misleading comparison.
 *
 * <p>Run from the project root (the {@code jmh} profile compiles {@code src/jmh/java} and runs JMH
 * in {@code verify}):
 *
 * <pre>
 * ./mvnw -q -Pjmh verify -Djmh.args="LstmStepBenchmark -prof gc"
 * </pre>
 *
 * <p>JMH options go inside {@code jmh.args}, e.g. {@code -f 1 -wi 3 -i 5 -w 1s -r 1s} for a quick
 * run, or {@code -p hidden=64} to select one size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class LstmStepBenchmark {

    /** Weight seed shared by every variant. */
    private static final long SEED = 42;

    /** {@code H}, the number of hidden units. */
    @Param({"16", "32", "64"})
    public int hidden;

    /** {@code D}, the number of input channels. */
    @Param({"1", "8"})
    public int inputs;

    private double[] reading;
    private LstmCell.Workspace workspace;
    private PlainLstmStep reference;
    private LstmState cellState;
    private LstmState columnsState;
    private LstmState rowsState;
    private LstmState storeState;

    /**
     * Builds the weights, the cell and the references, checks that they agree, and starts every
     * variant from the zero state.
     *
     * @throws IllegalStateException if a reference disagrees with the cell
     */
    @Setup
    public void setUp() {
        LstmWeights weights = LstmWeights.initialise(LstmShape.of(inputs, hidden), SEED);
        PlainLstmStep.checkAgreement(weights);

        workspace = new LstmCell(weights).newWorkspace();
        reference = new PlainLstmStep(weights);
        reading = new double[inputs];
        for (int d = 0; d < inputs; d++) {
            reading[d] = Math.sin(d + 1.0);
        }
        cellState = LstmState.zeros(hidden);
        columnsState = LstmState.zeros(hidden);
        rowsState = LstmState.zeros(hidden);
        storeState = LstmState.zeros(hidden);
    }

    /** The production cell: ojAlgo {@code AXPY} per column. */
    @Benchmark
    public double ojalgoCell() {
        workspace.stepInPlace(reading, cellState);
        return cellState.hidden(0);
    }

    /** Plain Java, column layout. */
    @Benchmark
    public double plainColumns() {
        reference.stepColumns(reading, columnsState);
        return columnsState.hidden(0);
    }

    /** Plain Java, row layout. */
    @Benchmark
    public double plainRows() {
        reference.stepRows(reading, rowsState);
        return rowsState.hidden(0);
    }

    /** ojAlgo's general matrix–vector product {@code R064Store.fillByMultiplying}. */
    @Benchmark
    public double ojalgoStoreMultiply() {
        reference.stepStoreMultiply(reading, storeState);
        return storeState.hidden(0);
    }
}
