package dev.sensorwatch.cli;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.nab.NabScorer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch bench}: measurements of the detector. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the detector.", subcommands = BenchCommand.Nab.class)
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code sensorwatch bench nab}: score the NAB corpus, evaluate it, print one table. */
    @Command(name = "nab", mixinStandardHelpOptions = true,
            description = {"Runs score over the NAB corpus, then evaluate, and prints the scores and the time taken."})
    static final class Nab implements Callable<Integer> {

        @ParentCommand
        BenchCommand bench;

        @Option(names = "--nab", paramLabel = "DIR", defaultValue = "../shared/data/nab",
                description = "The NAB corpus: DIR/data/<category>/<file>.csv and DIR/labels/combined_windows.json. Default: ${DEFAULT-VALUE}.")
        Path nab;

        @Option(names = "--output", paramLabel = "DIR",
                description = "Folder for the result files (default: a temporary folder, deleted afterwards).")
        Path output;

        @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = DetectorConfig.DEFAULT_THRESHOLD_TEXT,
                description = "Flag threshold written into the result files (evaluate picks its own). Default: ${DEFAULT-VALUE}.")
        String threshold;

        @Option(names = "--report", paramLabel = "FILE",
                description = "Also write a self-contained HTML report with the labelled windows.")
        Path report;

        @Option(names = "--per-series", description = "Also list detected windows and false positives of each series.")
        boolean perSeries;

        @Override
        public Integer call() throws Exception {
            Path data = nab.resolve("data");
            Path labels = nab.resolve("labels").resolve("combined_windows.json");
            if (!Files.isDirectory(data) || !Files.isRegularFile(labels)) {
                throw new IllegalArgumentException("--nab " + nab + " does not hold data/ and labels/combined_windows.json");
            }
            Path results = output != null ? output : Files.createTempDirectory("sensorwatch-nab");
            PrintWriter out = bench.spec.commandLine().getOut();
            try {
                long started = System.nanoTime();
                List<String> args = new java.util.ArrayList<>(List.of("score", "--format", "nab", "--input",
                        data.toString(), "--output", results.toString(), "--threshold", threshold));
                if (report != null) {
                    args.addAll(List.of("--report", report.toString(), "--labels", labels.toString()));
                }
                int code = bench.spec.commandLine().getParent().execute(args.toArray(String[]::new));
                if (code != 0) {
                    return code;
                }
                double scoring = (System.nanoTime() - started) / 1e9;
                long evaluating = System.nanoTime();
                List<NabScorer.Result> scored = NabEvaluation.score(NabEvaluation.read(results, labels));
                double evaluation = (System.nanoTime() - evaluating) / 1e9;
                out.println();
                NabEvaluation.print(out, scored, perSeries);
                out.printf("%nscore took %.1f s, evaluate %.1f s, on %d cores%n", scoring, evaluation,
                        Runtime.getRuntime().availableProcessors());
                return 0;
            } finally {
                if (output == null) {
                    try (var paths = Files.walk(results)) {
                        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
    }
}
