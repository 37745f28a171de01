package dev.sensorwatch.stream;

import java.util.Locale;

/**
 * How the topology writes the records of its output topics (scores, anomalies, dead letters). The
 * readings it reads and the detectors it stores are Avro in either format.
 */
public enum OutputFormat {

    /** Avro single-object encoding, as {@link AvroSerde} writes it: compact, needs the schemas to read. */
    AVRO,

    /**
     * One UTF-8 JSON object per record, channels named, as {@link RecordJson} writes it: readable by
     * any Kafka UI, {@code jq} or consumer without the schemas.
     */
    JSON;

    /**
     * The format named {@code text}, {@code avro} or {@code json} in any case.
     *
     * @throws IllegalArgumentException for another name
     */
    public static OutputFormat parse(String text) {
        String name = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "avro" -> AVRO;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("--output-format must be avro or json, got '" + text + "'");
        };
    }

    /** The name as given on the command line: {@code avro} or {@code json}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
