package dev.sensorwatch.cli;

import dev.sensorwatch.io.Timestamps;
import dev.sensorwatch.nab.FlagEvaluation;
import dev.sensorwatch.nab.NabEvaluation;
import dev.sensorwatch.nab.NabScorer;
import dev.sensorwatch.nab.ScoredSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch evaluate}: NAB scores of a results folder ({@link NabEvaluation}, {@link FlagEvaluation}). */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Scores a results folder (the layout score writes) against NAB-style labelled windows by"
            + " NAB's rules: probationary period, early-detection reward, one threshold per profile for the"
            + " whole corpus. Prints the standard, reward-low-FP and reward-low-FN scores and a table per category."
            + " With --flag-column (in_event, is_anomaly): event-wise and row-wise precision, recall and F1 of that"
            + " column instead (a window overlapped by a flagged run is found; a run overlapping no window is a false alarm)."})
final class EvaluateCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--results", paramLabel = "DIR", required = true,
            description = "Folder of result files: <category>/<file>.csv with timestamp and anomaly_score columns.")
    Path results;

    @Option(names = "--labels", paramLabel = "FILE", required = true,
            description = "Windows JSON: {\"<category>/<file>.csv\": [[start, end], ...]} (NAB's combined_windows.json).")
    Path labels;

    @Option(names = "--thresholds-out", paramLabel = "FILE", description = "Write each profile's chosen threshold here (JSON).")
    Path thresholdsOut;

    @Option(names = "--per-series", description = "Also list detected windows and false positives of each series.")
    boolean perSeries;

    @Option(names = "--flag-column", paramLabel = "NAME",
            description = "Evaluate this 0/1 column (in_event or is_anomaly) event-wise and row-wise instead of NAB's score.")
    String flagColumn;

    @Option(names = "--from", paramLabel = "INSTANT",
            description = "With --flag-column: evaluate only rows at or after INSTANT (UTC unless it has an offset), such as the end of --learn-until.")
    String from;

    @Option(names = "--skip-first", paramLabel = "N", defaultValue = "0",
            description = "With --flag-column: leave each series' first N rows out, such as the readings of --learn-first N. Default: ${DEFAULT-VALUE}.")
    int skipFirst;

    @Override
    public Integer call() throws Exception {
        if (flagColumn == null && (from != null || skipFirst != 0)) {
            throw new IllegalArgumentException("--from and --skip-first go with --flag-column");
        }
        if (skipFirst < 0) {
            throw new IllegalArgumentException("--skip-first must be 0 or more, got " + skipFirst);
        }
        if (flagColumn != null) {
            long fromMillis = Long.MIN_VALUE;
            if (from != null) {
                try {
                    fromMillis = Timestamps.parseMillis(from, ZoneOffset.UTC);
                } catch (DateTimeException e) {
                    throw new IllegalArgumentException("--from: " + e.getMessage(), e);
                }
            }
            checkPaths();
            EvaluationTables.printFlags(main.spec.commandLine().getOut(), flagColumn,
                    FlagEvaluation.evaluate(results, labels, flagColumn, fromMillis, skipFirst), perSeries);
            return 0;
        }
        checkPaths();
        List<ScoredSeries> corpus = NabEvaluation.read(results, labels);
        List<NabScorer.Result> scored = NabEvaluation.score(corpus);
        EvaluationTables.printNab(main.spec.commandLine().getOut(), scored, perSeries);
        if (thresholdsOut != null) {
            NabEvaluation.writeThresholds(thresholdsOut, scored);
        }
        return 0;
    }

    /** {@code --results} must be a folder and {@code --labels} a file; the error names the option. */
    private void checkPaths() {
        if (!Files.isDirectory(results)) {
            throw new IllegalArgumentException("--results " + results + " is not a folder");
        }
        if (!Files.isRegularFile(labels)) {
            throw new IllegalArgumentException("--labels " + labels + " is not a file");
        }
    }
}
