package dev.sensorwatch.detect;

import java.util.Arrays;

/**
 * {@link Signal#FLAT_LINE}: a channel stuck at one value. A channel whose readings have never
 * repeated the one before exactly is a continuous measurement, whose exact repeats are rare and
 * independent: after {@code n} readings none of which repeated, the rule of succession puts the
 * chance that a reading repeats the one before at {@code p = 1 / (n + 2)}, and that of a run of
 * {@code r} repeats at {@code p^r}. The run a normal reading reaches with probability
 * {@value Tuning#TAIL_PROBABILITY} is {@code r* = ln(}{@value Tuning#TAIL_PROBABILITY}{@code ) / ln p};
 * the ratio is {@code r / r*}, the largest over the channels, so a score of 0.5 is as rare as one
 * normal reading in 10,000 (after 2,000 readings, {@code r*} is 1.2: the third identical reading in
 * a row scores 0.62).
 *
 * <p>A channel that repeats a value in the detector's warm-up, or in a run that ends below its
 * {@code r*}, is not continuous (quantised, discrete or held readings, whose runs cluster in ways
 * a sensor's history cannot calibrate) and is not judged again. A run that reached its {@code r*}
 * was an anomaly, not a sign of a quantised channel, and leaves the channel judged. The signal keeps
 * no record: every time a sensor sticks is a fault.
 */
final class FlatLineSignal implements ScoringSignal {

    /** The run of a channel this signal no longer judges. */
    static final long NOT_JUDGED = -1;

    /** Per channel: the readings in a row that repeated the one before, or {@link #NOT_JUDGED}. */
    final long[] runs;
    /** Per channel: the latest reading as it came; NaN before the first. */
    final double[] last;
    /** Per channel, the last reading's ratio (scratch, not state): which channels are stuck. */
    final double[] ratios;

    FlatLineSignal(int channels) {
        this.runs = new long[channels];
        this.last = new double[channels];
        this.ratios = new double[channels];
        Arrays.fill(last, Double.NaN);
    }

    @Override
    public Signal signal() {
        return Signal.FLAT_LINE;
    }

    /**
     * The run a channel reaches with probability {@value Tuning#TAIL_PROBABILITY} after {@code n}
     * readings without a repeat.
     */
    static double level(long n) {
        return StrictMath.log(Tuning.TAIL_PROBABILITY) / -StrictMath.log(n + 2.0);
    }

    @Override
    public double ratioThenLearn(ScoredReading reading, ChannelStatistics statistics) {
        double largest = 0.0;
        Arrays.fill(ratios, 0.0);
        for (int c = 0; c < runs.length; c++) {
            double value = reading.values[c];
            boolean repeats = value == last[c];
            last[c] = value;
            if (runs[c] == NOT_JUDGED) {
                continue;
            }
            // the readings that did not repeat the one before, up to the previous one: the run
            // so far ends there, or (if this reading differs) it ended there
            long n = reading.seen - 2 - runs[c];
            if (!repeats) {
                if (runs[c] > 0 && runs[c] < level(n)) {
                    runs[c] = NOT_JUDGED; // an ordinary repeat: the channel repeats values
                } else {
                    runs[c] = 0;
                }
                continue;
            }
            if (!reading.pastWarmup) {
                runs[c] = NOT_JUDGED;
                continue;
            }
            runs[c]++;
            ratios[c] = runs[c] / level(n);
            largest = Math.max(largest, ratios[c]);
        }
        return largest;
    }

    /** Restores the state {@code runs} and {@code last}; empty arrays (a state without it) judge no channel. */
    void restore(long[] storedRuns, double[] storedLast) {
        if (storedRuns.length == 0 && storedLast.length == 0) {
            Arrays.fill(runs, NOT_JUDGED);
            return;
        }
        if (storedRuns.length != runs.length || storedLast.length != last.length) {
            throw new IllegalArgumentException("stored flat line holds " + storedRuns.length + " runs and "
                    + storedLast.length + " readings for " + runs.length + " channels");
        }
        for (long run : storedRuns) {
            if (run < NOT_JUDGED) {
                throw new IllegalArgumentException("stored flat line run " + run + " is below " + NOT_JUDGED);
            }
        }
        System.arraycopy(storedRuns, 0, runs, 0, runs.length);
        System.arraycopy(storedLast, 0, last, 0, last.length);
    }
}
