package dev.sensorwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventEvaluationTest {

    static final double EXACT = 1e-12;

    /** Rows at times 0..n-1, flagged where {@code pattern} has a 1. */
    private static boolean[] flags(String pattern) {
        boolean[] flags = new boolean[pattern.length()];
        for (int i = 0; i < flags.length; i++) {
            flags[i] = pattern.charAt(i) == '1';
        }
        return flags;
    }

    private static long[] times(int n) {
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = i;
        }
        return times;
    }

    @Test
    void aRunOverlappingAWindowFindsItAndARunOverlappingNoneIsAFalseAlarm() {
        //                       0123456789012345678901234
        boolean[] flags = flags("0011000000000110000001111");
        List<ScoredSeries.Window> windows = List.of(new ScoredSeries.Window(3, 6), new ScoredSeries.Window(9, 11),
                new ScoredSeries.Window(23, 30));
        EventEvaluation.Counts c = EventEvaluation.evaluate(times(flags.length), flags, windows, Long.MIN_VALUE);
        assertThat(c.windows()).isEqualTo(3);
        assertThat(c.found()).isEqualTo(2); // [3,6] by the run 2-3, [23,30] by the run 21-24; [9,11] missed
        assertThat(c.falseAlarms()).isEqualTo(1); // the run 13-14
        assertThat(c.precision()).isCloseTo(2.0 / 3, within(EXACT));
        assertThat(c.recall()).isCloseTo(2.0 / 3, within(EXACT));
        assertThat(c.f1()).isCloseTo(2.0 / 3, within(EXACT));
        // rows: flagged inside a window 3, 23, 24; outside 2, 13, 14, 21, 22; unflagged inside 4, 5, 6, 9, 10, 11
        assertThat(c.truePositive()).isEqualTo(3);
        assertThat(c.falsePositive()).isEqualTo(5);
        assertThat(c.falseNegative()).isEqualTo(6);
        assertThat(c.rowPrecision()).isCloseTo(3.0 / 8, within(EXACT));
        assertThat(c.rowRecall()).isCloseTo(3.0 / 9, within(EXACT));
    }

    @Test
    void rowsBeforeTheStartAreNotEvaluatedAndARunIsCutThere() {
        boolean[] flags = flags("1111111000");
        List<ScoredSeries.Window> windows = List.of(new ScoredSeries.Window(1, 2), new ScoredSeries.Window(8, 9));
        EventEvaluation.Counts c = EventEvaluation.evaluate(times(flags.length), flags, windows, 4);
        assertThat(c.windows()).isEqualTo(1); // [1,2] lies before the start
        assertThat(c.found()).isZero();
        assertThat(c.falseAlarms()).isEqualTo(1); // rows 4-6 only
        assertThat(c.truePositive() + c.falsePositive()).isEqualTo(3);
    }

    @Test
    void nothingFlaggedFindsNothingAndEverythingFlaggedIsOneRun() {
        List<ScoredSeries.Window> windows = List.of(new ScoredSeries.Window(2, 3), new ScoredSeries.Window(6, 7));
        EventEvaluation.Counts none = EventEvaluation.evaluate(times(10), flags("0000000000"), windows, Long.MIN_VALUE);
        assertThat(none.found()).isZero();
        assertThat(none.f1()).isZero();
        EventEvaluation.Counts all = EventEvaluation.evaluate(times(10), flags("1111111111"), windows, Long.MIN_VALUE);
        assertThat(all.found()).isEqualTo(2);
        assertThat(all.falseAlarms()).isZero();
        assertThat(all.rowPrecision()).isCloseTo(0.4, within(EXACT));
    }

    @Test
    void countsAddUp() {
        EventEvaluation.Counts a = new EventEvaluation.Counts(2, 1, 3, 10, 20, 30);
        EventEvaluation.Counts b = new EventEvaluation.Counts(1, 1, 0, 1, 2, 3);
        assertThat(a.plus(b)).isEqualTo(new EventEvaluation.Counts(3, 2, 3, 11, 22, 33));
    }
}
