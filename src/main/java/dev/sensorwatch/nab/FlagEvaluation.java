package dev.sensorwatch.nab;

import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.ResultFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Event-wise and row-wise evaluation ({@link EventEvaluation}) of one 0/1 flag column of a results
 * folder, such as {@code in_event} or {@code is_anomaly}, against labelled windows.
 */
public final class FlagEvaluation {

    private FlagEvaluation() {
    }

    /**
     * Each labelled series' counts, by series name, in the labels' order.
     *
     * @param results    the folder of result files, {@code <key of the labels>} below it
     * @param labels     NAB's windows JSON (series name to {@code [start, end]} pairs)
     * @param column     the flag column evaluated
     * @param fromMillis rows before this instant are not evaluated ({@link Long#MIN_VALUE}: all)
     * @param skipFirst  the first rows of each series that are not evaluated
     * @throws IllegalArgumentException if a labelled file has no result file, or either path is missing
     */
    public static Map<String, EventEvaluation.Counts> evaluate(Path results, Path labels, String column,
                                                               long fromMillis, int skipFirst) throws IOException {
        NabEvaluation.checkPaths(results, labels);
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
    public static EventEvaluation.Counts total(Map<String, EventEvaluation.Counts> counts) {
        return counts.values().stream().reduce(EventEvaluation.Counts.NONE, EventEvaluation.Counts::plus);
    }
}
