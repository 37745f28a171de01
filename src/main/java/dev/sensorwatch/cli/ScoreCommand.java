package dev.sensorwatch.cli;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Events;
import dev.sensorwatch.detect.Score;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.Signal;
import dev.sensorwatch.detect.TrainedModel;
import dev.sensorwatch.io.HtmlReport;
import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.ScoreCsvWriter;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch score}: the detector on files, without Kafka. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Scores CSV files with the same detector code the stream processor runs, without Kafka."
            + " Writes one CSV per input file under --output, mirroring the input layout: the input's columns,"
            + " then anomaly_score and is_anomaly, then prediction columns, and prints each file's events."
            + " Same readings, same scores, bit for bit."})
final class ScoreCommand implements Callable<Integer> {

    /** How many events of each series {@code score} prints. */
    static final int EVENTS_SHOWN = 3;

    @ParentCommand
    Main main;

    @Mixin
    SeriesOptions series;

    @Option(names = "--input", paramLabel = "PATH", required = true,
            description = "A CSV file, or a folder whose *.csv files, in it and below, are read.")
    Path input;

    @Option(names = "--output", paramLabel = "DIR", required = true, description = "Folder for the result files.")
    Path output;

    @Mixin
    DetectorOptions detector;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write a self-contained HTML report (works offline): per series every channel, its "
                    + "prediction, the score against the threshold, flags and events, zoomable; a table of events.")
    Path report;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "NAB-style windows JSON (series name to [start, end] pairs); the report shades the labelled "
                    + "windows and says which events overlap one. Needs --report; a key matching no series is an error.")
    Path labels;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Files scored in parallel; 0 means one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    /** The scores of one series, one entry per row; NaN where a row could not be scored. */
    record Result(SeriesFile file, double[] scores, boolean[] anomalies, double[][] predicted, double[] errors,
                  double[][] shares, Signal[] signals, boolean[] inEvent, int skipped, TrainedModel model,
                  long trainingNanos) {
    }

    @Override
    public Integer call() throws Exception {
        DetectorConfig config = detector.config(series.csvOptions().zone());
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be 0 or more, got " + threads);
        }
        Path root = SeriesOptions.root(input);
        if (output.toAbsolutePath().normalize().equals(root.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--output " + output + " is the input folder; the results would"
                    + " overwrite the input files. Choose another folder");
        }
        List<Path> files = SeriesOptions.files(input);
        if (labels != null && report == null) {
            throw new IllegalArgumentException("--labels " + labels + " only shades the report; give --report FILE too");
        }
        Map<String, List<NabLabels.Window>> windows = labels == null ? Map.of() : NabLabels.read(labels);
        long started = System.nanoTime();
        int workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        ThreadLocal<SensorDetector.Workspace> workspaces = ThreadLocal.withInitial(SensorDetector.Workspace::new);
        long rows = 0;
        int skipped = 0;
        int written = 0;
        List<Result> all = new ArrayList<>();
        try {
            // Every file is read before anything is written, so that a label matching no series stops the run first.
            List<Future<List<SeriesFile>>> reads = new ArrayList<>();
            for (Path file : files) {
                reads.add(pool.submit(() -> SeriesReader.readAll(root, file, series.format, series.csvOptions())));
            }
            List<SeriesFile> read = new ArrayList<>();
            for (Future<List<SeriesFile>> future : reads) {
                read.addAll(unwrap(future));
            }
            if (labels != null) {
                checkLabelKeys(windows.keySet(), read);
            }
            List<Future<Result>> futures = new ArrayList<>();
            for (SeriesFile s : read) {
                futures.add(pool.submit(() -> {
                    Result result = score(s, config, workspaces.get());
                    write(result);
                    return result;
                }));
            }
            for (Future<Result> future : futures) {
                Result result = unwrap(future);
                printEvents(main.spec.commandLine().getOut(), result, config.threshold());
                all.add(result);
                rows += result.file().rows();
                skipped += result.skipped();
                written++;
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (report != null) {
            writeReport(all, config.threshold(), windows);
        }
        main.spec.commandLine().getOut().printf("Scored %d series, %d readings in %.1f s (%.0f readings/s); results in %s%n",
                written, rows, seconds, rows / seconds, output);
        if (config.training().isSet()) {
            printTraining(all, config);
        }
        if (skipped > 0) {
            main.spec.commandLine().getOut().printf("%d readings were not scored (NaN values or timestamps not after "
                    + "the previous one); their score cells are empty%n", skipped);
        }
        return 0;
    }

    /** Runs one fresh detector over every row of {@code file}, in order. */
    static Result score(SeriesFile file, DetectorConfig config, SensorDetector.Workspace workspace) {
        int n = file.rows();
        int d = file.channels();
        double[] scores = new double[n];
        boolean[] anomalies = new boolean[n];
        double[][] predicted = new double[d][n];
        double[] errors = new double[n];
        double[][] shares = new double[d][n];
        Signal[] signals = new Signal[n];
        boolean[] inEvent = new boolean[n];
        SensorDetector detector = SensorDetector.fresh(config, d);
        double[] values = new double[d];
        int skipped = 0;
        long trainingNanos = 0;
        for (int row = 0; row < n; row++) {
            file.row(row, values);
            long time = file.eventTimeMillis(row);
            if (detector.check(time, values) != null) {
                scores[row] = Double.NaN;
                errors[row] = Double.NaN;
                for (int c = 0; c < d; c++) {
                    predicted[c][row] = Double.NaN;
                    shares[c][row] = Double.NaN;
                }
                skipped++;
                continue;
            }
            boolean untrained = detector.trainedModel() == null;
            long started = System.nanoTime();
            Score score = detector.process(time, values, workspace);
            if (untrained && detector.trainedModel() != null) {
                trainingNanos = System.nanoTime() - started;
            }
            scores[row] = score.score();
            anomalies[row] = score.anomaly();
            signals[row] = score.signal();
            inEvent[row] = score.inEvent();
            errors[row] = score.predictionError();
            for (int c = 0; c < d; c++) {
                predicted[c][row] = score.predicted()[c];
                shares[c][row] = score.channelShares()[c];
            }
        }
        return new Result(file, scores, anomalies, predicted, errors, shares, signals, inEvent, skipped,
                detector.trainedModel(), trainingNanos);
    }

    /**
     * The events of one series: how many, and for the first {@link #EVENTS_SHOWN} when each began,
     * its highest score, the signal that gave it and the channel with the largest share of it.
     */
    static void printEvents(PrintWriter out, Result result, double threshold) {
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
    private static String topChannel(Result result, int row) {
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
    private void printTraining(List<Result> results, DetectorConfig config) {
        Map<String, Integer> kept = new TreeMap<>();
        List<Long> millis = new ArrayList<>();
        int untrained = 0;
        for (Result r : results) {
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
        PrintWriter out = main.spec.commandLine().getOut();
        out.printf("Training period: %s. Trained %d series, predictor kept: %s", config.training().describe(),
                millis.size(), kept.isEmpty() ? "none" : kept.toString().replaceAll("[{}]", "").replace("=", " on "));
        if (!millis.isEmpty()) {
            out.printf("; training took %d ms at the median, %d ms at most", millis.get(millis.size() / 2),
                    millis.get(millis.size() - 1));
        }
        out.println(untrained == 0 ? "" : "; " + untrained + " series ended inside their training period");
    }

    /** The names a labels key may use for a series: its relative path, its name, its sensor id. */
    private static List<String> keys(SeriesFile f) {
        return List.of(f.relativePath(), f.name(), f.sensorId());
    }

    /** The labelled windows of {@code f}, by the first of its {@link #keys} the labels hold. */
    private static List<NabLabels.Window> windowsOf(SeriesFile f, Map<String, List<NabLabels.Window>> windows) {
        for (String key : keys(f)) {
            List<NabLabels.Window> ws = windows.get(key);
            if (ws != null) {
                return ws;
            }
        }
        return List.of();
    }

    /**
     * Fails if a key of the labels names no series read: its windows would silently be left out.
     *
     * @throws IllegalArgumentException naming the unknown keys and the nearest series names
     */
    static void checkLabelKeys(Set<String> labelKeys, List<SeriesFile> read) {
        Set<String> known = new HashSet<>();
        Set<String> names = new TreeSet<>();
        for (SeriesFile f : read) {
            known.addAll(keys(f));
            names.add(f.name());
        }
        List<String> unknown = labelKeys.stream().filter(k -> !known.contains(k)).toList();
        if (unknown.isEmpty()) {
            return;
        }
        String first = unknown.get(0);
        StringBuilder message = new StringBuilder("--labels: ");
        message.append(unknown.size() == 1 ? "the key '" + first + "' matches"
                : unknown.size() + " of its " + labelKeys.size() + " keys match").append(" no series scored");
        message.append(unknown.size() == 1 ? "" : ", such as '" + first + "'");
        message.append(" (nearest series: ").append(String.join(", ",
                Nearest.of(first, names, 3).stream().map(n -> "'" + n + "'").toList())).append(")");
        if (unknown.size() > 1) {
            message.append("; the others: ").append(String.join(", ", unknown.subList(1, Math.min(unknown.size(), 6))))
                    .append(unknown.size() > 6 ? ", ..." : "");
        }
        message.append(". Keys are series names: paths relative to the --input folder, as in the --output folder");
        throw new IllegalArgumentException(message.toString());
    }

    private void writeReport(List<Result> results, double threshold, Map<String, List<NabLabels.Window>> windows)
            throws IOException {
        List<HtmlReport.Series> series = new ArrayList<>();
        for (Result r : results) {
            SeriesFile f = r.file();
            double[][] values = new double[f.channels()][f.rows()];
            for (int row = 0; row < f.rows(); row++) {
                for (int c = 0; c < f.channels(); c++) {
                    values[c][row] = f.value(row, c);
                }
            }
            List<long[]> ws = windowsOf(f, windows).stream().map(w -> new long[] {w.startMillis(), w.endMillis()}).toList();
            series.add(new HtmlReport.Series(f.name(), f.channelNames(), f.eventTimesMillis(), values, r.predicted(),
                    r.scores(), r.anomalies(), codes(r.signals()), r.shares(), r.inEvent(), ws));
        }
        HtmlReport.write(report, "sensorwatch scores of " + input, threshold, labels != null, series);
        main.spec.commandLine().getOut().println("Report in " + report);
    }

    private void write(Result result) throws IOException {
        Map<String, double[]> extra = new LinkedHashMap<>();
        List<String> names = result.file().channelNames();
        for (int c = 0; c < names.size(); c++) {
            extra.put(names.size() == 1 ? "prediction" : "prediction_" + names.get(c), result.predicted()[c]);
        }
        extra.put("prediction_error", result.errors());
        if (names.size() > 1) {
            for (int c = 0; c < names.size(); c++) {
                extra.put("share_" + names.get(c), result.shares()[c]);
            }
        }
        int n = result.file().rows();
        String[] inEvent = new String[n];
        for (int row = 0; row < n; row++) {
            if (result.signals()[row] != null) { // null: the row was not scored
                inEvent[row] = result.inEvent()[row] ? "1" : "0";
            }
        }
        Map<String, String[]> text = new LinkedHashMap<>();
        text.put("signal", codes(result.signals()));
        text.put("in_event", inEvent);
        ScoreCsvWriter.write(ScoreCsvWriter.outputPathFor(output, result.file()), result.file(),
                result.scores(), result.anomalies(), extra, text);
    }

    /** Each signal's code, null where the row was not scored. */
    private static String[] codes(Signal[] signals) {
        String[] codes = new String[signals.length];
        for (int row = 0; row < signals.length; row++) {
            codes[row] = signals[row] == null ? null : signals[row].code();
        }
        return codes;
    }

    private static <T> T unwrap(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "score " + Arrays.asList(input, output);
    }
}
