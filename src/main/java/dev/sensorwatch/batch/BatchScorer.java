package dev.sensorwatch.batch;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Score;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.Signal;
import dev.sensorwatch.detect.TrainedModel;
import dev.sensorwatch.io.CsvOptions;
import dev.sensorwatch.io.HtmlReport;
import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.ScoreCsvWriter;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.io.SeriesReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Scores series files, each with one fresh detector over all its rows in order, on a pool of
 * threads, and writes one result file per series. A series' scores depend only on its rows and
 * the {@link DetectorConfig}: the threads share nothing but their own scratch workspaces, so the
 * result is the same, bit for bit, with one thread or many. Close the scorer to stop its threads.
 */
public final class BatchScorer implements AutoCloseable {

    /**
     * The scores of one series, one entry per row; NaN (and a null signal) where a row could not be
     * scored.
     *
     * @param predicted      per channel, the prediction made for each row
     * @param errors         the prediction error of each row
     * @param shares         per channel, its share of the prediction error at each row
     * @param skipped        the rows that could not be scored (NaN values, a timestamp not after the previous one)
     * @param model          the model trained at the end of the training period, or null (none, or not reached)
     * @param trainingNanos  how long training that model took
     */
    public record Result(SeriesFile file, double[] scores, boolean[] anomalies, double[][] predicted, double[] errors,
                         double[][] shares, Signal[] signals, boolean[] inEvent, int skipped, TrainedModel model,
                         long trainingNanos) {
    }

    private final ExecutorService pool;
    private final ThreadLocal<SensorDetector.Workspace> workspaces =
            ThreadLocal.withInitial(SensorDetector.Workspace::new);

    /**
     * Starts {@code threads} threads; 0 means one per core.
     *
     * @throws IllegalArgumentException if {@code threads} is negative
     */
    public BatchScorer(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 or more, got " + threads);
        }
        this.pool = Executors.newFixedThreadPool(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
    }

    /**
     * Reads {@code files} in parallel: every series they hold (one per file, or one per sensor of a
     * file with a sensor column), in the order of {@code files}.
     *
     * @param root the folder series names are relative to
     */
    public List<SeriesFile> read(Path root, List<Path> files, SeriesFormat format, CsvOptions options)
            throws Exception {
        List<Future<List<SeriesFile>>> reads = new ArrayList<>();
        for (Path file : files) {
            reads.add(pool.submit(() -> SeriesReader.readAll(root, file, format, options)));
        }
        List<SeriesFile> read = new ArrayList<>();
        for (Future<List<SeriesFile>> future : reads) {
            read.addAll(unwrap(future));
        }
        return read;
    }

    /**
     * Scores every series in parallel and writes each one's result file under {@code output}
     * ({@link ScoreCsvWriter#outputPathFor}) as soon as it is scored. {@code each} hears the results
     * in the order of {@code series}, on the calling thread, as they become available; the first
     * failure, in that order, is thrown after the results before it were heard.
     *
     * @return the results, in the order of {@code series}
     */
    public List<Result> scoreAll(List<SeriesFile> series, DetectorConfig config, Path output, Consumer<Result> each)
            throws Exception {
        List<Future<Result>> futures = new ArrayList<>();
        for (SeriesFile s : series) {
            futures.add(pool.submit(() -> {
                Result result = score(s, config, workspaces.get());
                write(output, result);
                return result;
            }));
        }
        List<Result> all = new ArrayList<>();
        for (Future<Result> future : futures) {
            Result result = unwrap(future);
            each.accept(result);
            all.add(result);
        }
        return all;
    }

    /** Runs one fresh detector over every row of {@code file}, in order, with {@code workspace} as its scratch space. */
    public static Result score(SeriesFile file, DetectorConfig config, SensorDetector.Workspace workspace) {
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
     * Writes the result file of {@code result} under {@code output}: the input's columns, the score
     * and flag, the prediction per channel and its error, each channel's share of it (with several
     * channels), the signal and {@code in_event}; empty score cells where a row was not scored.
     */
    public static void write(Path output, Result result) throws IOException {
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

    /** The keys of a labels file that name none of {@code series}, in the order of {@code labelKeys}. */
    public static List<String> unmatchedLabelKeys(Collection<String> labelKeys, List<SeriesFile> series) {
        Set<String> known = new HashSet<>();
        for (SeriesFile f : series) {
            known.addAll(labelKeys(f));
        }
        return labelKeys.stream().filter(k -> !known.contains(k)).toList();
    }

    /**
     * The results as series of the HTML report: values, predictions, scores, flags, signals,
     * shares and events, with each series' labelled windows from {@code windows} (a series is found
     * by its relative path, its name or its sensor id, the first the labels hold).
     */
    public static List<HtmlReport.Series> reportSeries(List<Result> results,
                                                       Map<String, List<NabLabels.Window>> windows) {
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
        return series;
    }

    /** The names a labels key may use for a series: its relative path, its name, its sensor id. */
    private static List<String> labelKeys(SeriesFile f) {
        return List.of(f.relativePath(), f.name(), f.sensorId());
    }

    /** The labelled windows of {@code f}, by the first of its {@link #labelKeys} the labels hold. */
    private static List<NabLabels.Window> windowsOf(SeriesFile f, Map<String, List<NabLabels.Window>> windows) {
        for (String key : labelKeys(f)) {
            List<NabLabels.Window> ws = windows.get(key);
            if (ws != null) {
                return ws;
            }
        }
        return List.of();
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

    /** Stops the threads, interrupting any scoring still running. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
