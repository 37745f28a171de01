package dev.sensorwatch.nab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.ResultFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NAB's evaluation of a results folder (the layout {@code score} writes): each labelled series'
 * scores read against its windows, scored on every {@link NabProfile}, and the thresholds chosen.
 */
public final class NabEvaluation {

    private NabEvaluation() {
    }

    /**
     * The labelled series with their scores: one result file per key of the labels.
     *
     * @param results the folder of result files, {@code <key of the labels>} below it
     * @param labels  NAB's windows JSON (series name to {@code [start, end]} pairs)
     * @throws IllegalArgumentException if a labelled file has no result file, or either path is missing
     */
    public static List<ScoredSeries> read(Path results, Path labels) throws IOException {
        checkPaths(results, labels);
        Map<String, List<NabLabels.Window>> windows = NabLabels.read(labels);
        List<String> missing = new ArrayList<>();
        List<ScoredSeries> corpus = new ArrayList<>();
        for (Map.Entry<String, List<NabLabels.Window>> entry : windows.entrySet()) {
            Path file = results.resolve(entry.getKey());
            if (!Files.isRegularFile(file)) {
                missing.add(entry.getKey());
                continue;
            }
            ResultFiles.Rows rows = ResultFiles.read(file);
            List<ScoredSeries.Window> ws = entry.getValue().stream()
                    .map(w -> new ScoredSeries.Window(w.startMillis(), w.endMillis())).toList();
            corpus.add(new ScoredSeries(entry.getKey(), rows.times(), rows.scores(), ws));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(missing.size() + " labelled series have no result file under " + results
                    + ", e.g. " + missing.get(0));
        }
        return corpus;
    }

    /** Scores {@code corpus} on every NAB profile, in the order of {@link NabProfile#ALL}. */
    public static List<NabScorer.Result> score(List<ScoredSeries> corpus) {
        return NabProfile.ALL.stream().map(p -> NabScorer.score(corpus, p)).toList();
    }

    /** Writes each profile's chosen threshold and score as JSON. */
    public static void writeThresholds(Path file, List<NabScorer.Result> results) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        for (NabScorer.Result r : results) {
            ObjectNode profile = root.putObject(r.profile().name());
            profile.put("threshold", r.threshold());
            profile.put("score", r.normalized());
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /**
     * Fails unless {@code results} is a folder and {@code labels} a file.
     *
     * @throws IllegalArgumentException naming the one missing
     */
    static void checkPaths(Path results, Path labels) {
        if (!Files.isDirectory(results)) {
            throw new IllegalArgumentException("the results folder " + results + " is not a folder");
        }
        if (!Files.isRegularFile(labels)) {
            throw new IllegalArgumentException("the labels file " + labels + " is not a file");
        }
    }
}
