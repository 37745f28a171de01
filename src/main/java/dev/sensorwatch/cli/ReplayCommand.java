package dev.sensorwatch.cli;

import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.kafka.Topics;
import dev.sensorwatch.stream.Replayer;
import dev.sensorwatch.stream.TopologySettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch replay}: publishes files to the readings topic. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Publishes CSV files (or the NAB corpus) to a topic as Avro SensorReadings, keyed by sensor."
            + " The sensor id is the file's path below --input (or the --sensor-column value)."
            + " Readings of all files are merged in event-time order."})
final class ReplayCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Mixin
    KafkaClientOptions kafka;

    @Mixin
    SeriesOptions series;

    @Option(names = "--input", paramLabel = "PATH", required = true,
            description = "A CSV file, or a folder whose *.csv files, in it and below, are read.")
    Path input;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_INPUT_TOPIC,
            description = "Topic to publish to. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of the topic if it has to be created. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--speed", paramLabel = "FACTOR|max", defaultValue = "max",
            description = "Recorded pace times FACTOR (e.g. 3600: an hour a second), or max. Default: ${DEFAULT-VALUE}.")
    String speed;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requiredBootstrap(main.settings);
        double factor = Converters.speed(speed);
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        List<SeriesFile> all = series.read(input);
        Properties client = kafka.connect(main.settings, bootstrap);
        Topics.ensure(client, Map.of(topic, partitions), (short) -1);
        long total = Replayer.count(all);
        ProgressBar bar = new ProgressBar(main.spec.commandLine().getErr(), "replay", total);
        long started = System.nanoTime();
        long sent = new Replayer(client, topic, factor).publish(all, bar::update);
        double seconds = (System.nanoTime() - started) / 1e9;
        main.spec.commandLine().getOut().printf("Published %,d readings of %d sensors to %s in %.1f s (%,.0f/s)%n",
                sent, all.size(), topic, seconds, sent / seconds);
        return 0;
    }
}
