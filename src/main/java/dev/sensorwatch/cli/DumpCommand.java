package dev.sensorwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.stream.AvroSerde;
import dev.sensorwatch.stream.RecordJson;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch dump}: prints a topic. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Prints a topic from its beginning (read-committed) as CSV or JSON lines, until no record"
            + " has arrived for --idle-timeout. Scores, anomalies, dead letters and readings are recognised by"
            + " their Avro schema, scores and dead letters also in JSON (run --output-format json); anything else"
            + " is printed as base64. Channel values are named when the reading named its channels: in CSV cells"
            + " as flow=45.057;pressure=3.3428 (one channel: its bare value), in JSON lines as an object."})
final class DumpCommand implements Callable<Integer> {

    static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    static final AvroSerde<DeadLetter> DEAD_LETTERS = AvroSerde.of(DeadLetter.class);
    static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);
    static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    Main main;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "Topic to print.")
    String topic;

    @Option(names = "--format", paramLabel = "csv|json", defaultValue = "csv",
            description = "csv (a header, then one row per record) or json (one object per line). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Converters.DurationConverter.class,
            description = "Stop when no record has arrived for this long (e.g. 500ms, 5s, 2m). Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(names = "--output", paramLabel = "FILE", description = "Write here instead of standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requiredBootstrap(main.settings);
        boolean csv = switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> true;
            case "json" -> false;
            default -> throw new IllegalArgumentException("--format must be csv or json, got '" + format + "'");
        };
        Properties props = kafka.connect(main.settings, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             Writer out = output == null
                     ? new NonClosingWriter(main.spec.commandLine().getOut())
                     : Files.newBufferedWriter(output)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Printer printer = new Printer(out, csv);
            long lastRecord = System.nanoTime();
            while (System.nanoTime() - lastRecord < idleTimeout.toNanos()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    printer.print(record);
                    count++;
                }
            }
            out.flush();
        }
        main.spec.commandLine().getErr().printf("dump: %,d records from %s%n", count, topic);
        return 0;
    }

    /** Writes records in one format, choosing the layout by the first record's type. */
    static final class Printer {
        private final Writer out;
        private final boolean csv;
        private String headerWritten;

        Printer(Writer out, boolean csv) {
            this.out = out;
            this.csv = csv;
        }

        void print(ConsumerRecord<byte[], byte[]> record) throws IOException {
            Map<String, Object> row = describe(record);
            if (!csv) {
                out.write(JSON.writeValueAsString(row));
                out.write('\n');
                return;
            }
            String header = String.join(",", row.keySet());
            if (!header.equals(headerWritten)) {
                out.write(header);
                out.write('\n');
                headerWritten = header;
            }
            List<String> cells = new ArrayList<>();
            for (Object value : row.values()) {
                cells.add(csvCell(value));
            }
            out.write(String.join(",", cells));
            out.write('\n');
        }
    }

    /** The fields of a record, by its type, in output order. */
    static Map<String, Object> describe(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> row = new LinkedHashMap<>();
        byte[] value = record.value();
        boolean avroScore = SCORES.matches(value);
        boolean avroDeadLetter = !avroScore && DEAD_LETTERS.matches(value);
        boolean avroReading = !avroScore && !avroDeadLetter && READINGS.matches(value);
        RecordJson.Kind json = avroScore || avroDeadLetter || avroReading ? null : RecordJson.kind(value);
        RecordJson.NamedScore jsonScore = json == RecordJson.Kind.SCORE ? jsonOrNull(() -> RecordJson.readScore(value)) : null;
        DeadLetter jsonDeadLetter = json == RecordJson.Kind.DEAD_LETTER
                ? jsonOrNull(() -> RecordJson.readDeadLetter(value)) : null;
        if (avroScore || jsonScore != null) {
            AnomalyScore s;
            List<String> names;
            if (avroScore) {
                s = SCORES.decode(value);
                Header header = record.headers().lastHeader(RecordJson.CHANNELS_HEADER);
                names = header == null ? null : RecordJson.parseNames(
                        new String(header.value(), StandardCharsets.UTF_8), s.getObserved().size());
            } else {
                s = jsonScore.score();
                names = jsonScore.named() ? jsonScore.channelNames() : null;
            }
            row.put("sensor_id", s.getSensorId());
            row.put("event_time", s.getEventTime().toString());
            row.put("observed", channels(names, s.getObserved()));
            row.put("predicted", channels(names, s.getPredicted()));
            row.put("prediction_error", s.getPredictionError());
            row.put("anomaly_score", s.getAnomalyScore());
            row.put("anomaly", s.getAnomaly());
            row.put("channel_shares", channels(names, s.getChannelShares()));
            row.put("learned_readings", s.getLearnedReadings());
            row.put("signal", s.getSignal().name().toLowerCase(Locale.ROOT));
            row.put("in_event", s.getInEvent());
        } else if (avroDeadLetter || jsonDeadLetter != null) {
            DeadLetter d = avroDeadLetter ? DEAD_LETTERS.decode(value) : jsonDeadLetter;
            row.put("reason", d.getReason());
            row.put("detail", d.getDetail());
            row.put("topic", d.getTopic());
            row.put("partition", d.getPartition());
            row.put("offset", d.getOffset());
            row.put("timestamp", d.getTimestamp().toString());
            row.put("key_base64", base64(d.getKey()));
            row.put("value_base64", base64(d.getValue()));
        } else if (avroReading) {
            SensorReading r = READINGS.decode(value);
            row.put("sensor_id", r.getSensorId());
            row.put("event_time", r.getEventTime().toString());
            row.put("values", channels(RecordJson.channelNames(r.getTags(), r.getValues().size()), r.getValues()));
            row.put("unit", r.getUnit());
            row.put("tags", r.getTags().toString());
        } else {
            row.put("partition", record.partition());
            row.put("offset", record.offset());
            row.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
            row.put("key_base64", record.key() == null ? null : Base64.getEncoder().encodeToString(record.key()));
            row.put("value_base64", value == null ? null : Base64.getEncoder().encodeToString(value));
        }
        return row;
    }

    /** What {@code read} returns, or null if the JSON is not the record it reads. */
    private static <T> T jsonOrNull(Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException notThatRecord) {
            return null;
        }
    }

    /**
     * Channel values for a row: by name (a map, in channel order) when {@code names} has one for
     * each value, else the list as it is.
     */
    static Object channels(List<String> names, List<Double> values) {
        if (names == null || names.size() != values.size()) {
            return values;
        }
        Map<String, Double> named = new LinkedHashMap<>();
        for (int c = 0; c < values.size(); c++) {
            named.put(names.get(c), values.get(c));
        }
        return named;
    }

    /**
     * A CSV cell: a list's values joined by {@code ;}, named channels as {@code name=value} pairs
     * joined by {@code ;} (a single channel as its bare value, as when unnamed).
     */
    static String csvCell(Object value) {
        if (value == null) {
            return "";
        }
        String text;
        if (value instanceof List<?> list) {
            text = list.stream().map(String::valueOf).collect(Collectors.joining(";"));
        } else if (value instanceof Map<?, ?> named) {
            text = named.size() == 1 ? String.valueOf(named.values().iterator().next())
                    : named.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
        } else {
            text = String.valueOf(value);
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    private static String base64(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Standard output for the records: flushed, never closed. */
    private static final class NonClosingWriter extends FilterWriter {
        NonClosingWriter(Writer out) {
            super(out);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
