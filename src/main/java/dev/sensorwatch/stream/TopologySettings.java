package dev.sensorwatch.stream;

import dev.sensorwatch.detect.DetectorConfig;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What the topology needs to know: its topic names, the detector's parameters, the largest
 * channel count a reading may have, how far a reading's event time may lie ahead of its
 * record's timestamp, and the format of the records it writes.
 *
 * @param inputTopic      readings, Avro {@code SensorReading}, keyed by sensor id
 * @param scoresTopic     one {@code AnomalyScore} per accepted reading
 * @param anomaliesTopic  the scores whose anomaly flag is set
 * @param deadLetterTopic {@code DeadLetter}s: records that could not be scored, with the reason
 * @param detector        the detector's parameters, the same for every sensor
 * @param maxChannels     readings with more channels go to the dead-letter topic
 * @param maxFutureSkew   a reading whose event time is later than its Kafka record's timestamp
 *                        by more than this goes to the dead-letter topic ({@code future_timestamp});
 *                        {@link #NO_FUTURE_LIMIT} turns the check off
 * @param detectorCache   sensors whose decoded detectors each stream task keeps in memory (see
 *                        {@link DetectorStore}): their readings skip decoding the stored state,
 *                        and each is written once per commit; 0 writes every reading as it is scored
 * @param outputFormat    how scores, anomalies and dead letters are written: Avro (the default) or
 *                        JSON; readings are read, and detectors stored, as Avro either way
 * @param fleetView       whether the topology keeps the fleet view's stores ({@link FleetViewStores}):
 *                        one summary write and one ring entry more per reading
 * @param checkpointEvery readings after which a sensor's whole detector is written again (a
 *                        checkpoint); the readings between two checkpoints are written as small
 *                        entries of the {@linkplain ReadingJournal reading journal} and scored again
 *                        when the detector is decoded (see {@link DetectorStore}); 1 writes the whole
 *                        detector at every commit in which the sensor scored
 */
public record TopologySettings(String inputTopic, String scoresTopic, String anomaliesTopic,
                               String deadLetterTopic, DetectorConfig detector, int maxChannels,
                               Duration maxFutureSkew, int detectorCache, OutputFormat outputFormat,
                               boolean fleetView, int checkpointEvery) {

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
    /** Default largest lead of a reading's event time over its record's timestamp: one day. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);
    /** A {@code maxFutureSkew} that accepts any event time, however far ahead. */
    public static final Duration NO_FUTURE_LIMIT = ChronoUnit.FOREVER.getDuration();
    /**
     * Default number of decoded detectors each stream task keeps in memory: about 25 MB of heap per
     * task for one-channel sensors (70 MB for eight channels), so that a task of up to this many
     * sensors decodes none of them while it runs.
     */
    public static final int DEFAULT_DETECTOR_CACHE = 1024;
    /** Largest {@link #detectorCache}. */
    public static final int MAX_DETECTOR_CACHE = 1_000_000;
    /**
     * Default {@link #checkpointEvery}: 64 readings. A sensor that scores one reading per commit
     * interval, as in a fleet, then writes a journal entry of 25 bytes plus 8 per channel per reading
     * and its whole detector (about 22 KB learning online with one channel, 3 KB trained) once in
     * 64 readings; a detector decoded after a restart or a move scores at most 63 readings again
     * (about 1 ms learning online).
     */
    public static final int DEFAULT_CHECKPOINT_EVERY = 64;
    /** Largest {@link #checkpointEvery}. */
    public static final int MAX_CHECKPOINT_EVERY = 4096;
    /** Default format of the output records: Avro. */
    public static final OutputFormat DEFAULT_OUTPUT_FORMAT = OutputFormat.AVRO;
    /**
     * Name of the state store holding what each sensor's detector changes with every reading (and,
     * as written by releases before the split into two stores, the whole detector).
     */
    public static final String STORE = "sensor-detectors";
    /**
     * Name of the state store holding each sensor's model, what its detector changes only when it
     * learns; written only when the model changes.
     */
    public static final String MODEL_STORE = "sensor-models";
    /**
     * Name of the state store holding the readings each sensor scored since its detector was last
     * written whole (see {@link ReadingJournal}).
     */
    public static final String JOURNAL_STORE = "sensor-journal";

    /** The defaults: the topic names above and {@link DetectorConfig#DEFAULTS}. */
    public static final TopologySettings DEFAULTS = new TopologySettings(DEFAULT_INPUT_TOPIC,
            DEFAULT_SCORES_TOPIC, DEFAULT_ANOMALIES_TOPIC, DEFAULT_DEAD_LETTER_TOPIC,
            DetectorConfig.DEFAULTS, DEFAULT_MAX_CHANNELS, DEFAULT_MAX_FUTURE_SKEW);

    /** Settings with the {@linkplain #DEFAULT_CHECKPOINT_EVERY default checkpoint interval}. */
    public TopologySettings(String inputTopic, String scoresTopic, String anomaliesTopic, String deadLetterTopic,
                            DetectorConfig detector, int maxChannels, Duration maxFutureSkew, int detectorCache,
                            OutputFormat outputFormat, boolean fleetView) {
        this(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels, maxFutureSkew,
                detectorCache, outputFormat, fleetView, DEFAULT_CHECKPOINT_EVERY);
    }

    /** Settings with the fleet view's stores. */
    public TopologySettings(String inputTopic, String scoresTopic, String anomaliesTopic, String deadLetterTopic,
                            DetectorConfig detector, int maxChannels, Duration maxFutureSkew, int detectorCache,
                            OutputFormat outputFormat) {
        this(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels, maxFutureSkew,
                detectorCache, outputFormat, true);
    }

    /** Settings with the {@linkplain #DEFAULT_OUTPUT_FORMAT default output format}. */
    public TopologySettings(String inputTopic, String scoresTopic, String anomaliesTopic, String deadLetterTopic,
                            DetectorConfig detector, int maxChannels, Duration maxFutureSkew, int detectorCache) {
        this(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels, maxFutureSkew,
                detectorCache, DEFAULT_OUTPUT_FORMAT);
    }

    /** Settings with the {@linkplain #DEFAULT_DETECTOR_CACHE default detector cache}. */
    public TopologySettings(String inputTopic, String scoresTopic, String anomaliesTopic, String deadLetterTopic,
                            DetectorConfig detector, int maxChannels, Duration maxFutureSkew) {
        this(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels, maxFutureSkew,
                DEFAULT_DETECTOR_CACHE);
    }

    /** Settings with the {@linkplain #DEFAULT_MAX_FUTURE_SKEW default future skew}. */
    public TopologySettings(String inputTopic, String scoresTopic, String anomaliesTopic, String deadLetterTopic,
                            DetectorConfig detector, int maxChannels) {
        this(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels,
                DEFAULT_MAX_FUTURE_SKEW);
    }

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
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("the max future skew must not be negative, got " + maxFutureSkew);
        }
        if (detectorCache < 0 || detectorCache > MAX_DETECTOR_CACHE) {
            throw new IllegalArgumentException("--detector-cache must be in [0, " + MAX_DETECTOR_CACHE
                    + "] sensors, got " + detectorCache);
        }
        Objects.requireNonNull(outputFormat, "outputFormat");
        if (checkpointEvery < 1 || checkpointEvery > MAX_CHECKPOINT_EVERY) {
            throw new IllegalArgumentException("--checkpoint-every must be in [1, " + MAX_CHECKPOINT_EVERY
                    + "] readings, got " + checkpointEvery);
        }
    }

    /** These settings with another {@code maxFutureSkew}. */
    public TopologySettings withMaxFutureSkew(Duration skew) {
        return new TopologySettings(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels,
                skew, detectorCache, outputFormat, fleetView, checkpointEvery);
    }

    /** These settings with another {@code detectorCache}. */
    public TopologySettings withDetectorCache(int sensors) {
        return new TopologySettings(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels,
                maxFutureSkew, sensors, outputFormat, fleetView, checkpointEvery);
    }

    /** These settings with another {@code outputFormat}. */
    public TopologySettings withOutputFormat(OutputFormat format) {
        return new TopologySettings(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels,
                maxFutureSkew, detectorCache, format, fleetView, checkpointEvery);
    }

    /** These settings with or without the fleet view's stores. */
    public TopologySettings withFleetView(boolean keep) {
        return new TopologySettings(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels,
                maxFutureSkew, detectorCache, outputFormat, keep, checkpointEvery);
    }

    /** These settings with another {@code checkpointEvery}. */
    public TopologySettings withCheckpointEvery(int readings) {
        return new TopologySettings(inputTopic, scoresTopic, anomaliesTopic, deadLetterTopic, detector, maxChannels,
                maxFutureSkew, detectorCache, outputFormat, fleetView, readings);
    }

    /** {@link #maxFutureSkew} in milliseconds, {@link Long#MAX_VALUE} if it has more. */
    public long maxFutureSkewMillis() {
        try {
            return maxFutureSkew.toMillis();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
