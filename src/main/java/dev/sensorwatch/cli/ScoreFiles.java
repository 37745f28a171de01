package dev.sensorwatch.cli;

import dev.sensorwatch.batch.BatchScorer;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Events;
import dev.sensorwatch.detect.TrainedModel;
import dev.sensorwatch.io.CsvOptions;
import dev.sensorwatch.io.HtmlReport;
import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code score} does once its options are parsed, and {@code bench nab} and {@code bench
 * smap} with theirs: checks the request, has {@link BatchScorer} read, score and write the files,
 * and prints each series' events, the report's file and a summary.
 */
final class ScoreFiles {

    /** How many events of each series are printed. */
    static final int EVENTS_SHOWN = 3;

    /**
     * One scoring of files, as {@code score}'s options describe it.
     *
     * @param threads files scored in parallel, 0 for one per core
     * @param report  the HTML report to write, or null
     * @param labels  the labelled windows to shade in the report, or null
     */
    record Request(Path input, Path output, SeriesFormat format, CsvOptions csv, DetectorConfig config, int threads,
                   Path report, Path labels) {
    }

    private ScoreFiles() {
    }

    /**
     * Scores the files of {@code request}, printing to {@code out}.
     *
     * @return the results, in input order
     * @throws IllegalArgumentException (naming the option) if the request cannot be carried out
     */
    static List<BatchScorer.Result> run(PrintWriter out, Request request) throws Exception {
        DetectorConfig config = request.config();
        if (request.threads() < 0) {
            throw new IllegalArgumentException("--threads must be 0 or more, got " + request.threads());
        }
        Path root = SeriesOptions.root(request.input());
        Path output = request.output();
        if (output.toAbsolutePath().normalize().equals(root.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--output " + output + " is the input folder; the results would"
                    + " overwrite the input files. Choose another folder");
        }
        List<Path> files = SeriesOptions.files(request.input());
        Path labels = request.labels();
        if (labels != null && request.report() == null) {
            throw new IllegalArgumentException("--labels " + labels + " only shades the report; give --report FILE too");
        }
        Map<String, List<NabLabels.Window>> windows = labels == null ? Map.of() : NabLabels.read(labels);
        long started = System.nanoTime();
        List<BatchScorer.Result> all;
        try (BatchScorer scorer = new BatchScorer(request.threads())) {
            // Every file is read before anything is written, so that a label matching no series stops the run first.
            List<SeriesFile> read = scorer.read(root, files, request.format(), request.csv());
            if (labels != null) {
                checkLabelKeys(windows.keySet(), read);
            }
            all = scorer.scoreAll(read, config, output, result -> printEvents(out, result, config.threshold()));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (request.report() != null) {
            HtmlReport.write(request.report(), "sensorwatch scores of " + request.input(), config.threshold(),
                    labels != null, BatchScorer.reportSeries(all, windows));
            out.println("Report in " + request.report());
        }
        long rows = all.stream().mapToLong(r -> r.file().rows()).sum();
        int skipped = all.stream().mapToInt(BatchScorer.Result::skipped).sum();
        out.printf("Scored %d series, %d readings in %.1f s (%.0f readings/s); results in %s%n",
                all.size(), rows, seconds, rows / seconds, output);
        if (config.training().isSet()) {
            printTraining(out, all, config);
        }
        if (skipped > 0) {
            out.printf("%d readings were not scored (NaN values or timestamps not after "
                    + "the previous one); their score cells are empty%n", skipped);
        }
        return all;
    }

    /**
     * The events of one series: how many, and for the first {@link #EVENTS_SHOWN} when each began,
     * its highest score, the signal that gave it and the channel with the largest share of it.
     */
    static void printEvents(PrintWriter out, BatchScorer.Result result, double threshold) {
        List<Events.Event> events = Events.find(result.inEvent(), result.scores(), result.signals());
        SeriesFile file = result.file();
        if (events.isEmpty()) {
            out.printf("%s: no events (no reading flagged at --threshold %s)%n", file.name(), threshold);
            return;
        }
        out.printf("%s: %d event%s%n", file.name(), events.size(), events.size() == 1 ? "" : "s");
        for (Events.Event event : events.subList(0, Math.min(EVENTS_SHOWN, events.size()))) {
            out.printf("  %-21s %-16s peak %.3f  channel %s  (%d readings)%n",
                    Instant.ofEpochMilli(file.eventTimeMillis(event.firstRow())), event.signal().code(),
                    event.peakScore(), topChannel(result, event.peakRow()), event.lastRow() - event.firstRow() + 1);
        }
        if (events.size() > EVENTS_SHOWN) {
            out.printf("  ... and %d more; every row is in the result file (in_event)%n", events.size() - EVENTS_SHOWN);
        }
    }

    /** The channel with the largest share of the prediction error at {@code row}, or the only one. */
    private static String topChannel(BatchScorer.Result result, int row) {
        List<String> names = result.file().channelNames();
        int top = 0;
        for (int c = 1; c < names.size(); c++) {
            if (result.shares()[c][row] > result.shares()[top][row] || Double.isNaN(result.shares()[top][row])) {
                top = c;
            }
        }
        return names.get(top);
    }

    /** One line on what the series learned from their training periods: the predictors kept, the training time. */
    private static void printTraining(PrintWriter out, List<BatchScorer.Result> results, DetectorConfig config) {
        Map<String, Integer> kept = new TreeMap<>();
        List<Long> millis = new ArrayList<>();
        int untrained = 0;
        for (BatchScorer.Result r : results) {
            if (r.model() == null) {
                untrained++;
                continue;
            }
            String what = r.model().predictor() == TrainedModel.Predictor.LSTM
                    ? "LSTM (hidden " + r.model().hiddenSize() + ")" : "last value";
            kept.merge(what, 1, Integer::sum);
            millis.add(r.trainingNanos() / 1_000_000);
        }
        Collections.sort(millis);
        out.printf("Training period: %s. Trained %d series, predictor kept: %s", config.training().describe(),
                millis.size(), kept.isEmpty() ? "none" : kept.toString().replaceAll("[{}]", "").replace("=", " on "));
        if (!millis.isEmpty()) {
            out.printf("; training took %d ms at the median, %d ms at most", millis.get(millis.size() / 2),
                    millis.get(millis.size() - 1));
        }
        out.println(untrained == 0 ? "" : "; " + untrained + " series ended inside their training period");
    }

    /**
     * Fails if a key of the labels names no series read: its windows would silently be left out.
     *
     * @throws IllegalArgumentException naming the unknown keys and the nearest series names
     */
    static void checkLabelKeys(Set<String> labelKeys, List<SeriesFile> read) {
        List<String> unknown = BatchScorer.unmatchedLabelKeys(labelKeys, read);
        if (unknown.isEmpty()) {
            return;
        }
        Set<String> names = new TreeSet<>();
        read.forEach(f -> names.add(f.name()));
        String first = unknown.get(0);
        StringBuilder message = new StringBuilder("--labels: ");
        message.append(unknown.size() == 1 ? "the key '" + first + "' matches"
                : unknown.size() + " of its " + labelKeys.size() + " keys match").append(" no series scored");
        message.append(unknown.size() == 1 ? "" : ", such as '" + first + "'");
        message.append(" (nearest series: ").append(String.join(", ",
                Names.nearest(first, names, 3).stream().map(n -> "'" + n + "'").toList())).append(")");
        if (unknown.size() > 1) {
            message.append("; the others: ").append(String.join(", ", unknown.subList(1, Math.min(unknown.size(), 6))))
                    .append(unknown.size() > 6 ? ", ..." : "");
        }
        message.append(". Keys are series names: paths relative to the --input folder, as in the --output folder");
        throw new IllegalArgumentException(message.toString());
    }
}
