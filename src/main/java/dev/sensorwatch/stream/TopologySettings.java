package dev.sensorwatch.stream;

import dev.sensorwatch.detect.DetectorConfig;
import java.util.Objects;

/**
 * What the topology needs to know: its topic names, the detector's parameters and the largest
 * channel count a reading may have.
 *
 * @param inputTopic      readings, Avro {@code SensorReading}, keyed by sensor id
 * @param scoresTopic     one {@code AnomalyScore} per accepted reading
 * @param anomaliesTopic  the scores whose anomaly flag is set
 * @param deadLetterTopic {@code DeadLetter}s: records that could not be scored, with the reason
 * @param detector        the detector's parameters, the same for every sensor
 * @param maxChannels     readings with more channels go to the dead-letter topic
 */
public record TopologySettings(String inputTopic, String scoresTopic, String anomaliesTopic,
                               String deadLetterTopic, DetectorConfig detector, int maxChannels) {

    /** Default name of the readings topic. */
    public static final String DEFAULT_INPUT_TOPIC = "sensor-readings";
    /** Default name of the scores topic. */
    public static final String DEFAULT_SCORES_TOPIC = "anomaly-scores";
    /** Default name of the anomalies topic. */
    public static final String DEFAULT_ANOMALIES_TOPIC = "anomalies";
    /** Default name of the dead-letter topic. */
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "sensor-readings-dlq";
    /** Default largest channel count of a reading. */
    public static final int DEFAULT_MAX_CHANNELS = 64;
    /** Name of the state store holding each sensor's detector. */
    public static final String STORE = "sensor-detectors";

    /** The defaults: the topic names above and {@link DetectorConfig#DEFAULTS}. */
    public static final TopologySettings DEFAULTS = new TopologySettings(DEFAULT_INPUT_TOPIC,
            DEFAULT_SCORES_TOPIC, DEFAULT_ANOMALIES_TOPIC, DEFAULT_DEAD_LETTER_TOPIC,
            DetectorConfig.DEFAULTS, DEFAULT_MAX_CHANNELS);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the value to fix
     */
    public TopologySettings {
        Objects.requireNonNull(detector, "detector");
        for (String topic : new String[] {inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic}) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic names must not be empty");
            }
        }
        if (inputTopic.equals(scoresTopic) || inputTopic.equals(anomaliesTopic) || inputTopic.equals(deadLetterTopic)) {
            throw new IllegalArgumentException("the input topic " + inputTopic + " must differ from the output topics");
        }
        if (maxChannels < 1 || maxChannels > 4096) {
            throw new IllegalArgumentException("max channels must be in [1, 4096], got " + maxChannels);
        }
    }
}
