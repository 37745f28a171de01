package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One sensor's detector: scoring before learning, determinism, rejections, warm-up, spikes. */
class SensorDetectorTest {

    static final DetectorConfig CONFIG = DetectorConfig.DEFAULTS;

    /** A noisy sine with period 50, one reading a minute, and a spike at {@code spikeAt} (or none). */
    static double[][] sine(int rows, int spikeAt, long seed) {
        Random random = new Random(seed);
        double[][] values = new double[rows][];
        for (int t = 0; t < rows; t++) {
            double v = 10 + 3 * Math.sin(2 * Math.PI * t / 50) + 0.1 * random.nextGaussian();
            values[t] = new double[] {t == spikeAt ? v + 6 : v};
        }
        return values;
    }

    static List<Score> run(SensorDetector detector, double[][] values, boolean saveAndRestoreEachTime) {
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        List<Score> scores = new ArrayList<>();
        SensorDetector current = detector;
        for (int t = 0; t < values.length; t++) {
            if (saveAndRestoreEachTime) {
                current = SensorDetector.restore(CONFIG, current.snapshot());
            }
            scores.add(current.process(60_000L * t, values[t], workspace));
        }
        return scores;
    }

    @Test
    void savedAndRestoredDetectorsScoreBitForBitLikeOneKeptInMemory() {
        double[][] values = sine(600, 450, 1);
        List<Score> inMemory = run(SensorDetector.fresh(CONFIG, 1), values, false);
        List<Score> restored = run(SensorDetector.fresh(CONFIG, 1), values, true);

        for (int t = 0; t < values.length; t++) {
            assertThat(Double.doubleToRawLongBits(restored.get(t).score()))
                    .as("score bits at %d", t).isEqualTo(Double.doubleToRawLongBits(inMemory.get(t).score()));
            assertThat(restored.get(t).predicted()).as("prediction at %d", t).isEqualTo(inMemory.get(t).predicted());
        }
    }

    @Test
    void scoresNothingDuringWarmUpAndFlagsASpikeAfterwards() {
        double[][] values = sine(900, 700, 2);
        List<Score> scores = run(SensorDetector.fresh(CONFIG, 1), values, false);

        for (int t = 0; t < CONFIG.warmupReadings(); t++) {
            assertThat(scores.get(t).score()).as("warm-up score at %d", t).isZero();
            assertThat(scores.get(t).learnedReadings()).isEqualTo(t);
        }
        assertThat(scores.get(0).predicted()[0]).isNaN();
        assertThat(scores.get(700).score()).as("spike score").isGreaterThan(0.999);
        assertThat(scores.get(700).anomaly()).isTrue();
        long flaggedElsewhere = scores.stream().filter(s -> s.eventTime() != 60_000L * 700)
                .filter(s -> s.eventTime() >= 60_000L * 300).filter(Score::anomaly).count();
        assertThat(flaggedElsewhere).as("false alarms in 599 normal readings").isLessThanOrEqualTo(6);
        double meanError = scores.subList(300, 700).stream().mapToDouble(Score::predictionError).average().orElseThrow();
        assertThat(meanError).as("mean normalised prediction error once learned").isLessThan(0.5);
    }

    @Test
    void theMisbehavingChannelTakesTheLargestShare() {
        Random random = new Random(3);
        int rows = 800;
        double[][] values = new double[rows][];
        for (int t = 0; t < rows; t++) {
            double phase = 2 * Math.PI * t / 40;
            values[t] = new double[] {
                Math.sin(phase) + 0.05 * random.nextGaussian(),
                20 + 2 * Math.cos(phase) + 0.05 * random.nextGaussian(),
                -5 + 0.5 * Math.sin(2 * phase) + 0.05 * random.nextGaussian(),
            };
        }
        values[650][1] += 3; // current jumps on channel 1 only
        List<Score> scores = run(SensorDetector.fresh(CONFIG, 3), values, false);

        Score spike = scores.get(650);
        assertThat(spike.score()).isGreaterThan(0.999);
        assertThat(spike.channelShares()[1]).isGreaterThan(0.8);
        assertThat(spike.channelShares()[0] + spike.channelShares()[1] + spike.channelShares()[2])
                .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void rejectsWhatItCannotScore() {
        SensorDetector detector = SensorDetector.fresh(CONFIG, 2);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        detector.process(1000, new double[] {1, 2}, workspace);

        assertThat(detector.check(2000, new double[] {1})).isEqualTo(Rejection.CHANNEL_MISMATCH);
        assertThat(detector.check(2000, new double[] {1, Double.NaN})).isEqualTo(Rejection.NON_FINITE);
        assertThat(detector.check(2000, new double[] {Double.NEGATIVE_INFINITY, 0})).isEqualTo(Rejection.NON_FINITE);
        assertThat(detector.check(1000, new double[] {1, 2})).isEqualTo(Rejection.OUT_OF_ORDER);
        assertThat(detector.check(999, new double[] {1, 2})).isEqualTo(Rejection.OUT_OF_ORDER);
        assertThat(detector.check(1001, new double[] {1, 2})).isNull();
        assertThatThrownBy(() -> detector.process(1000, new double[] {1, 2}, workspace))
                .hasMessageContaining("out_of_order");
        assertThat(detector.readings()).isEqualTo(1);
    }

    @Test
    void aRestoredStateMustFitTheConfiguration() {
        SensorDetector detector = SensorDetector.fresh(CONFIG, 1);
        DetectorConfig wider = new DetectorConfig(12, 16, 0.005, 1.0, 1000, 2000, 100, 0.999, 42L);

        assertThatThrownBy(() -> SensorDetector.restore(wider, detector.snapshot()))
                .hasMessage("stored detector has weights for D=1, H=8 but this configuration needs D=1, H=12");
    }
}
