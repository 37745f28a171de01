package dev.sensorwatch.cli;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.TrainingPeriod;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.io.Timestamps;
import dev.sensorwatch.nab.EventEvaluation;
import dev.sensorwatch.nab.FlagEvaluation;
import dev.sensorwatch.nab.NabEvaluation;
import dev.sensorwatch.nab.NabScorer;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sensorwatch bench}: measurements of the detector. Each subcommand calls the services the
 * other commands call ({@link ScoreFiles} and {@link dev.sensorwatch.batch.BatchScorer}, the
 * evaluations of {@code dev.sensorwatch.nab}), in this process; {@code bench stream} is
 * {@link BenchStream}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the detector.", subcommands = {BenchCommand.Nab.class, BenchCommand.Smap.class, BenchStream.class,
                BenchLatency.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The data folder of a labelled corpus laid out as NAB's: {@code data/} and
     * {@code labels/combined_windows.json}.
     *
     * @throws IllegalArgumentException naming {@code option} if either is missing
     */
    static Path corpusData(Path corpus, String option) {
        Path data = corpus.resolve("data");
        if (!Files.isDirectory(data) || !Files.isRegularFile(corpusLabels(corpus))) {
            throw new IllegalArgumentException(option + " " + corpus + " does not hold data/ and labels/combined_windows.json");
        }
        return data;
    }

    /** The labelled windows of a corpus laid out as NAB's. */
    static Path corpusLabels(Path corpus) {
        return corpus.resolve("labels").resolve("combined_windows.json");
    }

    /** {@code sensorwatch bench nab}: score the NAB corpus, evaluate it, print one table. */
    @Command(name = "nab", mixinStandardHelpOptions = true,
            description = {"Runs score over the NAB corpus, then evaluate, and prints the scores and the time taken."})
    static final class Nab implements Callable<Integer> {

        @ParentCommand
        BenchCommand bench;

        @Option(names = "--nab", paramLabel = "DIR", required = true,
                description = "The NAB corpus (a copy of github.com/numenta/NAB), holding DIR/data/<category>/<file>.csv"
                        + " and DIR/labels/combined_windows.json.")
        Path nab;

        @Option(names = "--output", paramLabel = "DIR",
                description = "Folder for the result files (default: a temporary folder, deleted afterwards).")
        Path output;

        @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = DetectorConfig.DEFAULT_THRESHOLD_TEXT,
                description = "Flag threshold written into the result files (evaluate picks its own). Default: ${DEFAULT-VALUE}.")
        double threshold;

        @Option(names = "--report", paramLabel = "FILE",
                description = "Also write a self-contained HTML report with the labelled windows.")
        Path report;

        @Option(names = "--per-series", description = "Also list detected windows and false positives of each series.")
        boolean perSeries;

        @Option(names = "--contributions",
                description = "Also score the corpus once with each predictor and each signal switched off, and print what each contributes.")
        boolean contributions;

        @Override
        public Integer call() throws Exception {
            Path data = corpusData(nab, "--nab");
            Path labels = corpusLabels(nab);
            Path results = output != null ? output : Files.createTempDirectory("sensorwatch-nab");
            PrintWriter out = bench.spec.commandLine().getOut();
            try {
                long started = System.nanoTime();
                ScoreFiles.run(out, scoreNab(data, results, config(DetectorOptions.ALL_MEMBERS,
                        DetectorOptions.ALL_SIGNALS), report, report == null ? null : labels));
                double scoring = (System.nanoTime() - started) / 1e9;
                long evaluating = System.nanoTime();
                List<NabScorer.Result> scored = NabEvaluation.score(NabEvaluation.read(results, labels));
                double evaluation = (System.nanoTime() - evaluating) / 1e9;
                out.println();
                EvaluationTables.printNab(out, scored, perSeries);
                out.printf("%nscore took %.1f s, evaluate %.1f s, on %d cores%n", scoring, evaluation,
                        Runtime.getRuntime().availableProcessors());
                if (contributions) {
                    printContributions(out, data, labels, scored);
                }
                return 0;
            } finally {
                if (output == null) {
                    LocalFiles.deleteQuietly(results);
                }
            }
        }

        /** The detector of {@code --threshold} with these predictors and signals. */
        private DetectorConfig config(String members, String signals) {
            return DetectorOptions.config(threshold, members, signals);
        }

        /** Scores the corpus once per lesion of {@link #NAB_LESIONS} and prints each profile's score and its change. */
        private void printContributions(PrintWriter out, Path data, Path labels, List<NabScorer.Result> whole)
                throws Exception {
            out.printf("%n%-28s %10s %10s %10s %9s %6s%n", "what each contributes (NAB)", "standard", "low FP", "low FN",
                    "windows", "FPs");
            out.printf("%-28s %10.2f %10.2f %10.2f %4d/%-4d %6d%n", "the whole detector", whole.get(0).normalized(),
                    whole.get(1).normalized(), whole.get(2).normalized(), whole.get(0).detectedWindows(),
                    whole.get(0).windows(), whole.get(0).falsePositives());
            PrintWriter silent = new PrintWriter(Writer.nullWriter());
            for (Lesion lesion : NAB_LESIONS) {
                Path results = Files.createTempDirectory("sensorwatch-nab-lesion");
                try {
                    ScoreFiles.run(silent, scoreNab(data, results, config(lesion.members(), lesion.signals()), null, null));
                    List<NabScorer.Result> r = NabEvaluation.score(NabEvaluation.read(results, labels));
                    out.printf("%-28s %10s %10s %10s %4d/%-4d %6d%n", lesion.what(), delta(r, whole, 0), delta(r, whole, 1),
                            delta(r, whole, 2), r.get(0).detectedWindows(), r.get(0).windows(), r.get(0).falsePositives());
                } finally {
                    LocalFiles.deleteQuietly(results);
                }
            }
        }

        private static String delta(List<NabScorer.Result> r, List<NabScorer.Result> whole, int profile) {
            return String.format("%.2f (%+.2f)", r.get(profile).normalized(),
                    r.get(profile).normalized() - whole.get(profile).normalized());
        }
    }

    /** The detector with some predictors or signals switched off: what {@code --members}, {@code --signals} say. */
    private record Lesion(String what, String members, String signals) {
    }

    /** NAB with each online predictor and signal switched off in turn, beside the whole detector. */
    private static final List<Lesion> NAB_LESIONS = List.of(
        new Lesion("without the LSTM", "last,daily", DetectorOptions.ALL_SIGNALS),
        new Lesion("without the last value", "lstm,daily", DetectorOptions.ALL_SIGNALS),
        new Lesion("without the daily profile", "lstm,last", DetectorOptions.ALL_SIGNALS),
        new Lesion("without prediction_error", DetectorOptions.ALL_MEMBERS,
                "sustained_error,level_shift,weekly_shift,new_territory,flat_line"),
        new Lesion("without sustained_error", DetectorOptions.ALL_MEMBERS,
                "prediction_error,level_shift,weekly_shift,new_territory,flat_line"),
        new Lesion("without level_shift", DetectorOptions.ALL_MEMBERS,
                "prediction_error,sustained_error,weekly_shift,new_territory,flat_line"),
        new Lesion("without weekly_shift", DetectorOptions.ALL_MEMBERS,
                "prediction_error,sustained_error,level_shift,new_territory,flat_line"),
        new Lesion("without new_territory", DetectorOptions.ALL_MEMBERS,
                "prediction_error,sustained_error,level_shift,weekly_shift,flat_line"),
        new Lesion("without flat_line", DetectorOptions.ALL_MEMBERS,
                "prediction_error,sustained_error,level_shift,weekly_shift,new_territory"));

    /**
     * What {@code score --format nab --input data --output results} does with {@code config}, and
     * with {@code --report report --labels labels} where those are not null.
     */
    static ScoreFiles.Request scoreNab(Path data, Path results, DetectorConfig config, Path report, Path labels) {
        return new ScoreFiles.Request(data, results, SeriesFormat.NAB, SeriesOptions.defaultCsvOptions(), config, 0,
                report, labels);
    }

    /**
     * {@code sensorwatch bench smap}: scores the SMAP telemetry twice, learning from each
     * channel's training part ({@code --learn-until}) and online from nothing, and prints the
     * event-wise and row-wise table of both, test parts only.
     */
    @Command(name = "smap", mixinStandardHelpOptions = true,
            description = {"Scores the SMAP telemetry (see its README) with --learn-until at the start of the test parts, and"
                + " online without it, and prints event-wise and row-wise precision, recall and F1 of in_event and"
                + " is_anomaly over the test parts."})
    static final class Smap implements Callable<Integer> {

        /** Where every SMAP test part starts. */
        static final String TEST_START = "2020-06-01T00:00:00";

        @ParentCommand
        BenchCommand bench;

        @Option(names = "--smap", paramLabel = "DIR", required = true,
                description = "The SMAP folder, holding data/ and labels/combined_windows.json.")
        Path smap;

        @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = DetectorConfig.DEFAULT_THRESHOLD_TEXT,
                description = "Flag threshold. Default: ${DEFAULT-VALUE}.")
        double threshold;

        @Option(names = "--per-series", description = "Also list each channel's windows, found windows and false alarms.")
        boolean perSeries;

        @Override
        public Integer call() throws Exception {
            Path data = corpusData(smap, "--smap");
            Path labels = corpusLabels(smap);
            PrintWriter out = bench.spec.commandLine().getOut();
            long from = Timestamps.parseMillis(TEST_START, ZoneOffset.UTC);
            // what each predictor contributes: learning from history with both, with one of them, and online
            String[][] runs = {{"lstm,last", TEST_START, null}, {"lstm", TEST_START, null}, {"last", TEST_START, null},
                {"lstm,last", TEST_START, "state_distance"},
                {"lstm,last", TEST_START, "sustained_error"},
                {"lstm,last,daily", null, null}};
            List<String> lines = new ArrayList<>();
            for (String[] run : runs) {
                Path results = Files.createTempDirectory("sensorwatch-smap");
                try {
                    DetectorConfig config = DetectorOptions.config(threshold, run[0],
                            run[2] != null ? run[2] : DetectorOptions.ALL_SIGNALS);
                    if (run[1] != null) {
                        config = config.withTraining(TrainingPeriod.until(from));
                    }
                    String what = (run[1] != null ? "--learn-until" : "online") + ", --members " + run[0]
                            + (run[2] != null ? ", --signals " + run[2] : "");
                    out.println(what);
                    ScoreFiles.run(out, scoreNab(data, results, config, null, null));
                    for (String column : List.of("in_event", "is_anomaly")) {
                        Map<String, EventEvaluation.Counts> counts = FlagEvaluation.evaluate(results, labels, column, from, 0);
                        EvaluationTables.printFlags(out, column, counts, perSeries && column.equals("in_event") && run == runs[0]);
                        EventEvaluation.Counts t = FlagEvaluation.total(counts);
                        lines.add(String.format("%-75s %-10s %6d/%-3d %12d %8.3f %8.3f", what, column, t.found(),
                                t.windows(), t.falseAlarms(), t.f1(), t.rowF1()));
                    }
                    out.println();
                } finally {
                    LocalFiles.deleteQuietly(results);
                }
            }
            out.printf("%-75s %-10s %10s %12s %8s %8s%n", "SMAP, test parts", "flags", "found", "false alarms", "F1", "row F1");
            lines.forEach(out::println);
            return 0;
        }
    }
}
