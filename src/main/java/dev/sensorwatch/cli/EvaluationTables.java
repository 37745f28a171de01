package dev.sensorwatch.cli;

import dev.sensorwatch.nab.EventEvaluation;
import dev.sensorwatch.nab.FlagEvaluation;
import dev.sensorwatch.nab.NabScorer;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The tables {@code evaluate} and {@code bench} print of an evaluation ({@code dev.sensorwatch.nab}). */
final class EvaluationTables {

    private EvaluationTables() {
    }

    /** Prints NAB's profile table, the per-category table and, if asked, each series' outcome. */
    static void printNab(PrintWriter out, List<NabScorer.Result> results, boolean perSeries) {
        out.printf("%-20s %10s %10s %10s %9s %7s%n", "profile", "score", "threshold", "raw", "windows", "FPs");
        for (NabScorer.Result r : results) {
            out.printf("%-20s %10.2f %10.6f %10.3f %4d/%-4d %7d%n", r.profile().name(), r.normalized(), r.threshold(),
                    r.raw(), r.detectedWindows(), r.windows(), r.falsePositives());
        }
        out.println();
        out.printf("%-24s %9s %10s %10s %10s %9s %7s%n", "category (score)", "windows", "standard", "low FP", "low FN",
                "detected", "FPs");
        Map<String, NabScorer.SeriesOutcome> standard = results.get(0).byCategory();
        for (String category : standard.keySet()) {
            NabScorer.SeriesOutcome s = standard.get(category);
            out.printf("%-24s %9d %10s %10s %10s %9d %7d%n", category, s.windows(), format(s.normalized()),
                    format(results.get(1).byCategory().get(category).normalized()),
                    format(results.get(2).byCategory().get(category).normalized()), s.detectedWindows(),
                    s.falsePositives());
        }
        if (perSeries) {
            out.println();
            out.println("per series at the standard profile's threshold:");
            out.printf("%-60s %9s %7s %10s%n", "series", "detected", "FPs", "raw");
            for (NabScorer.SeriesOutcome s : results.get(0).series()) {
                out.printf("%-60s %4d/%-4d %7d %10.3f%n", s.name(), s.detectedWindows(), s.windows(), s.falsePositives(), s.raw());
            }
        }
    }

    /** Prints the totals of the flag {@code column} and, if asked, each series' line. */
    static void printFlags(PrintWriter out, String column, Map<String, EventEvaluation.Counts> counts, boolean perSeries) {
        if (perSeries) {
            out.printf("%-40s %8s %6s %12s %10s %10s%n", "series", "windows", "found", "false alarms", "rows TP", "rows FP");
            counts.forEach((name, c) -> out.printf("%-40s %8d %6d %12d %10d %10d%n", name, c.windows(), c.found(),
                    c.falseAlarms(), c.truePositive(), c.falsePositive()));
            out.println();
        }
        EventEvaluation.Counts t = FlagEvaluation.total(counts);
        out.printf("%-12s %8s %6s %12s %10s %8s %8s %10s %10s %8s%n", "flags", "windows", "found", "false alarms",
                "precision", "recall", "F1", "row prec.", "row rec.", "row F1");
        out.printf("%-12s %8d %6d %12d %10.3f %8.3f %8.3f %10.3f %10.3f %8.3f%n", column, t.windows(), t.found(),
                t.falseAlarms(), t.precision(), t.recall(), t.f1(), t.rowPrecision(), t.rowRecall(), t.rowF1());
    }

    private static String format(double score) {
        return Double.isNaN(score) ? "-" : String.format("%.2f", score);
    }
}
