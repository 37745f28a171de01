package dev.sensorwatch.lstm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trainer learns next-step prediction, and does so deterministically. */
class LstmTrainerTest {

    static final int PERIOD = 25;
    static final double NOISE = 0.05;

    /** A sine of period 25 with Gaussian noise of σ = 0.05, the same for every test. */
    static double[] noisySine(int rows, long seed) {
        Random random = new Random(seed);
        double[] series = new double[rows];
        for (int t = 0; t < rows; t++) {
            series[t] = Math.sin(2 * Math.PI * t / PERIOD) + NOISE * random.nextGaussian();
        }
        return series;
    }

    @Test
    void learnsANoisySineFarBetterThanPredictingThePreviousValue() {
        double[] series = noisySine(3000, 11);
        int trainRows = 2000;
        double[] train = Arrays.copyOf(series, trainRows);
        TrainerConfig config = TrainerConfig.defaults();

        LstmTrainer.Result result = new LstmTrainer(config).fit(train, 1);

        // score the held-out rows online: warm the state on the training rows, then predict each
        // next value from the state after the current one
        LstmCell.Workspace workspace = new LstmCell(result.weights()).newWorkspace();
        LstmState state = LstmState.zeros(config.hiddenSize());
        double[] x = new double[1];
        double[] prediction = new double[1];
        double lstmSum = 0.0;
        double naiveSum = 0.0;
        int count = 0;
        for (int t = 0; t + 1 < series.length; t++) {
            x[0] = series[t];
            workspace.stepInPlace(x, state);
            if (t >= trainRows) {
                workspace.predictInto(state, prediction);
                double next = series[t + 1];
                lstmSum += square(prediction[0] - next);
                naiveSum += square(series[t] - next);
                count++;
            }
        }
        double lstmMse = lstmSum / count;
        double naiveMse = naiveSum / count;
        System.out.printf("noisy sine, %d held-out steps: LSTM MSE %.6f, previous-value MSE %.6f,"
                        + " ratio %.3f, noise floor %.6f, training loss per pass %s%n",
                count, lstmMse, naiveMse, lstmMse / naiveMse, NOISE * NOISE,
                Arrays.toString(result.epochLosses()));

        assertThat(result.finalLoss()).isLessThan(result.epochLosses()[0]);
        assertThat(lstmMse).as("LSTM MSE vs previous-value MSE %s", naiveMse).isLessThan(0.25 * naiveMse);
    }

    @Test
    void equalSeedsGiveBitIdenticalWeightsAndOtherSeedsDoNot() {
        double[] series = noisySine(400, 3);
        TrainerConfig config = TrainerConfig.defaults().withEpochs(3);

        LstmWeights first = new LstmTrainer(config).fit(series, 1).weights();
        LstmWeights second = new LstmTrainer(config).fit(series, 1).weights();
        LstmWeights otherSeed = new LstmTrainer(config.withSeed(2)).fit(series, 1).weights();

        assertThat(second).isEqualTo(first);
        assertThat(second.toBytes()).isEqualTo(first.toBytes());
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void fitsMultichannelSeries() {
        // two channels: a sine and its cosine partner, interleaved row by row
        int rows = 600;
        double[] series = new double[rows * 2];
        for (int t = 0; t < rows; t++) {
            series[2 * t] = Math.sin(2 * Math.PI * t / 20);
            series[2 * t + 1] = Math.cos(2 * Math.PI * t / 20);
        }
        LstmTrainer.Result result = new LstmTrainer(TrainerConfig.defaults().withEpochs(10)).fit(series, 2);

        assertThat(result.weights().shape()).isEqualTo(LstmShape.of(2, 16));
        assertThat(result.finalLoss()).isLessThan(0.1 * result.epochLosses()[0]);
    }

    private static double square(double v) {
        return v * v;
    }

    @Test
    void stopsEarlyOnTheHeldBackRowsAndReturnsTheBestPass() {
        double[] series = noisySine(1500, 12);
        TrainerConfig config = TrainerConfig.defaults().withEpochs(40);
        LstmTrainer.HeldBackResult result = new LstmTrainer(config).fitWithHeldBack(series, 1, 1200, 2);

        int passes = result.heldBackLosses().length;
        assertThat(passes).isBetween(result.bestEpoch() + 1, Math.min(40, result.bestEpoch() + 3));
        for (double loss : result.heldBackLosses()) {
            assertThat(result.bestHeldBackLoss()).isLessThanOrEqualTo(loss);
        }
        // the weights returned are the best pass's: their held-back error, measured here, is the one reported
        LstmCell.Workspace workspace = new LstmCell(result.weights()).newWorkspace();
        LstmState state = LstmState.zeros(config.hiddenSize());
        double[] x = new double[1];
        double[] prediction = new double[1];
        double sum = 0.0;
        for (int t = 0; t + 1 < series.length; t++) {
            x[0] = series[t];
            workspace.stepInPlace(x, state);
            if (t + 1 >= 1200) {
                workspace.predictInto(state, prediction);
                sum += (prediction[0] - series[t + 1]) * (prediction[0] - series[t + 1]);
            }
        }
        assertThat(sum / 300).isEqualTo(result.bestHeldBackLoss());
        // and they predict the sine better than the previous value does (its mean squared error is about (2π/25)²/2)
        assertThat(result.bestHeldBackLoss()).isLessThan(0.5 * (2 * Math.PI / PERIOD) * (2 * Math.PI / PERIOD));
    }
}
