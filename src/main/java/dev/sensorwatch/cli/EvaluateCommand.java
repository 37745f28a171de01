package dev.sensorwatch.cli;

import dev.sensorwatch.nab.NabScorer;
import dev.sensorwatch.nab.ScoredSeries;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch evaluate}: NAB scores of a results folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Scores a results folder (the layout score writes) against NAB-style labelled windows by",
            "NAB's rules: probationary period, early-detection reward, one threshold per profile for the",
            "whole corpus. Prints the standard, reward-low-FP and reward-low-FN scores and a table per category."})
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

    @Override
    public Integer call() throws Exception {
        List<ScoredSeries> corpus = NabEvaluation.read(results, labels);
        List<NabScorer.Result> scored = NabEvaluation.score(corpus);
        NabEvaluation.print(main.spec.commandLine().getOut(), scored, perSeries);
        if (thresholdsOut != null) {
            NabEvaluation.writeThresholds(thresholdsOut, scored);
        }
        return 0;
    }
}
