package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
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
        assertThat(scores.get(700).score()).as("spike score").isGreaterThanOrEqualTo(0.75);
        assertThat(scores.get(700).anomaly()).isTrue();
        long flaggedElsewhere = scores.stream().filter(s -> s.eventTime() != 60_000L * 700)
                .filter(s -> s.eventTime() >= 60_000L * 300).filter(Score::anomaly).count();
        assertThat(flaggedElsewhere).as("false alarms in 599 normal readings").isLessThanOrEqualTo(6);
        double ensemble = 0.0;
        double lastValue = 0.0;
        for (int t = 300; t < 700; t++) {
            ensemble += square(values[t][0] - scores.get(t).predicted()[0]);
            lastValue += square(values[t][0] - values[t - 1][0]);
        }
        assertThat(ensemble).as("squared prediction error once learned, next to repeating the last value")
                .isLessThan(0.5 * lastValue);
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
        assertThat(spike.anomaly()).isTrue();
        assertThat(spike.score()).isGreaterThanOrEqualTo(0.75);
        assertThat(spike.channelShares()[1]).isGreaterThan(0.8);
        assertThat(spike.channelShares()[0] + spike.channelShares()[1] + spike.channelShares()[2])
                .isCloseTo(1.0, within(1e-12));
    }

    @Test
    void aChannelThatStartsMisbehavingInsideItsRangeRaisesTheScoreAndCarriesTheError() {
        Random random = new Random(4);
        int rows = 1200;
        int from = 900;
        double[][] values = new double[rows][];
        for (int t = 0; t < rows; t++) {
            double phase = 2 * Math.PI * t / 40;
            double pressure = 3 + Math.cos(phase) + 0.05 * random.nextGaussian();
            if (t >= from && t < from + 60) {
                // the pressure channel loses its rhythm: random values inside its usual range
                pressure = 3 + 0.9 * (2 * random.nextDouble() - 1);
            }
            values[t] = new double[] {
                Math.sin(phase) + 0.05 * random.nextGaussian(),
                pressure,
                -5 + 0.5 * Math.sin(2 * phase) + 0.05 * random.nextGaussian(),
            };
        }
        List<Score> scores = run(SensorDetector.fresh(CONFIG, 3), values, false);

        double before = scores.subList(500, from).stream().mapToDouble(Score::score).max().orElseThrow();
        Score worst = scores.subList(from, from + 60).stream().max(Comparator.comparingDouble(Score::score))
                .orElseThrow();
        assertThat(worst.score()).as("highest score while the channel misbehaves, highest before: %s", before)
                .isGreaterThan(before).isGreaterThanOrEqualTo(CONFIG.threshold());
        assertThat(worst.channelShares()[1]).as("the pressure channel's share").isGreaterThan(0.8);
        assertThat(worst.signal()).as("a channel misbehaving inside its range is seen by the prediction error")
                .isIn(Signal.PREDICTION_ERROR, Signal.SUSTAINED_ERROR);
        double meanShare = scores.subList(from, from + 60).stream().mapToDouble(s -> s.channelShares()[1])
                .average().orElseThrow();
        assertThat(meanShare).as("the pressure channel's mean share while it misbehaves").isGreaterThan(0.6);
    }

    @Test
    void aHugeButUsableReadingIsScoredAndLeavesTheSensorWorking() {
        double[][] values = sine(700, -1, 5);
        values[400] = new double[] {9e99};
        List<Score> scores = run(SensorDetector.fresh(CONFIG, 1), values, false);

        assertThat(scores.get(400).anomaly()).as("the absurd reading is flagged").isTrue();
        for (int t = 400; t < values.length; t++) {
            assertThat(Double.isFinite(scores.get(t).score())).as("score at %d is a number", t).isTrue();
            assertThat(Double.isFinite(scores.get(t).predicted()[0])).as("prediction at %d is a number", t).isTrue();
        }
        assertThat(SensorDetector.fresh(CONFIG, 1).check(0, new double[] {1e100})).isEqualTo(Rejection.NON_FINITE);
        assertThat(SensorDetector.fresh(CONFIG, 1).check(0, new double[] {-1e100})).isEqualTo(Rejection.NON_FINITE);
    }

    /** A 20–30 °C sensor with a daily rhythm, five-minute readings, a +8 shift for 100 readings from 4,000. */
    static double[][] temperatures(double glitchAt2000) {
        return temperatures(glitchAt2000, 2000);
    }

    /** A week and more of a 20–30 °C sensor: a +8 shift at reading 4000 for 100 readings, a glitch at {@code at}. */
    static double[][] temperatures(double glitch, int at) {
        Random random = new Random(3);
        double[][] values = new double[6000][];
        for (int t = 0; t < values.length; t++) {
            double v = 25 + 3 * Math.sin(2 * Math.PI * t / 288) + 0.3 * random.nextGaussian();
            values[t] = new double[] {t == at && !Double.isNaN(glitch) ? glitch : t >= 4000 && t < 4100 ? v + 8 : v};
        }
        return values;
    }

    @Test
    void aGlitchDuringTheWarmUpDoesNotBlindTheSensorEither() {
        for (int at : new int[] {30, 60, 99}) {
            List<Score> scores = runFiveMinutely(temperatures(65535, at));
            assertThat(scores(scores, 4000, 4003).anyMatch(Score::anomaly))
                    .as("the shift two weeks after a glitch at reading %d is flagged at once", at + 1).isTrue();
        }
    }

    static List<Score> runFiveMinutely(double[][] values) {
        SensorDetector detector = SensorDetector.fresh(CONFIG, 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        List<Score> scores = new ArrayList<>();
        for (int t = 0; t < values.length; t++) {
            scores.add(detector.process(300_000L * (t + 1), values[t], workspace));
        }
        return scores;
    }

    static Stream<Score> scores(List<Score> scores, int from, int to) {
        return scores.subList(from, to).stream();
    }

    static double maxScore(List<Score> scores, int from, int to) {
        return scores.subList(from, to).stream().mapToDouble(Score::score).max().orElseThrow();
    }

    @Test
    void aGlitchIsFlaggedButDoesNotBlindTheSensor() {
        List<Score> clean = runFiveMinutely(temperatures(Double.NaN));
        assertThat(scores(clean, 4000, 4003).anyMatch(Score::anomaly)).as("the shift without a glitch is flagged at once")
                .isTrue();
        assertThat(scores(clean, 4000, 4003).filter(Score::anomaly).findFirst().orElseThrow().signal())
                .as("a shift above every earlier reading").isEqualTo(Signal.NEW_TERRITORY);

        for (double glitch : new double[] {65535, 1e12, -1e12}) {
            List<Score> scores = runFiveMinutely(temperatures(glitch));
            assertThat(scores.get(2000).anomaly()).as("the glitch %s is flagged", glitch).isTrue();
            assertThat(scores(scores, 4000, 4003).anyMatch(Score::anomaly))
                    .as("the shift a week after a glitch of %s is flagged at once", glitch).isTrue();
            assertThat(scores.get(2300).predicted()[0]).as("the prediction a day after the glitch")
                    .isBetween(15.0, 35.0);
        }
    }

    /**
     * A job that drives the sensor to 60 once a day, at the same time, from its first day on: the
     * early spikes are learned clamped (they lie far beyond the young range), but a level the
     * sensor has reached twice belongs to its range, so from the third spike on none is new
     * territory, and after a few days the spikes are not flagged at all.
     */
    @Test
    void aSpikeThatComesBackEveryDayIsNewTerritoryOnlyUntilItHasBeenSeenTwice() {
        double[][] values = temperatures(Double.NaN);
        for (int t = 100; t < values.length; t += 288) {
            values[t][0] = 60;
        }
        List<Score> scores = runFiveMinutely(values);

        assertThat(scores.get(100).signal()).as("the first spike").isEqualTo(Signal.NEW_TERRITORY);
        for (int t = 100 + 2 * 288; t < values.length; t += 288) {
            assertThat(scores.get(t).signal()).as("spike at %d", t).isNotEqualTo(Signal.NEW_TERRITORY);
        }
        for (int t = 100 + 3 * 288; t < 4000; t += 288) {
            assertThat(scores.get(t).anomaly()).as("spike at %d, day %d", t, t / 288).isFalse();
        }
        assertThat(scores(scores, 4000, 4003).anyMatch(Score::anomaly)).as("the shift is flagged at once").isTrue();
    }

    @Test
    void aGenuineMoveToANewLevelIsLearnedWithinAFewReadings() {
        double[][] values = temperatures(Double.NaN);
        for (int t = 3000; t < values.length; t++) {
            values[t][0] += 1000; // a hundred range widths up, for good
        }
        List<Score> scores = runFiveMinutely(values);

        assertThat(scores.get(3000).anomaly()).as("the move is flagged").isTrue();
        assertThat(scores.subList(3000, 3300).stream().filter(Score::anomaly).count())
                .as("alarms for one move").isLessThanOrEqualTo(2);
        assertThat(scores.get(3050).predicted()[0]).as("predictions follow the new level")
                .isBetween(1015.0, 1035.0);
        assertThat(maxScore(scores, 3300, 4000)).as("the new level is normal a day later").isLessThan(CONFIG.threshold());
    }

    @Test
    void aFlagOpensAnEventThatEndsAfterQuietReadingsSoOneDisturbanceRaisesOneAlarm() {
        double[][] values = sine(900, 600, 6);
        values[603][0] -= 6; // a second burst inside the event keeps it open
        values[640][0] += 9; // a third after it ended
        List<Score> scores = run(SensorDetector.fresh(CONFIG, 1), values, false);

        assertThat(scores.get(600).anomaly()).isTrue();
        assertThat(scores.get(603).anomaly()).as("the second burst belongs to the open event").isFalse();
        for (int t = 601; t <= 603 + Tuning.EVENT_QUIET; t++) {
            assertThat(scores.get(t).score()).as("score in the event at %d", t).isZero();
            assertThat(scores.get(t).anomaly()).isFalse();
        }
        assertThat(scores.get(640).anomaly()).as("a burst after the event ended").isTrue();

        assertThat(scores.get(599).inEvent()).as("before the flag").isFalse();
        int end = 601;
        while (scores.get(end).inEvent()) {
            assertThat(scores.get(end).score()).as("score in the event at %d", end).isZero();
            end++;
        }
        assertThat(end).as("the first reading after the event").isBetween(604 + Tuning.EVENT_QUIET, 639);
        assertThat(scores.get(end).anomaly()).isFalse();
        assertThat(scores.get(640).inEvent()).as("a new event").isTrue();
    }

    /**
     * For {@value Tuning#AFTER_EVENT} readings after an event ends, ratios count
     * {@value Tuning#AFTER_EVENT_DAMPING} times less: a reading below every earlier one
     * (new territory, ratio 9) then scores 6/7 instead of 9/10.
     */
    @Test
    void ratiosCountLessForAWhileAfterAnEvent() {
        for (int at : new int[] {650, 700, 800}) {
            double[][] values = sine(900, 600, 6);
            values[at][0] -= 4;
            List<Score> scores = run(SensorDetector.fresh(CONFIG, 1), values, false);
            int end = 601;
            while (scores.get(end).inEvent()) {
                end++;
            }
            assertThat(end).as("the first reading after the event").isLessThan(650);
            boolean damped = at < end + Tuning.AFTER_EVENT;
            double ratio = Tuning.SPATIAL_RATIO / (damped ? Tuning.AFTER_EVENT_DAMPING : 1.0);
            assertThat(scores.get(at).score()).as("score at %d, %d readings after the event", at, at - end)
                    .isEqualTo(AnomalyScorer.scoreOf(ratio));
            assertThat(scores.get(at).anomaly()).isTrue();
            assertThat(scores.get(at).signal()).isEqualTo(Signal.NEW_TERRITORY);
        }

        // the stored count: quiet readings left inside the event, then minus the damped readings left
        double[][] values = sine(900, 600, 6);
        SensorDetector detector = SensorDetector.fresh(CONFIG, 1);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        int ended = -1;
        for (int t = 0; t < values.length; t++) {
            Score score = detector.process(60_000L * t, values[t], workspace);
            int holdOff = detector.snapshot().holdOff();
            if (t == 600) {
                assertThat(holdOff).isEqualTo(Tuning.EVENT_QUIET);
            }
            if (ended < 0 && t > 600 && holdOff < 0) {
                ended = t;
                assertThat(score.inEvent()).as("the event's last reading").isTrue();
                assertThat(holdOff).isEqualTo(-Tuning.AFTER_EVENT);
            } else if (ended > 0 && t <= ended + Tuning.AFTER_EVENT) {
                assertThat(holdOff).as("at %d", t).isEqualTo(-Tuning.AFTER_EVENT + (t - ended));
            }
        }
        assertThat(ended).isPositive();
    }

    /** Every score names the signal that gave it; a score of 0 (warm-up, inside an event) names none. */
    @Test
    void everyScoreNamesItsSignal() {
        double[][] values = sine(900, 600, 6);
        values[603][0] -= 6;
        List<Score> scores = run(SensorDetector.fresh(CONFIG, 1), values, false);

        for (int t = 0; t < scores.size(); t++) {
            Score s = scores.get(t);
            assertThat(s.signal() == Signal.NONE).as("no signal exactly when the score is 0, at %d (score %s, %s)",
                    t, s.score(), s.signal()).isEqualTo(s.score() == 0.0);
        }
        assertThat(scores.get(600).signal()).as("the spike's signal").isNotEqualTo(Signal.NONE);
        assertThat(scores.get(601).signal()).as("inside the event").isEqualTo(Signal.NONE);
        assertThat(scores.stream().filter(s -> s.score() > 0.0).map(Score::signal).distinct().count())
                .as("signals seen over a normal sine").isGreaterThan(1);
    }

    static final long HALF_HOUR = 1_800_000L;
    static final long FIVE_MINUTES = 300_000L;
    /** The day of the holiday in {@link #weeklyLoad}: a Wednesday in the sixth week (day 0, 1 January 1970, was a Thursday). */
    static final int HOLIDAY = 34;

    /**
     * Six weeks of half-hourly readings of a load with a weekly rhythm: busy from 06:00 to 20:00
     * on weekdays, a little busy at weekends, noise 0.3. With {@code holiday}, Wednesday {@value
     * #HOLIDAY} is quiet like a Sunday. With two channels, the second is a steady temperature
     * that knows no weekdays.
     */
    static double[][] weeklyLoad(boolean holiday, int channels, long seed) {
        return weeklyLoad(holiday, channels, seed, 48);
    }

    /** {@link #weeklyLoad(boolean, int, long)} with {@code perDay} readings a day. */
    static double[][] weeklyLoad(boolean holiday, int channels, long seed, int perDay) {
        Random random = new Random(seed);
        double[][] values = new double[6 * 7 * perDay][];
        for (int t = 0; t < values.length; t++) {
            int day = t / perDay;
            int weekday = (day + 4) % 7; // 0 is Sunday
            double hour = 24.0 * (t % perDay) / perDay;
            boolean quiet = weekday == 0 || weekday == 6 || (holiday && day == HOLIDAY);
            double busy = hour >= 6 && hour <= 20 ? Math.sin(Math.PI * (hour - 6) / 14) : 0.0;
            double load = 10 + (quiet ? 3 : 8) * busy + 0.3 * random.nextGaussian();
            values[t] = channels == 1 ? new double[] {load} : new double[] {load, 40 + 0.5 * random.nextGaussian()};
        }
        return values;
    }

    static List<Score> runHalfHourly(double[][] values, int channels, boolean saveAndRestoreEachTime) {
        return runEvery(HALF_HOUR, values, channels, saveAndRestoreEachTime);
    }

    static List<Score> runEvery(long step, double[][] values, int channels, boolean saveAndRestoreEachTime) {
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        SensorDetector detector = SensorDetector.fresh(CONFIG, channels);
        List<Score> scores = new ArrayList<>();
        for (int t = 0; t < values.length; t++) {
            if (saveAndRestoreEachTime) {
                detector = SensorDetector.restore(CONFIG, detector.snapshot());
            }
            scores.add(detector.process(step * t, values[t], workspace));
        }
        return scores;
    }

    /**
     * A weekday that looks like a Sunday is ordinary reading by reading, and unusual only next to
     * the same hours a week before: the weekly shift flags it, and nothing flags the same day of
     * an ordinary week.
     */
    @Test
    void aWeekdayThatLooksLikeASundayIsAWeeklyShift() {
        for (int channels = 1; channels <= 2; channels++) {
            List<Score> holiday = runHalfHourly(weeklyLoad(true, channels, 9), channels, false);
            List<Score> ordinary = runHalfHourly(weeklyLoad(false, channels, 9), channels, false);
            int from = HOLIDAY * 48;
            int to = from + 48;

            assertThat(maxScore(ordinary, from, to)).as("the same Wednesday in an ordinary week, D=%d", channels)
                    .isLessThan(CONFIG.threshold());
            Score first = scores(holiday, from, to).filter(Score::anomaly).findFirst().orElseThrow(
                    () -> new AssertionError("the holiday is not flagged, max score " + maxScore(holiday, from, to)));
            assertThat(first.signal()).as("the holiday's signal, D=%d", channels).isEqualTo(Signal.WEEKLY_SHIFT);
            assertThat(scores(holiday, 0, from).filter(s -> s.signal() == Signal.WEEKLY_SHIFT))
                    .as("no weekly shift counts before two weeks of comparisons, and the weeks before the holiday repeat")
                    .allMatch(s -> s.eventTime() >= 3 * 7 * 48 * HALF_HOUR && !s.anomaly());
        }
    }

    /**
     * A short disturbance is flagged when it happens and not again a week later: its readings
     * score as unusual and are left out of the weekly profile, so the ordinary readings of the
     * same hour a week on are not a shift against it. (Readings every five minutes: 2,016 a
     * week, over which the weekly shift's record halves, so an echo would outgrow it.)
     */
    @Test
    void aShortDisturbanceDoesNotComeBackAWeekLaterAsAWeeklyShift() {
        double[][] values = weeklyLoad(false, 1, 11, 288);
        int from = (HOLIDAY - 7) * 288 + 144; // noon on the Wednesday a week before
        for (int t = from; t < from + 3; t++) {
            values[t][0] += 12;
        }
        List<Score> scores = runEvery(FIVE_MINUTES, values, 1, false);

        assertThat(scores.get(from).anomaly()).as("the disturbance is flagged").isTrue();
        int weekLater = from + 7 * 288;
        assertThat(maxScore(scores, weekLater - 24, weekLater + 72))
                .as("the same hours a week later, max score").isLessThan(CONFIG.threshold());
    }

    /** The weekly profile and the weekly shift's memory are part of the stored state. */
    @Test
    void theWeeklyMemorySurvivesSavingAndRestoring() {
        double[][] values = weeklyLoad(true, 2, 10);
        List<Score> inMemory = runHalfHourly(values, 2, false);
        List<Score> restored = runHalfHourly(values, 2, true);
        for (int t = 0; t < values.length; t++) {
            assertThat(Double.doubleToRawLongBits(restored.get(t).score()))
                    .as("score bits at %d", t).isEqualTo(Double.doubleToRawLongBits(inMemory.get(t).score()));
            assertThat(restored.get(t).signal()).as("signal at %d", t).isEqualTo(inMemory.get(t).signal());
        }
        assertThat(inMemory.stream().map(Score::signal)).contains(Signal.WEEKLY_SHIFT);
    }

    static double square(double x) {
        return x * x;
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
        DetectorConfig wider = new DetectorConfig(12, 16, 0.005, 1.0, 1000, 500, 4000, 100, 0.53, 42L);

        assertThatThrownBy(() -> SensorDetector.restore(wider, detector.snapshot()))
                .hasMessage("stored detector has weights for D=1, H=8 but this configuration needs D=1, H=12");
    }

    @Test
    void theOnlineLstmTakesOneLearningStepEveryUpdateEveryReadingsAndStillLearnsTheSensor() {
        double[][] values = sine(600, -1, 3);
        for (int every : new int[] {1, 4, 15}) {
            DetectorConfig config = CONFIG.withUpdateEvery(every);
            SensorDetector detector = SensorDetector.fresh(config, 1);
            SensorDetector.Workspace workspace = new SensorDetector.Workspace();
            List<Score> scores = new ArrayList<>();
            for (int t = 0; t < values.length; t++) {
                scores.add(detector.process(60_000L * t, values[t], workspace));
            }
            // the changes 1 .. 598 between the 600 readings, from the second on (a window of two rows), every n-th
            assertThat(detector.snapshot().lstm().adamSteps()).as("Adam steps learning every %d", every)
                    .isEqualTo(598 / every);
            double lstm = 0.0;
            double lastValue = 0.0;
            for (int t = 300; t < values.length; t++) {
                lstm += square(values[t][0] - scores.get(t).predicted()[0]);
                lastValue += square(values[t][0] - values[t - 1][0]);
            }
            assertThat(lstm).as("squared prediction error learning every %d, next to the last value", every)
                    .isLessThan(0.5 * lastValue);
        }
    }

    @Test
    void learningStepsMustComeOftenEnoughToLearnFromEveryChangeOfTheWindow() {
        assertThat(CONFIG.withUpdateEvery(15).updateEvery()).isEqualTo(15);
        assertThatThrownBy(() -> CONFIG.withUpdateEvery(16))
                .hasMessage("learning steps must come every 1 to 15 readings (the window's changes), got 16");
        assertThatThrownBy(() -> CONFIG.withUpdateEvery(0))
                .hasMessage("learning steps must come every 1 to 15 readings (the window's changes), got 0");
    }
}
