package dev.sensorwatch.cli;

import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.ResultFiles;
import dev.sensorwatch.nab.EventEvaluation;
import dev.sensorwatch.nab.ScoredSeries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a results folder against labelled windows and evaluates one flag column event-wise and row-wise. */
final class FlagEvaluation {

    private FlagEvaluation() {
    }

    /**
     * Each labelled series' counts, by series name, in the labels' order.
     *
     * @param fromMillis rows before this instant are not evaluated ({@link Long#MIN_VALUE}: all)
     * @param skipFirst  the first rows of each series that are not evaluated
     * @throws IllegalArgumentException if a labelled file has no result file
     */
    static Map<String, EventEvaluation.Counts> evaluate(Path results, Path labels, String column, long fromMillis,
                                                        int skipFirst) throws IOException {
        if (!Files.isDirectory(results)) {
            throw new IllegalArgumentException("--results " + results + " is not a folder");
        }
        if (!Files.isRegularFile(labels)) {
            throw new IllegalArgumentException("--labels " + labels + " is not a file");
        }
        Map<String, EventEvaluation.Counts> counts = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<NabLabels.Window>> entry : NabLabels.read(labels).entrySet()) {
            Path file = results.resolve(entry.getKey());
            if (!Files.isRegularFile(file)) {
                missing.add(entry.getKey());
                continue;
            }
            ResultFiles.Flags flags = ResultFiles.readFlags(file, column);
            long from = fromMillis;
            if (skipFirst > 0) {
                from = Math.max(from, skipFirst < flags.times().length ? flags.times()[skipFirst] : Long.MAX_VALUE);
            }
            List<ScoredSeries.Window> windows = entry.getValue().stream()
                    .map(w -> new ScoredSeries.Window(w.startMillis(), w.endMillis())).toList();
            counts.put(entry.getKey(), EventEvaluation.evaluate(flags.times(), flags.flags(), windows, from));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(missing.size() + " labelled series have no result file under " + results
                    + ", e.g. " + missing.get(0));
        }
        return counts;
    }

    /** The sum over every series. */
    static EventEvaluation.Counts total(Map<String, EventEvaluation.Counts> counts) {
        return counts.values().stream().reduce(EventEvaluation.Counts.NONE, EventEvaluation.Counts::plus);
    }

    /** Prints the totals of {@code column} and, if asked, each series' line. */
    static void print(PrintWriter out, String column, Map<String, EventEvaluation.Counts> counts, boolean perSeries) {
        if (perSeries) {
            out.printf("%-40s %8s %6s %12s %10s %10s%n", "series", "windows", "found", "false alarms", "rows TP", "rows FP");
            counts.forEach((name, c) -> out.printf("%-40s %8d %6d %12d %10d %10d%n", name, c.windows(), c.found(),
                    c.falseAlarms(), c.truePositive(), c.falsePositive()));
            out.println();
        }
        EventEvaluation.Counts t = total(counts);
        out.printf("%-12s %8s %6s %12s %10s %8s %8s %10s %10s %8s%n", "flags", "windows", "found", "false alarms",
                "precision", "recall", "F1", "row prec.", "row rec.", "row F1");
        out.printf("%-12s %8d %6d %12d %10.3f %8.3f %8.3f %10.3f %10.3f %8.3f%n", column, t.windows(), t.found(),
                t.falseAlarms(), t.precision(), t.recall(), t.f1(), t.rowPrecision(), t.rowRecall(), t.rowF1());
    }
}
