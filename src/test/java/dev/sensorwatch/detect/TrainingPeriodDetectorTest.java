package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The detector with a training period on synthetic sensors whose anomalies are known: what it
 * flags, when, which channel it names, and how long the event lasts.
 */
class TrainingPeriodDetectorTest {

    static final long MINUTE = 60_000L;
    static final long START = 1_700_000_000_000L;
    static final int TRAINING = 2_000;

    private final SensorDetector.Workspace workspace = new SensorDetector.Workspace();

    private static DetectorConfig firstReadings(int n) {
        return DetectorConfig.DEFAULTS.withTraining(TrainingPeriod.firstReadings(n));
    }

    /** Two channels, pressure following current (p = 2·i + noise), both wandering over their ranges. */
    private static double[][] pump(int rows, long seed) {
        Random random = new Random(seed);
        double[][] readings = new double[rows][];
        double current = 10.0;
        for (int t = 0; t < rows; t++) {
            current += 0.05 * (10.0 - current) + 0.3 * random.nextGaussian();
            readings[t] = new double[] {current, 2.0 * current + 0.1 * random.nextGaussian()};
        }
        return readings;
    }

    private List<Score> run(DetectorConfig config, double[][] readings) {
        SensorDetector detector = SensorDetector.fresh(config, readings[0].length);
        List<Score> scores = new ArrayList<>();
        for (int t = 0; t < readings.length; t++) {
            scores.add(detector.process(START + t * MINUTE, readings[t], workspace));
        }
        return scores;
    }

    @Test
    void trainingReadingsAreLearnedNeverFlaggedAndSaySo() {
        List<Score> scores = run(firstReadings(TRAINING), pump(TRAINING + 500, 1));
        for (Score s : scores.subList(0, TRAINING)) {
            assertThat(s.signal()).isEqualTo(Signal.TRAINING);
            assertThat(s.score()).isZero();
            assertThat(s.anomaly()).isFalse();
            assertThat(s.inEvent()).isFalse();
        }
        assertThat(scores.get(TRAINING).signal()).isNotEqualTo(Signal.TRAINING);
        assertThat(scores.get(TRAINING).predicted()[0]).isFinite();
    }

    @Test
    void normalReadingsAfterTrainingRaiseFewAlarms() {
        // A score of 0.5 is estimated as rare as one normal reading in 10,000, and the default
        // threshold lies above it. This slowly wandering sensor (an AR(1) process with φ = 0.95)
        // shows few independent excursions in 2,000 training readings, so the estimate is
        // optimistic: on six such sensors, 3,000 normal readings each, at most one alarm per
        // 3,000 readings is allowed.
        long flags = 0;
        for (long seed = 11; seed <= 16; seed++) {
            flags += run(firstReadings(TRAINING), pump(TRAINING + 3_000, seed)).stream().filter(Score::anomaly).count();
        }
        assertThat(flags).isLessThanOrEqualTo(6);
    }

    @Test
    void aBrokenRelationBetweenChannelsIsFlaggedAndTheChannelNamed() {
        double[][] readings = pump(TRAINING + 600, 3);
        int broken = TRAINING + 300;
        for (int t = broken; t < readings.length; t++) {
            readings[t][1] = 20.0 + 0.1 * Math.sin(t); // pressure stuck near its mean while current goes on moving
        }
        List<Score> scores = run(firstReadings(TRAINING), readings);
        int first = firstFlag(scores, TRAINING);
        assertThat(first).isBetween(broken, broken + 10);
        Score flag = scores.get(first);
        assertThat(flag.signal()).isNotEqualTo(Signal.NEW_TERRITORY);
        assertThat(flag.channelShares()[1]).isGreaterThan(0.5);
    }

    @Test
    void aSustainedBadStateStaysOneEventUntilItEnds() {
        double[][] readings = pump(TRAINING + 1_500, 4);
        int from = TRAINING + 300;
        int to = TRAINING + 1_100;
        for (int t = from; t < to; t++) {
            readings[t][0] += 3.0; // current up by three of its standard deviations, pressure no longer follows
        }
        List<Score> scores = run(firstReadings(TRAINING), readings);
        long flags = scores.stream().filter(Score::anomaly).count();
        assertThat(flags).isEqualTo(1);
        assertThat(firstFlag(scores, TRAINING)).isBetween(from, from + 10);
        long inEvent = scores.subList(from, to).stream().filter(Score::inEvent).count();
        assertThat(inEvent).isGreaterThanOrEqualTo((long) ((to - from) * 0.95));
        assertThat(scores.subList(to + 60, readings.length).stream().noneMatch(Score::inEvent)).isTrue();
    }

    @Test
    void aLevelShiftAfterASpikeIsStillFlagged() {
        double[][] readings = pump(TRAINING + 1_500, 5);
        readings[TRAINING + 200][0] += 15.0;
        int shift = TRAINING + 800;
        for (int t = shift; t < readings.length; t++) {
            readings[t][0] += 6.0;
            readings[t][1] += 12.0;
        }
        List<Score> scores = run(firstReadings(TRAINING), readings);
        assertThat(scores.get(TRAINING + 200).anomaly()).isTrue();
        assertThat(firstFlag(scores, TRAINING + 201)).isBetween(shift, shift + 5);
    }

    @Test
    void aDailyCycleLearnedFromHistoryRaisesNoAlarmStormOnTheCycleItself() {
        int perDay = 288; // one reading every five minutes
        Random random = new Random(6);
        double[][] readings = new double[10 * perDay][];
        for (int t = 0; t < readings.length; t++) {
            readings[t] = new double[] {20.0 + 5.0 * Math.sin(2 * Math.PI * t / perDay) + 0.2 * random.nextGaussian()};
        }
        DetectorConfig config = DetectorConfig.DEFAULTS.withTraining(TrainingPeriod.duration(3 * 86_400_000L));
        SensorDetector detector = SensorDetector.fresh(config, 1);
        long flags = 0;
        for (int t = 0; t < readings.length; t++) {
            Score s = detector.process(START + t * 5 * MINUTE, readings[t], workspace);
            flags += s.anomaly() ? 1 : 0;
            assertThat(s.signal() == Signal.TRAINING).isEqualTo(t < 3 * perDay);
        }
        // seven days of the cycle after three of training: no alarm per cycle, at most one in all
        assertThat(flags).isLessThanOrEqualTo(1);
    }

    @Test
    void theSameReadingsGiveTheSameScoresBitForBit() {
        double[][] readings = pump(TRAINING + 400, 7);
        readings[TRAINING + 100][1] += 5.0;
        List<Score> a = run(firstReadings(TRAINING), readings);
        List<Score> b = run(firstReadings(TRAINING), readings);
        for (int t = 0; t < a.size(); t++) {
            assertThat(Double.doubleToRawLongBits(b.get(t).score())).isEqualTo(Double.doubleToRawLongBits(a.get(t).score()));
        }
    }

    @Test
    void aChannelConstantInTrainingIsFlaggedWhenItMoves() {
        double[][] readings = new double[TRAINING + 200][];
        for (int t = 0; t < readings.length; t++) {
            readings[t] = new double[] {t < TRAINING + 100 ? -1.0 : -0.5};
        }
        List<Score> scores = run(firstReadings(TRAINING), readings);
        for (Score s : scores) {
            assertThat(s.score()).isNotNaN();
        }
        assertThat(firstFlag(scores, TRAINING)).isEqualTo(TRAINING + 100);
    }

    @Test
    void aShortHistoryIsExtendedToTheLeastTrainingPeriod() {
        List<Score> scores = run(firstReadings(10), pump(300, 8));
        assertThat(scores.get(Tuning.MIN_TRAINING_READINGS - 1).signal()).isEqualTo(Signal.TRAINING);
        assertThat(scores.get(Tuning.MIN_TRAINING_READINGS).signal()).isNotEqualTo(Signal.TRAINING);
    }

    /** Three channels driven by one hidden process, each with its own gain, offset and noise. */
    private static double[][] threeChannels(int rows, long seed) {
        Random random = new Random(seed);
        double[][] readings = new double[rows][];
        double level = 0.0;
        for (int t = 0; t < rows; t++) {
            level += 0.05 * (0.0 - level) + 0.3 * random.nextGaussian();
            readings[t] = new double[] {50.0 + level + 0.1 * random.nextGaussian(),
                3.0 + 0.5 * level + 0.05 * random.nextGaussian(), 20.0 - level + 0.1 * random.nextGaussian()};
        }
        return readings;
    }

    @Test
    void aSlowDriftOfOneChannelOfThreeIsFlaggedAndThatChannelNamed() {
        double[][] readings = threeChannels(TRAINING + 1_500, 9);
        int from = TRAINING + 200;
        for (int t = from; t < readings.length; t++) {
            readings[t][2] += 0.002 * (t - from); // the third channel drifts 0.2 per 100 readings, a fifth of its own noise-free swing
        }
        List<Score> scores = run(firstReadings(TRAINING), readings);
        int first = firstFlag(scores, TRAINING);
        assertThat(first).isBetween(from, from + 1_000);
        double[] shares = scores.get(first).channelShares();
        assertThat(shares[2]).isGreaterThan(Math.max(shares[0], shares[1]));
    }

    @Test
    void aChannelStuckAtItsLastValueWhileTheOthersMoveIsFlaggedAndNamed() {
        double[][] readings = threeChannels(TRAINING + 1_000, 15);
        int from = TRAINING + 300;
        for (int t = from; t < readings.length; t++) {
            readings[t][1] = readings[from - 1][1]; // the second channel repeats its last value, within its range
        }
        List<Score> scores = run(firstReadings(TRAINING), readings);
        int first = firstFlag(scores, TRAINING);
        assertThat(first).isBetween(from, from + 100);
        assertThat(scores.get(first).channelShares()[1]).isGreaterThan(0.5);
    }

    @Test
    void aVarianceChangeAtTheSameMeanIsFlagged() {
        double[][] readings = threeChannels(TRAINING + 1_000, 10);
        Random random = new Random(99);
        int from = TRAINING + 300;
        for (int t = from; t < readings.length; t++) {
            readings[t][1] += 0.5 * random.nextGaussian(); // ten times the channel's noise, same mean
        }
        List<Score> scores = run(firstReadings(TRAINING), readings);
        int first = firstFlag(scores, TRAINING);
        assertThat(first).isBetween(from, from + 20);
        assertThat(scores.get(first).channelShares()[1]).isGreaterThan(0.5);
    }

    @Test
    void aGapInTheDataIsNoAnomalyByItself() {
        double[][] readings = threeChannels(TRAINING + 2_000, 11);
        SensorDetector detector = SensorDetector.fresh(firstReadings(TRAINING), 3);
        long flags = 0;
        for (int t = 0; t < readings.length; t++) {
            long gap = t >= TRAINING + 1_000 ? 3 * 86_400_000L : 0L; // three days without readings, then the same process
            flags += detector.process(START + t * MINUTE + gap, readings[t], workspace).anomaly() ? 1 : 0;
        }
        assertThat(flags).isLessThanOrEqualTo(1);
    }

    @Test
    void aDetectorSavedAndRestoredAtEveryReadingScoresBitForBitAsOneThatStayedInMemory() {
        double[][] readings = pump(600, 12);
        readings[450][1] += 4.0;
        DetectorConfig config = firstReadings(300);
        List<Score> kept = run(config, readings);
        SensorDetector detector = SensorDetector.fresh(config, 2);
        for (int t = 0; t < readings.length; t++) {
            detector = SensorDetector.restore(config, detector.snapshot());
            Score s = detector.process(START + t * MINUTE, readings[t], workspace);
            assertThat(Double.doubleToRawLongBits(s.score())).as("reading %d", t)
                    .isEqualTo(Double.doubleToRawLongBits(kept.get(t).score()));
            assertThat(s.inEvent()).isEqualTo(kept.get(t).inEvent());
            assertThat(s.signal()).isEqualTo(kept.get(t).signal());
        }
        assertThat(kept.get(450).anomaly()).isTrue();
    }

    @Test
    void theStoredStateDecidesWhetherASensorHasATrainingPeriod() {
        double[][] readings = pump(400, 13);
        SensorDetector online = SensorDetector.fresh(DetectorConfig.DEFAULTS, 2);
        for (int t = 0; t < 200; t++) {
            online.process(START + t * MINUTE, readings[t], workspace);
        }
        SensorDetector restored = SensorDetector.restore(firstReadings(300), online.snapshot());
        assertThat(restored.process(START + 200 * MINUTE, readings[200], workspace).signal())
                .isNotEqualTo(Signal.TRAINING);
        assertThat(online.snapshot().history()).isNull();
    }

    @Test
    void theTrainingBufferIsBoundedInReadingsAndValuesButHoldsTheLeastPeriod() {
        assertThat(HistoryDetector.capacity(1)).isEqualTo(Tuning.MAX_TRAINING_READINGS);
        assertThat(HistoryDetector.capacity(8)).isEqualTo(Tuning.MAX_TRAINING_VALUES / 8);
        assertThat(HistoryDetector.capacity(8) * 8 * 8).as("bytes of the buffer").isLessThan(1_000_000);
        assertThat(HistoryDetector.capacity(5_000)).isEqualTo(Tuning.MIN_TRAINING_READINGS);
    }

    @Test
    void aLongTrainingPeriodKeepsItsLatestReadings() {
        int d = 8;
        int capacity = HistoryDetector.capacity(d);
        double[][] readings = new double[capacity + 500][];
        Random random = new Random(14);
        for (int t = 0; t < readings.length; t++) {
            readings[t] = new double[d];
            for (int c = 0; c < d; c++) {
                // the oldest 500 readings sit far away: a model trained on them would call the rest abnormal
                readings[t][c] = (t < 500 ? 100.0 : 0.0) + random.nextGaussian();
            }
        }
        SensorDetector detector = SensorDetector.fresh(firstReadings(readings.length), d);
        for (int t = 0; t < readings.length; t++) {
            detector.process(START + t * MINUTE, readings[t], workspace);
        }
        Score next = detector.process(START + readings.length * MINUTE, new double[d], workspace);
        assertThat(detector.trainedModel().trainingReadings()).isEqualTo(capacity);
        assertThat(next.anomaly()).isFalse();
    }

    private static int firstFlag(List<Score> scores, int from) {
        for (int t = from; t < scores.size(); t++) {
            if (scores.get(t).anomaly()) {
                return t;
            }
        }
        return -1;
    }
}
