package dev.sensorwatch.cli;

import dev.sensorwatch.stream.TopologySettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The topic names, partitions and detector options of {@code run}. */
final class CommonOptions {

    @Option(names = "--input-topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_INPUT_TOPIC,
            description = "Readings topic (Avro SensorReading, keyed by sensor id). Default: ${DEFAULT-VALUE}.")
    String inputTopic;

    @Option(names = "--output-topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_SCORES_TOPIC,
            description = "Scores topic (Avro AnomalyScore, one per reading). Default: ${DEFAULT-VALUE}.")
    String scoresTopic;

    @Option(names = "--anomalies-topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_ANOMALIES_TOPIC,
            description = "Topic for flagged scores only. Default: ${DEFAULT-VALUE}.")
    String anomaliesTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_DEAD_LETTER_TOPIC,
            description = "Topic for records that cannot be scored (Avro DeadLetter). Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Mixin
    DetectorOptions detector;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of topics created because they were missing. Default: ${DEFAULT-VALUE}.")
    int partitions;

    /** The topology settings these options describe. */
    TopologySettings topology() {
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        return new TopologySettings(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector.config(),
                TopologySettings.DEFAULT_MAX_CHANNELS);
    }

    /** Every topic of {@code settings} with the partition count to create it with. */
    java.util.Map<String, Integer> topicPartitions(TopologySettings settings) {
        java.util.Map<String, Integer> topics = new java.util.LinkedHashMap<>();
        topics.put(settings.inputTopic(), partitions);
        topics.put(settings.scoresTopic(), partitions);
        topics.put(settings.anomaliesTopic(), partitions);
        topics.put(settings.deadLetterTopic(), 1);
        return topics;
    }
}
