package dev.sensorwatch.cli;

import dev.sensorwatch.stream.TopologySettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The topic names, partitions, detector options and output format of {@code run}. */
final class CommonOptions {

    @Option(names = "--input-topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_INPUT_TOPIC,
            description = "Readings topic (Avro SensorReading, keyed by sensor id). Default: ${DEFAULT-VALUE}.")
    String inputTopic;

    @Option(names = "--output-topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_SCORES_TOPIC,
            description = "Scores topic (AnomalyScore, one per reading, in --output-format). Default: ${DEFAULT-VALUE}.")
    String scoresTopic;

    @Option(names = "--anomalies-topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_ANOMALIES_TOPIC,
            description = "Topic for flagged scores only. Default: ${DEFAULT-VALUE}.")
    String anomaliesTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC", defaultValue = TopologySettings.DEFAULT_DEAD_LETTER_TOPIC,
            description = "Topic for records that cannot be scored (DeadLetter, in --output-format). Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Mixin
    DetectorOptions detector;

    @Option(names = "--max-future-skew", paramLabel = "DURATION", defaultValue = "1d", converter = SkewConverter.class,
            description = {"Readings whose event time is later than their Kafka record's timestamp by more than this go to "
                + "the dead-letter topic (future_timestamp): 30m, 12h, 2d, PT36H, or off. On topics sensorwatch creates "
                + "the record timestamp is when the broker appended the record. Default: ${DEFAULT-VALUE}."})
    Duration maxFutureSkew;

    @Mixin
    OutputFormatOptions output;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of topics created because they were missing. Default: ${DEFAULT-VALUE}.")
    int partitions;

    /** The topology settings these options describe. */
    TopologySettings topology() {
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        return new TopologySettings(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector.config(),
                TopologySettings.DEFAULT_MAX_CHANNELS, maxFutureSkew).withOutputFormat(output.outputFormat);
    }

    /** Parses {@code --max-future-skew}: a positive duration (also in days, {@code 2d}) or {@code off}. */
    static final class SkewConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("off")) {
                return TopologySettings.NO_FUTURE_LIMIT;
            }
            return new Converters.DurationConverter().convert(value);
        }
    }

    /** Every topic of {@code settings} with the partition count to create it with. */
    Map<String, Integer> topicPartitions(TopologySettings settings) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(settings.inputTopic(), partitions);
        topics.put(settings.scoresTopic(), partitions);
        topics.put(settings.anomaliesTopic(), partitions);
        topics.put(settings.deadLetterTopic(), 1);
        return topics;
    }
}
