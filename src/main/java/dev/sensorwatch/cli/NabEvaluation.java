package dev.sensorwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.ResultFiles;
import dev.sensorwatch.nab.NabProfile;
import dev.sensorwatch.nab.NabScorer;
import dev.sensorwatch.nab.ScoredSeries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a results folder against NAB labels, scores it on every profile and prints the tables. */
final class NabEvaluation {

    private NabEvaluation() {
    }

    /**
     * The labelled series with their scores: one result file per key of the labels.
     *
     * @throws IllegalArgumentException if a labelled file has no result file
     */
    static List<ScoredSeries> read(Path results, Path labels) throws IOException {
        if (!Files.isDirectory(results)) {
            throw new IllegalArgumentException("--results " + results + " is not a folder");
        }
        if (!Files.isRegularFile(labels)) {
            throw new IllegalArgumentException("--labels " + labels + " is not a file");
        }
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

    /** Scores {@code corpus} on every NAB profile. */
    static List<NabScorer.Result> score(List<ScoredSeries> corpus) {
        return NabProfile.ALL.stream().map(p -> NabScorer.score(corpus, p)).toList();
    }

    /** Prints the profile table, the per-category table and, if asked, each series' outcome. */
    static void print(PrintWriter out, List<NabScorer.Result> results, boolean perSeries) {
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

    /** Writes each profile's chosen threshold as JSON. */
    static void writeThresholds(Path file, List<NabScorer.Result> results) throws IOException {
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

    private static String format(double score) {
        return Double.isNaN(score) ? "-" : String.format("%.2f", score);
    }
}
