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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

        @Mixin
        UpdateEveryOption updateEvery;

        @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
                description = "Score the corpus with N seeds of the LSTMs' initial weights (the shipped one and the next N-1) and print"
                        + " each seed's scores and their median and range; with --contributions, each score is a median over"
                        + " the seeds. Default: ${DEFAULT-VALUE}.")
        int seeds;

        @Override
        public Integer call() throws Exception {
            Path data = corpusData(nab, "--nab");
            Path labels = corpusLabels(nab);
            List<Long> seedList = seeds(seeds);
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
                List<List<NabScorer.Result>> whole = new ArrayList<>(List.of(scored));
                if (seedList.size() > 1) {
                    out.printf("%n%-28s %12s %12s %12s %9s %6s%n", "seed of the initial weights", "standard", "low FP",
                            "low FN", "windows", "FPs");
                    printSeedLine(out, String.valueOf(seedList.get(0)), scored);
                    for (long seed : seedList.subList(1, seedList.size())) {
                        List<NabScorer.Result> r = scoreSilently(data, labels, config(DetectorOptions.ALL_MEMBERS,
                                DetectorOptions.ALL_SIGNALS).withSeed(seed));
                        printSeedLine(out, String.valueOf(seed), r);
                        whole.add(r);
                    }
                    out.printf("%-28s %12.2f %12.2f %12.2f%n", "median", median(whole, 0), median(whole, 1),
                            median(whole, 2));
                    out.printf("%-28s %12s %12s %12s%n", "range", range(whole, 0), range(whole, 1), range(whole, 2));
                }
                if (contributions) {
                    printContributions(out, data, labels, seedList, whole);
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
            return updateEvery.applyTo(DetectorOptions.config(threshold, members, signals));
        }

        /** Scores the corpus with {@code config} into a temporary folder and evaluates it. */
        private static List<NabScorer.Result> scoreSilently(Path data, Path labels, DetectorConfig config) throws Exception {
            Path results = Files.createTempDirectory("sensorwatch-nab-run");
            try {
                ScoreFiles.run(new PrintWriter(Writer.nullWriter()), scoreNab(data, results, config, null, null));
                return NabEvaluation.score(NabEvaluation.read(results, labels));
            } finally {
                LocalFiles.deleteQuietly(results);
            }
        }

        private static void printSeedLine(PrintWriter out, String what, List<NabScorer.Result> r) {
            out.printf("%-28s %12.2f %12.2f %12.2f %4d/%-4d %6d%n", what, r.get(0).normalized(), r.get(1).normalized(),
                    r.get(2).normalized(), r.get(0).detectedWindows(), r.get(0).windows(), r.get(0).falsePositives());
        }

        /**
         * Scores the corpus once per lesion of {@link #NAB_LESIONS} and seed and prints each
         * profile's score (the median over the seeds) and its change from the whole detector's.
         */
        private void printContributions(PrintWriter out, Path data, Path labels, List<Long> seedList,
                                        List<List<NabScorer.Result>> whole) throws Exception {
            if (seedList.size() > 1) {
                out.printf("%nwhat each contributes: medians over the seeds %s%n", seedList);
            }
            out.printf("%n%-28s %16s %16s %16s %9s %6s%n", "what each contributes (NAB)", "standard", "low FP",
                    "low FN", "windows", "FPs");
            out.printf("%-28s %16.2f %16.2f %16.2f %9s %6s%n", "the whole detector", median(whole, 0), median(whole, 1),
                    median(whole, 2), medianWindows(whole), medianFalsePositives(whole));
            for (Lesion lesion : NAB_LESIONS) {
                List<List<NabScorer.Result>> lesioned = new ArrayList<>();
                for (long seed : seedList) {
                    lesioned.add(scoreSilently(data, labels, config(lesion.members(), lesion.signals()).withSeed(seed)));
                }
                out.printf("%-28s %16s %16s %16s %9s %6s%n", lesion.what(), delta(lesioned, whole, 0),
                        delta(lesioned, whole, 1), delta(lesioned, whole, 2), medianWindows(lesioned),
                        medianFalsePositives(lesioned));
            }
        }

        private static String delta(List<List<NabScorer.Result>> r, List<List<NabScorer.Result>> whole, int profile) {
            return String.format("%.2f (%+.2f)", median(r, profile), median(r, profile) - median(whole, profile));
        }

        /** The median over the runs of a profile's normalised score. */
        static double median(List<List<NabScorer.Result>> runs, int profile) {
            return Medians.of(runs.stream().mapToDouble(r -> r.get(profile).normalized()).toArray());
        }

        private static String range(List<List<NabScorer.Result>> runs, int profile) {
            double[] values = runs.stream().mapToDouble(r -> r.get(profile).normalized()).toArray();
            return String.format("%.2f–%.2f", Arrays.stream(values).min().orElseThrow(),
                    Arrays.stream(values).max().orElseThrow());
        }

        private static String medianWindows(List<List<NabScorer.Result>> runs) {
            return String.format("%.0f/%d", Medians.of(runs.stream().mapToDouble(r -> r.get(0).detectedWindows())
                    .toArray()), runs.get(0).get(0).windows());
        }

        private static String medianFalsePositives(List<List<NabScorer.Result>> runs) {
            return String.format("%.0f", Medians.of(runs.stream().mapToDouble(r -> r.get(0).falsePositives()).toArray()));
        }
    }

    /** A count, or a median of counts, as a whole number or with its half. */
    private static String format(double count) {
        return count == Math.rint(count) ? String.format("%.0f", count) : String.format("%.1f", count);
    }

    /**
     * The shipped seed of the LSTMs' initial weights followed by the next {@code count - 1}.
     *
     * @throws IllegalArgumentException naming {@code --seeds} if {@code count} is not positive
     */
    static List<Long> seeds(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1, got " + count);
        }
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add(DetectorConfig.DEFAULTS.seed() + i);
        }
        return seeds;
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

        @Mixin
        UpdateEveryOption updateEvery;

        @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
                description = "Score each run with N seeds of the LSTMs' initial weights (the shipped one and the next N-1);"
                        + " the table gives medians over the seeds and the range of F1. Default: ${DEFAULT-VALUE}.")
        int seeds;

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
            List<Long> seedList = seeds(seeds);
            List<String> lines = new ArrayList<>();
            for (String[] run : runs) {
                DetectorConfig config = updateEvery.applyTo(DetectorOptions.config(threshold, run[0],
                        run[2] != null ? run[2] : DetectorOptions.ALL_SIGNALS));
                if (run[1] != null) {
                    config = config.withTraining(TrainingPeriod.until(from));
                }
                String what = (run[1] != null ? "--learn-until" : "online") + ", --members " + run[0]
                        + (run[2] != null ? ", --signals " + run[2] : "");
                out.println(what);
                Map<String, List<EventEvaluation.Counts>> totals = new LinkedHashMap<>();
                for (long seed : seedList) {
                    Path results = Files.createTempDirectory("sensorwatch-smap");
                    try {
                        boolean first = seed == seedList.get(0);
                        ScoreFiles.run(first ? out : new PrintWriter(Writer.nullWriter()),
                                scoreNab(data, results, config.withSeed(seed), null, null));
                        for (String column : List.of("in_event", "is_anomaly")) {
                            Map<String, EventEvaluation.Counts> counts = FlagEvaluation.evaluate(results, labels, column, from, 0);
                            if (first) {
                                EvaluationTables.printFlags(out, column, counts,
                                        perSeries && column.equals("in_event") && run == runs[0]);
                            }
                            totals.computeIfAbsent(column, c -> new ArrayList<>()).add(FlagEvaluation.total(counts));
                        }
                    } finally {
                        LocalFiles.deleteQuietly(results);
                    }
                }
                totals.forEach((column, each) -> lines.add(String.format("%-75s %-10s %6s/%-3d %12s %8.3f %8.3f%s", what,
                        column, format(Medians.of(each.stream().mapToDouble(EventEvaluation.Counts::found).toArray())),
                        each.get(0).windows(),
                        format(Medians.of(each.stream().mapToDouble(EventEvaluation.Counts::falseAlarms).toArray())),
                        Medians.of(each.stream().mapToDouble(EventEvaluation.Counts::f1).toArray()),
                        Medians.of(each.stream().mapToDouble(EventEvaluation.Counts::rowF1).toArray()),
                        each.size() == 1 ? "" : String.format("  %.3f–%.3f",
                                each.stream().mapToDouble(EventEvaluation.Counts::f1).min().orElseThrow(),
                                each.stream().mapToDouble(EventEvaluation.Counts::f1).max().orElseThrow()))));
                out.println();
            }
            if (seedList.size() > 1) {
                out.printf("medians over the seeds %s of the initial weights; last column: the range of F1%n", seedList);
            }
            out.printf("%-75s %-10s %10s %12s %8s %8s%s%n", "SMAP, test parts", "flags", "found", "false alarms", "F1",
                    "row F1", seedList.size() > 1 ? "  F1 range" : "");
            lines.forEach(out::println);
            return 0;
        }
    }
}
