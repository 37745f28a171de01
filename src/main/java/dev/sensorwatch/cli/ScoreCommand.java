package dev.sensorwatch.cli;

import dev.sensorwatch.detect.DetectorConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch score}: the detector on files, without Kafka; {@link ScoreFiles} does the work. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Scores CSV files with the same detector code the stream processor runs, without Kafka."
            + " Writes one CSV per input file under --output, mirroring the input layout: the input's columns,"
            + " then anomaly_score and is_anomaly, then prediction columns, and prints each file's events."
            + " Same readings, same scores, bit for bit."})
final class ScoreCommand implements Callable<Integer> {

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

    @Override
    public Integer call() throws Exception {
        DetectorConfig config = detector.config(series.csvOptions().zone());
        ScoreFiles.run(main.spec.commandLine().getOut(), new ScoreFiles.Request(input, output, series.format,
                series.csvOptions(), config, threads, report, labels));
        return 0;
    }

    @Override
    public String toString() {
        return "score " + Arrays.asList(input, output);
    }
}
