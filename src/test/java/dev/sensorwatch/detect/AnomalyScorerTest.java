package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scorer's signals, driven directly with readings, predictions and last week's means. */
class AnomalyScorerTest {

    static final long FIVE_MINUTES = 300_000L;
    static final int DAY = 288;

    /**
     * Four weeks of five-minute readings of 50, predicted within 0.1, whose deviation from the same
     * hour a week earlier is 0 but for a bump of 1 once a day (so the weekly shift has a record);
     * from {@code rampFrom} on the deviation grows by {@code step} a reading, up to {@code top}.
     * Returns each reading's result; {@code scorer} is left as it is after the last.
     */
    static List<AnomalyScorer.Result> weeklyRamp(AnomalyScorer scorer, int rampFrom, double step, double top) {
        List<AnomalyScorer.Result> results = new ArrayList<>();
        for (int t = 0; t < 28 * DAY; t++) {
            double value = 50;
            double[] values = {value};
            double[] predicted = {value + (t % 2 == 0 ? 0.1 : -0.1)};
            double deviation = t >= rampFrom ? Math.min(top, step * (t - rampFrom))
                    : t % DAY >= 100 && t % DAY < 110 ? 1.0 : 0.0;
            double[] lastWeek = {t >= 7 * DAY ? value - deviation : Double.NaN};
            results.add(scorer.score(t + 1, t * FIVE_MINUTES, values, values, predicted, lastWeek));
        }
        return results;
    }

    static double largest(List<AnomalyScorer.Result> results, int from, int to) {
        return results.subList(from, to).stream().mapToDouble(AnomalyScorer.Result::ratio).max().orElseThrow();
    }

    /** The largest ratio the weekly shift gave as the reading's signal, 0 if it never did. */
    static double largestWeekly(List<AnomalyScorer.Result> results, int from, int to) {
        return results.subList(from, to).stream().filter(r -> r.signal() == Signal.WEEKLY_SHIFT)
                .mapToDouble(AnomalyScorer.Result::ratio).max().orElse(0.0);
    }

    /**
     * A week-on-week deviation that grows slowly keeps pace with its own record: each reading's
     * ratio stays near 1, however far the deviation goes. Held at that record for
     * {@value Tuning#HELD_WEEKLY_READINGS} comparisons it counts {@value Tuning#HELD_WEEKLY_WEIGHT}
     * times: the ratio then passes the default threshold's (about 1.16), as a weekly shift.
     */
    @Test
    void aWeeklyShiftThatGrowsSlowlyAndHoldsOutgrowsItsRecord() {
        int rampFrom = 24 * DAY;
        List<AnomalyScorer.Result> results = weeklyRamp(new AnomalyScorer(DetectorConfig.DEFAULTS, 1), rampFrom, 0.01, 4.0);

        assertThat(largest(results, 15 * DAY, rampFrom)).as("ordinary weeks, daily bumps included").isLessThan(1.1);
        double thresholdRatio = DetectorConfig.DEFAULT_THRESHOLD / (1 - DetectorConfig.DEFAULT_THRESHOLD);
        int first = rampFrom;
        while (first < results.size() && results.get(first).ratio() < thresholdRatio) {
            first++;
        }
        assertThat(first).as("the first reading of the ramp over the threshold").isLessThan(rampFrom + 400);
        assertThat(first - rampFrom).as("readings into the ramp").isGreaterThanOrEqualTo(Tuning.HELD_WEEKLY_READINGS);
        assertThat(results.get(first).signal()).isEqualTo(Signal.WEEKLY_SHIFT);
        assertThat(results.get(first).ratio()).isLessThanOrEqualTo(Tuning.HELD_WEEKLY_WEIGHT * 1.1);
    }

    /**
     * A deviation that stays, but below what the ordinary weeks reached, is not unusual however
     * long it holds: its ratio stays well below 1, and so does 1.5 times its mean (the readings'
     * own score comes from their steady prediction errors, at their record).
     */
    @Test
    void aDeviationBelowItsRecordIsNotFlaggedHoweverLongItHolds() {
        int rampFrom = 24 * DAY;
        AnomalyScorer scorer = new AnomalyScorer(DetectorConfig.DEFAULTS, 1);
        List<AnomalyScorer.Result> results = weeklyRamp(scorer, rampFrom, 0.01, 0.5);
        assertThat(largest(results, rampFrom + 150, results.size())).as("every signal").isLessThan(1.1);
        DetectorState.Scorer end = scorer.snapshot();
        assertThat(end.heldRows()).isEqualTo(Tuning.HELD_WEEKLY_READINGS);
        assertThat(Arrays.stream(end.heldRatios()).boxed().toList())
                .as("the weekly shift's last ratios, 0.5 held for days").allMatch(r -> r > 0.0 && r < 0.5);
    }
}
