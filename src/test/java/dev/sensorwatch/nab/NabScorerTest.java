package dev.sensorwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** NAB's scoring rules on cases whose answer is known. */
class NabScorerTest {

    static final double TOLERANCE = 1e-12;
    static final long MINUTE = 60_000L;

    /** A series of {@code rows} rows a minute apart with windows given as [first row, last row]. */
    static ScoredSeries series(String name, int rows, double[] scores, int[]... windows) {
        long[] times = new long[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = i * MINUTE;
        }
        List<ScoredSeries.Window> list = new ArrayList<>();
        for (int[] w : windows) {
            list.add(new ScoredSeries.Window(w[0] * MINUTE, w[1] * MINUTE));
        }
        return new ScoredSeries(name, times, scores, list);
    }

    /** A corpus of 3 series with 5 windows, scores from {@code scorer}. */
    static List<ScoredSeries> corpus(BiFunction<Integer, int[][], double[]> scorer) {
        int[][][] windows = {{{100, 119}, {300, 339}}, {{500, 549}}, {{200, 209}, {600, 629}}};
        int[] rows = {400, 800, 700};
        List<ScoredSeries> corpus = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            corpus.add(series("cat" + (s % 2) + "/series" + s + ".csv", rows[s], scorer.apply(rows[s], windows[s]), windows[s]));
        }
        return corpus;
    }

    @Test
    void aHandWorkedSeries() {
        double[] scores = new double[20];
        scores[1] = 1.0;  // in the probationary period (first 3 rows): ignored
        scores[5] = 1.0;  // before the first window: −fp
        scores[11] = 1.0; // first detection in the window [10, 13]: position −(13−11+1)/4
        scores[12] = 1.0; // a later detection in the same window: ignored
        scores[16] = 1.0; // after the window: fp·σ((16−13)/(4−1))
        ScoredSeries s = series("c/s.csv", 20, scores, new int[] {10, 13});
        NabProfile p = NabProfile.STANDARD;

        NabScorer.Result result = NabScorer.scoreAt(List.of(s), p, 0.5);

        double expected = -p.fp() + NabScorer.sigmoid(-0.75) / NabScorer.sigmoid(-1.0) + p.fp() * NabScorer.sigmoid(1.0);
        assertThat(s.probation()).isEqualTo(3);
        assertThat(result.raw()).isCloseTo(expected, within(TOLERANCE));
        assertThat(result.falsePositives()).isEqualTo(2);
        assertThat(result.detectedWindows()).isEqualTo(1);
        assertThat(NabScorer.sigmoid(-1.0)).isCloseTo(2.0 / (1.0 + Math.exp(-5.0)) - 1.0, within(TOLERANCE));
        assertThat(NabScorer.sigmoid(1.0)).isNegative();
    }

    @Test
    void flaggingNothingScoresZeroOnEveryProfile() {
        List<ScoredSeries> zeros = corpus((rows, windows) -> new double[rows]);
        List<ScoredSeries> none = corpus((rows, windows) -> filled(rows, Double.NaN));
        for (NabProfile profile : NabProfile.ALL) {
            assertThat(NabScorer.scoreAt(zeros, profile, Double.POSITIVE_INFINITY).normalized()).isZero();
            NabScorer.Result result = NabScorer.score(none, profile);
            assertThat(result.normalized()).as(profile.name()).isZero();
            assertThat(result.threshold()).isEqualTo(Double.POSITIVE_INFINITY);
        }
    }

    @Test
    void flaggingExactlyEachWindowsFirstRowScoresHundred() {
        List<ScoredSeries> perfect = corpus((rows, windows) -> {
            double[] scores = new double[rows];
            for (int[] w : windows) {
                scores[w[0]] = 1.0;
            }
            return scores;
        });
        for (NabProfile profile : NabProfile.ALL) {
            NabScorer.Result result = NabScorer.score(perfect, profile);
            assertThat(result.normalized()).as(profile.name()).isCloseTo(100.0, within(1e-9));
            assertThat(result.threshold()).isEqualTo(1.0);
            assertThat(result.detectedWindows()).isEqualTo(5);
            assertThat(result.falsePositives()).isZero();
        }
    }

    @Test
    void randomScoresLandFarBelowAPerfectDetector() {
        Random random = new Random(42);
        List<ScoredSeries> noise = corpus((rows, windows) -> {
            double[] scores = new double[rows];
            for (int i = 0; i < rows; i++) {
                scores[i] = random.nextDouble();
            }
            return scores;
        });
        for (NabProfile profile : NabProfile.ALL) {
            NabScorer.Result result = NabScorer.score(noise, profile);
            assertThat(result.normalized()).as(profile.name()).isLessThan(50.0);
            assertThat(result.normalized()).isGreaterThanOrEqualTo(0.0); // never below flagging nothing
        }
    }

    @Test
    void theSweptThresholdIsTheBestOfAllCandidates() {
        Random random = new Random(7);
        List<ScoredSeries> corpus = corpus((rows, windows) -> {
            double[] scores = new double[rows];
            for (int i = 0; i < rows; i++) {
                scores[i] = Math.round(random.nextDouble() * 50) / 50.0; // many ties
            }
            for (int[] w : windows) {
                scores[w[0] + 2] = 0.99;
            }
            return scores;
        });
        for (NabProfile profile : NabProfile.ALL) {
            NabScorer.Result best = NabScorer.score(corpus, profile);
            double[] candidates = corpus.stream().flatMapToDouble(s -> Arrays.stream(s.scores())).distinct().toArray();
            for (double threshold : candidates) {
                assertThat(NabScorer.scoreAt(corpus, profile, threshold).raw())
                        .as("%s at %s", profile.name(), threshold).isLessThanOrEqualTo(best.raw() + TOLERANCE);
            }
        }
    }

    @Test
    void categoriesAddUpToTheWhole() {
        List<ScoredSeries> corpus = corpus((rows, windows) -> {
            double[] scores = new double[rows];
            scores[windows[0][0] + 5] = 1.0;
            scores[rows - 1] = 1.0;
            return scores;
        });
        NabScorer.Result result = NabScorer.score(corpus, NabProfile.REWARD_LOW_FN);
        double sum = result.byCategory().values().stream().mapToDouble(NabScorer.SeriesOutcome::raw).sum();
        assertThat(sum).isCloseTo(result.raw(), within(TOLERANCE));
        assertThat(result.byCategory()).containsOnlyKeys("cat0", "cat1");
    }

    static double[] filled(int rows, double value) {
        double[] scores = new double[rows];
        Arrays.fill(scores, value);
        return scores;
    }
}
