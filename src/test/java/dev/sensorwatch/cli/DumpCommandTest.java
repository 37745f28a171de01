package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.stream.AvroSerde;
import dev.sensorwatch.stream.DetectorMetrics;
import dev.sensorwatch.stream.DetectorTopology;
import dev.sensorwatch.stream.OutputFormat;
import dev.sensorwatch.stream.TopologySettings;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dump}'s printing of the output topics: channels named, the same rows whichever
 * {@code --output-format} wrote them. The records come from the topology itself, through
 * {@link TopologyTestDriver}.
 */
class DumpCommandTest {

    static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);
    static final ObjectMapper JACKSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    /** The records of the scores and dead-letter topics after a few readings, as a consumer would see them. */
    record Topics(List<ConsumerRecord<byte[], byte[]>> scores, List<ConsumerRecord<byte[], byte[]>> deadLetters) {
    }

    static byte[] reading(String sensor, long eventTime, Map<String, String> tags, double... values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return READINGS.encode(SensorReading.newBuilder().setSensorId(sensor)
                .setEventTime(Instant.ofEpochMilli(eventTime)).setValues(list).setTags(tags).build());
    }

    Topics run(OutputFormat format) {
        TopologySettings settings = TopologySettings.DEFAULTS.withOutputFormat(format);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dump-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(format.toString()).toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                DetectorTopology.build(settings, DetectorMetrics.inMemory()), props)) {
            TestInputTopic<byte[], byte[]> input = driver.createInputTopic(settings.inputTopic(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            Map<String, String> pump = Map.of("channels", "flow,pressure,temperature");
            for (int t = 0; t < 5; t++) {
                input.pipeInput(bytes("pump-7"), reading("pump-7", 1_000L * t, pump, 45.057 + t, 3.3428, 25.89), 10_000L);
                input.pipeInput(bytes("tank"), reading("tank", 1_000L * t, Map.of(), 7.5 + t), 10_000L);
            }
            input.pipeInput(bytes("tank"), new byte[] {1, 2, 3}, 10_000L);
            return new Topics(consumed(driver.createOutputTopic(settings.scoresTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).readRecordsToList()),
                    consumed(driver.createOutputTopic(settings.deadLetterTopic(), new ByteArrayDeserializer(),
                            new ByteArrayDeserializer()).readRecordsToList()));
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> consumed(List<TestRecord<byte[], byte[]>> records) {
        List<ConsumerRecord<byte[], byte[]>> consumed = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : records) {
            consumed.add(new ConsumerRecord<>("t", 0, consumed.size(), r.timestamp(), TimestampType.CREATE_TIME,
                    -1, -1, r.key(), r.value(), r.headers(), Optional.empty()));
        }
        return consumed;
    }

    static List<String> print(List<ConsumerRecord<byte[], byte[]>> records, boolean csv) throws IOException {
        StringWriter out = new StringWriter();
        DumpCommand.Printer printer = new DumpCommand.Printer(out, csv);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            printer.print(record);
        }
        return List.of(out.toString().split("\n"));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void csvNamesEachChannelOfAMultichannelSensorAndKeepsASingleChannelBare() throws IOException {
        List<String> csv = print(run(OutputFormat.AVRO).scores(), true);
        assertThat(csv.get(0)).isEqualTo("sensor_id,event_time,observed,predicted,prediction_error,anomaly_score,"
                + "anomaly,channel_shares,learned_readings,signal,in_event");
        assertThat(csv).hasSize(11);
        assertThat(csv.get(1)).startsWith("pump-7,1970-01-01T00:00:00Z,flow=45.057;pressure=3.3428;temperature=25.89,"
                + "flow=NaN;pressure=NaN;temperature=NaN,NaN,");
        assertThat(csv.get(3)).contains(",flow=46.057;pressure=3.3428;temperature=25.89,flow=");
        assertThat(csv.get(2)).startsWith("tank,1970-01-01T00:00:00Z,7.5,NaN,NaN,");
    }

    @Test
    void jsonLinesGiveNamedChannelsAsAnObject() throws IOException {
        List<String> lines = print(run(OutputFormat.AVRO).scores(), false);
        JsonNode pump = JACKSON.readTree(lines.get(2));
        assertThat(pump.get("sensor_id").asText()).isEqualTo("pump-7");
        assertThat(pump.get("observed").isObject()).isTrue();
        assertThat(pump.get("observed").get("flow").doubleValue()).isEqualTo(46.057);
        assertThat(pump.get("channel_shares").get("temperature").isNumber()).isTrue();
        JsonNode tank = JACKSON.readTree(lines.get(3));
        assertThat(tank.get("observed").isArray()).as("unnamed channels stay a list").isTrue();
        assertThat(tank.get("observed").get(0).doubleValue()).isEqualTo(8.5);
    }

    @Test
    void aJsonTopicDumpsExactlyLikeAnAvroOne() throws IOException {
        Topics avro = run(OutputFormat.AVRO);
        Topics json = run(OutputFormat.JSON);
        assertThat(new String(json.scores().get(0).value(), StandardCharsets.UTF_8)).startsWith("{\"sensorId\":\"pump-7\"");
        for (boolean csv : new boolean[] {true, false}) {
            assertThat(print(json.scores(), csv)).isEqualTo(print(avro.scores(), csv));
            assertThat(print(json.deadLetters(), csv)).isEqualTo(print(avro.deadLetters(), csv));
        }
        assertThat(print(json.deadLetters(), true)).containsExactly(
                "reason,detail,topic,partition,offset,timestamp,key_base64,value_base64",
                "undecodable,not a SensorReading (3 bytes): no single-object marker C3 01 at the start,sensor-readings,0,10,"
                        + "1970-01-01T00:00:10Z,dGFuaw==,AQID");
    }

    @Test
    void readingsAreNamedByTheirChannelsTag() throws IOException {
        byte[] value = reading("pump-7", 0L, Map.of("channels", "flow,pressure"), 1.5, 2.5);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("readings", 0, 0L, bytes("pump-7"), value);
        assertThat(print(List.of(record), true).get(1)).startsWith("pump-7,1970-01-01T00:00:00Z,flow=1.5;pressure=2.5,");
        assertThat(JACKSON.readTree(print(List.of(record), false).get(0)).get("values").get("pressure").doubleValue())
                .isEqualTo(2.5);
    }
}
