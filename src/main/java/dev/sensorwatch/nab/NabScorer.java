package dev.sensorwatch.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores anomaly scores against labelled windows by NAB's rules (v1.1):
 *
 * <ul>
 *   <li>the first {@code min(⌊0.15·N⌋, 750)} rows of each series are not scored;
 *   <li>a detection is a row whose score is at or above the threshold;
 *   <li>in a window of {@code W} rows ending at row {@code r}, only the earliest detection counts: at
 *       row {@code i} it earns {@code tp·σ(p)/σ(−1)} with {@code p = −(r − i + 1)/W}, so the window's
 *       first row earns the full {@code tp}; a window without detection costs {@code −fn};
 *   <li>a detection outside every window at row {@code i} adds {@code fp·σ((i − r′)/(W′ − 1))},
 *       with {@code r′}, {@code W′} the end row and width of the last window before it (negative,
 *       near {@code −fp} far from it); before the first window it adds {@code −fp};
 *   <li>{@code σ(x) = 2/(1 + e^{5x}) − 1};
 *   <li>one threshold for the whole corpus, chosen among all distinct scores to maximise the summed
 *       raw score; normalised score {@code 100·(raw − null)/(perfect − null)}, where the null
 *       detector flags nothing ({@code −fn} per window) and the perfect one flags exactly each
 *       window's first row ({@code tp} per window).
 * </ul>
 */
public final class NabScorer {

    private NabScorer() {
    }

    /** NAB's scaled sigmoid {@code σ(x) = 2/(1 + e^{5x}) − 1}. */
    public static double sigmoid(double x) {
        return 2.0 / (1.0 + StrictMath.exp(5.0 * x)) - 1.0;
    }

    /** The outcome for one profile at the best threshold. */
    public record Result(NabProfile profile, double threshold, double raw, double nullScore, double perfect,
                         double normalized, List<SeriesOutcome> series) {

        /** Windows with a detection. */
        public int detectedWindows() {
            return series.stream().mapToInt(SeriesOutcome::detectedWindows).sum();
        }

        /** Windows in the corpus. */
        public int windows() {
            return series.stream().mapToInt(SeriesOutcome::windows).sum();
        }

        /** Detections outside every window. */
        public int falsePositives() {
            return series.stream().mapToInt(SeriesOutcome::falsePositives).sum();
        }

        /** Per category: raw score, null and perfect, windows, detected windows, false positives. */
        public Map<String, SeriesOutcome> byCategory() {
            Map<String, SeriesOutcome> categories = new LinkedHashMap<>();
            for (SeriesOutcome s : series) {
                categories.merge(s.category(), s, SeriesOutcome::plus);
            }
            return categories;
        }
    }

    /**
     * The outcome for one series (or, summed, one category) at a threshold.
     *
     * @param name            series name, or category name when summed
     * @param category        the category
     * @param raw             raw score
     * @param windows         labelled windows
     * @param detectedWindows windows with a detection
     * @param falsePositives  detections outside every window
     * @param profile         the profile scored with
     */
    public record SeriesOutcome(String name, String category, double raw, int windows, int detectedWindows,
                                int falsePositives, NabProfile profile) {

        /** Raw score of the null detector: nothing flagged. */
        public double nullScore() {
            return -windows * profile.fn();
        }

        /** Raw score of the perfect detector: each window's first row flagged. */
        public double perfect() {
            return windows * profile.tp();
        }

        /** Normalised score, NaN when there are no windows. */
        public double normalized() {
            return windows == 0 ? Double.NaN : 100.0 * (raw - nullScore()) / (perfect() - nullScore());
        }

        SeriesOutcome plus(SeriesOutcome other) {
            return new SeriesOutcome(category, category, raw + other.raw, windows + other.windows,
                    detectedWindows + other.detectedWindows, falsePositives + other.falsePositives, profile);
        }
    }

    /** Scores {@code corpus} with {@code profile} at the threshold that maximises the raw score. */
    public static Result score(List<ScoredSeries> corpus, NabProfile profile) {
        return scoreAt(corpus, profile, bestThreshold(corpus, profile));
    }

    /** Scores {@code corpus} with {@code profile} at a given threshold. */
    public static Result scoreAt(List<ScoredSeries> corpus, NabProfile profile, double threshold) {
        List<SeriesOutcome> outcomes = new ArrayList<>();
        double raw = 0.0;
        int windows = 0;
        for (ScoredSeries series : corpus) {
            Layout layout = Layout.of(series);
            double sum = 0.0;
            int detected = 0;
            int falsePositives = 0;
            for (int w = 0; w < layout.windowCount(); w++) {
                int first = -1;
                for (int i = layout.scoredStart(w); i <= layout.end(w); i++) {
                    if (series.scores()[i] >= threshold) {
                        first = i;
                        break;
                    }
                }
                if (first >= 0) {
                    sum += layout.reward(w, first, profile);
                    detected++;
                } else {
                    sum -= profile.fn();
                }
            }
            for (int i = series.probation(); i < series.scores().length; i++) {
                if (layout.windowOf(i) < 0 && series.scores()[i] >= threshold) {
                    sum += layout.cost(i, profile);
                    falsePositives++;
                }
            }
            outcomes.add(new SeriesOutcome(series.name(), series.category(), sum, layout.windowCount(), detected,
                    falsePositives, profile));
            raw += sum;
            windows += layout.windowCount();
        }
        double nullScore = -windows * profile.fn();
        double perfect = windows * profile.tp();
        double normalized = perfect == nullScore ? Double.NaN : 100.0 * (raw - nullScore) / (perfect - nullScore);
        return new Result(profile, threshold, raw, nullScore, perfect, normalized, List.copyOf(outcomes));
    }

    /**
     * The threshold, among every distinct score, with the highest summed raw score; ties go to
     * the higher threshold, and {@code +∞} (flag nothing) when nothing beats the null detector.
     * One pass over the scores sorted once: O(N log N).
     */
    public static double bestThreshold(List<ScoredSeries> corpus, NabProfile profile) {
        // each event: at thresholds ≤ value, the total changes by delta
        List<double[]> events = new ArrayList<>();
        double base = 0.0;
        for (ScoredSeries series : corpus) {
            Layout layout = Layout.of(series);
            double[] scores = series.scores();
            for (int w = 0; w < layout.windowCount(); w++) {
                base -= profile.fn();
                // record-breaking scores from the window's first scored row: lowering the threshold
                // past each record moves the earliest detection back to that row
                List<double[]> records = new ArrayList<>();
                double best = Double.NEGATIVE_INFINITY;
                for (int i = layout.scoredStart(w); i <= layout.end(w); i++) {
                    if (scores[i] > best) {
                        best = scores[i];
                        records.add(new double[] {scores[i], layout.reward(w, i, profile)});
                    }
                }
                double later = -profile.fn();
                for (int k = records.size() - 1; k >= 0; k--) {
                    events.add(new double[] {records.get(k)[0], records.get(k)[1] - later});
                    later = records.get(k)[1];
                }
            }
            for (int i = series.probation(); i < scores.length; i++) {
                if (layout.windowOf(i) < 0 && !Double.isNaN(scores[i])) {
                    events.add(new double[] {scores[i], layout.cost(i, profile)});
                }
            }
        }
        events.sort((a, b) -> Double.compare(b[0], a[0]));
        double total = base;
        double bestTotal = base;
        double bestThreshold = Double.POSITIVE_INFINITY;
        int k = 0;
        while (k < events.size()) {
            double value = events.get(k)[0];
            while (k < events.size() && events.get(k)[0] == value) {
                total += events.get(k)[1];
                k++;
            }
            if (total > bestTotal) {
                bestTotal = total;
                bestThreshold = value;
            }
        }
        return bestThreshold;
    }

    /** Where the windows of one series lie, in rows. */
    private record Layout(ScoredSeries series, int[] starts, int[] ends, int[] windowOfRow) {

        static Layout of(ScoredSeries series) {
            long[] times = series.times();
            int n = times.length;
            int[] windowOfRow = new int[n];
            Arrays.fill(windowOfRow, -1);
            List<int[]> ranges = new ArrayList<>();
            for (ScoredSeries.Window window : series.windows()) {
                int start = -1;
                int end = -1;
                for (int i = 0; i < n; i++) {
                    if (times[i] >= window.startMillis() && times[i] <= window.endMillis()) {
                        if (start < 0) {
                            start = i;
                        }
                        end = i;
                        windowOfRow[i] = ranges.size();
                    }
                }
                ranges.add(new int[] {start, end});
            }
            int[] starts = new int[ranges.size()];
            int[] ends = new int[ranges.size()];
            for (int w = 0; w < ranges.size(); w++) {
                starts[w] = ranges.get(w)[0];
                ends[w] = ranges.get(w)[1];
            }
            return new Layout(series, starts, ends, windowOfRow);
        }

        int windowCount() {
            return starts.length;
        }

        int end(int w) {
            return ends[w];
        }

        /** First row of window {@code w} that is scored (after probation); past the end if none. */
        int scoredStart(int w) {
            return starts[w] < 0 ? Integer.MAX_VALUE : Math.max(starts[w], series.probation());
        }

        int windowOf(int row) {
            return windowOfRow[row];
        }

        /** The reward of a first detection at row {@code i} of window {@code w}. */
        double reward(int w, int i, NabProfile profile) {
            int width = ends[w] - starts[w] + 1;
            double position = -(double) (ends[w] - i + 1) / width;
            return profile.tp() * sigmoid(position) / sigmoid(-1.0);
        }

        /** The (negative) contribution of a detection at row {@code i} outside every window. */
        double cost(int i, NabProfile profile) {
            int previous = -1;
            for (int w = 0; w < ends.length; w++) {
                if (ends[w] >= 0 && ends[w] < i && (previous < 0 || ends[w] > ends[previous])) {
                    previous = w;
                }
            }
            if (previous < 0) {
                return -profile.fp();
            }
            int width = ends[previous] - starts[previous] + 1;
            double distance = (double) (i - ends[previous]) / Math.max(width - 1, 1);
            return profile.fp() * sigmoid(distance);
        }
    }
}
