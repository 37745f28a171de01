package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A sensor stuck at one value, on synthetic sensors with known answers: a continuous channel that
 * sticks is flagged within a few readings and stays in its event while stuck; a quantised channel,
 * whose values repeat anyway, is never judged; the rarity follows from the rule of succession.
 */
class FlatLineSignalTest {

    static final DetectorConfig CONFIG = DetectorConfig.DEFAULTS;

    /** A daily-ish wave with noise, one reading every five minutes, rounded to {@code decimals} unless negative. */
    static double[][] readings(int rows, int stuckFrom, int stuckUntil, int decimals, long seed) {
        Random random = new Random(seed);
        double[][] values = new double[rows][];
        for (int t = 0; t < rows; t++) {
            double v = 20 + Math.sin(2 * Math.PI * t / 288) + 0.2 * random.nextGaussian();
            if (decimals >= 0) {
                double scale = Math.pow(10, decimals);
                v = Math.round(v * scale) / scale;
            }
            values[t] = new double[] {t >= stuckFrom && t < stuckUntil ? values[stuckFrom - 1][0] : v};
        }
        return values;
    }

    @Test
    void theLevelFollowsFromTheRuleOfSuccession() {
        // after n readings without a repeat a repeat has chance 1/(n+2); r repeats in a row have it to the r
        for (long n : new long[] {100, 2_000, 100_000}) {
            double level = FlatLineSignal.level(n);
            assertThat(Math.pow(1.0 / (n + 2), level)).isCloseTo(Tuning.TAIL_PROBABILITY, within(1e-12));
        }
        assertThat(FlatLineSignal.level(2_000)).isCloseTo(1.21, within(0.01));
    }

    @Test
    void aContinuousSensorThatSticksIsFlaggedWithinAFewReadingsAndStaysInItsEvent() {
        double[][] values = readings(1_500, 1_200, 1_500, -1, 3);
        List<Score> scores = SensorDetectorTest.run(SensorDetector.fresh(CONFIG, 1), values, true);
        int flagged = -1;
        for (int t = 0; t < scores.size(); t++) {
            if (scores.get(t).anomaly() && scores.get(t).signal() == Signal.FLAT_LINE) {
                flagged = t;
                break;
            }
        }
        assertThat(flagged).as("the stuck readings start at 1,200 (the value of 1,199 repeated)").isBetween(1_200, 1_203);
        for (int t = flagged; t < scores.size(); t++) {
            assertThat(scores.get(t).inEvent()).as("in its event while stuck, at %d", t).isTrue();
        }
        assertThat(scores.subList(0, 1_200).stream().filter(s -> s.signal() == Signal.FLAT_LINE && s.anomaly()))
                .as("no flat line before it sticks").isEmpty();
    }

    @Test
    void aSensorThatRecoversIsJudgedAgainAndFlaggedWhenItSticksAgain() {
        double[][] values = readings(2_000, 1_200, 1_260, -1, 4);
        double[][] twice = readings(2_000, 1_700, 1_760, -1, 4);
        for (int t = 1_200; t < 1_260; t++) {
            twice[t] = values[t];
        }
        List<Score> scores = SensorDetectorTest.run(SensorDetector.fresh(CONFIG, 1), twice, false);
        assertThat(scores.subList(1_200, 1_205).stream().anyMatch(s -> s.signal() == Signal.FLAT_LINE && s.anomaly()))
                .isTrue();
        assertThat(scores.subList(1_700, 1_705).stream().anyMatch(s -> s.signal() == Signal.FLAT_LINE && s.anomaly()))
                .as("the first stuck run was an anomaly, not a sign of a quantised channel").isTrue();
    }

    @Test
    void aQuantisedSensorWhoseValuesRepeatIsNotJudged() {
        // one decimal on a noise of 0.2: consecutive readings repeat often, in the warm-up already
        double[][] values = readings(1_500, 1_200, 1_230, 1, 5);
        List<Score> scores = SensorDetectorTest.run(SensorDetector.fresh(CONFIG, 1), values, false);
        assertThat(scores.stream().filter(s -> s.signal() == Signal.FLAT_LINE)).isEmpty();
        SensorDetector detector = SensorDetector.fresh(CONFIG, 1);
        SensorDetectorTest.run(detector, values, false);
        assertThat(detector.snapshot().scorer().flatRuns()).containsExactly(FlatLineSignal.NOT_JUDGED);
    }

    @Test
    void oneChannelStuckAmongMovingOnesIsFlagged() {
        Random random = new Random(6);
        double[][] values = new double[1_500][];
        for (int t = 0; t < values.length; t++) {
            double wave = Math.sin(2 * Math.PI * t / 288);
            values[t] = new double[] {50 + 5 * wave + random.nextGaussian(), 4 + 0.4 * wave + 0.05 * random.nextGaussian(),
                t >= 1_300 ? values[1_299][2] : 26 + wave + 0.1 * random.nextGaussian()};
        }
        SensorDetector detector = SensorDetector.fresh(CONFIG, 3);
        List<Score> scores = SensorDetectorTest.run(detector, values, false);
        Score flag = scores.subList(1_300, 1_304).stream().filter(Score::anomaly).findFirst().orElseThrow();
        assertThat(flag.signal()).isEqualTo(Signal.FLAT_LINE);
        assertThat(flag.channelShares()).as("the stuck channel carries it").containsExactly(0.0, 0.0, 1.0);
        assertThat(detector.snapshot().scorer().flatRuns()).containsExactly(0L, 0L, 200L);
    }

    @Test
    void withoutTheSignalNothingIsFlaggedAsAFlatLine() {
        double[][] values = readings(1_500, 1_200, 1_500, -1, 3);
        DetectorConfig config = CONFIG.withSignals(EnumSet.of(Signal.PREDICTION_ERROR, Signal.SUSTAINED_ERROR,
                Signal.LEVEL_SHIFT, Signal.WEEKLY_SHIFT, Signal.NEW_TERRITORY));
        List<Score> scores = SensorDetectorTest.run(SensorDetector.fresh(config, 1), values, false);
        assertThat(scores.stream().filter(s -> s.signal() == Signal.FLAT_LINE)).isEmpty();
    }

    /**
     * With a training period: a continuous sensor that sticks after it trained is flagged within a
     * few readings, names the stuck channel, and stays in its event while stuck; a quantised one is
     * not judged.
     */
    @Test
    void aTrainedContinuousSensorThatSticksIsFlaggedAndAQuantisedOneIsNotJudged() {
        DetectorConfig config = CONFIG.withTraining(TrainingPeriod.firstReadings(1_000));
        double[][] values = readings(1_500, 1_300, 1_500, -1, 7);
        List<Score> scores = SensorDetectorTest.run(SensorDetector.fresh(config, 1), values, false);
        Score flag = scores.subList(1_300, 1_304).stream().filter(Score::anomaly).findFirst().orElseThrow();
        assertThat(flag.signal()).isEqualTo(Signal.FLAT_LINE);
        assertThat(scores.subList(0, 1_300).stream().filter(s -> s.signal() == Signal.FLAT_LINE)).isEmpty();
        assertThat(scores.subList(1_310, 1_500)).allSatisfy(s -> assertThat(s.inEvent()).isTrue());

        double[][] quantised = readings(1_500, 1_300, 1_500, 1, 7);
        List<Score> rounded = SensorDetectorTest.run(SensorDetector.fresh(config, 1), quantised, false);
        assertThat(rounded.stream().filter(s -> s.signal() == Signal.FLAT_LINE)).isEmpty();
    }

    @Test
    void aTrainedSensorOfThreeChannelsNamesTheStuckOne() {
        Random random = new Random(8);
        double[][] values = new double[1_500][];
        for (int t = 0; t < values.length; t++) {
            double wave = Math.sin(2 * Math.PI * t / 288);
            values[t] = new double[] {50 + 5 * wave + random.nextGaussian(),
                t >= 1_300 ? values[1_299][1] : 26 + wave + 0.1 * random.nextGaussian(),
                4 + 0.4 * wave + 0.05 * random.nextGaussian()};
        }
        DetectorConfig config = CONFIG.withTraining(TrainingPeriod.firstReadings(1_000));
        List<Score> scores = SensorDetectorTest.run(SensorDetector.fresh(config, 3), values, false);
        Score flag = scores.subList(1_300, 1_304).stream().filter(Score::anomaly).findFirst().orElseThrow();
        assertThat(flag.signal()).isEqualTo(Signal.FLAT_LINE);
        assertThat(flag.channelShares()).containsExactly(0.0, 1.0, 0.0);
    }
}
