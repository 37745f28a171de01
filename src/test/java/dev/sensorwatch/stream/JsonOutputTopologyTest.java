package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.avro.SensorReading;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output-format json} through {@link TopologyTestDriver}: scores, anomalies and dead
 * letters are JSON objects that Jackson parses, channels named, and carry exactly what the Avro
 * records of the same readings carry; Avro stays the default.
 */
class JsonOutputTopologyTest {

    static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);
    static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    static final AvroSerde<DeadLetter> DEAD_LETTERS = AvroSerde.of(DeadLetter.class);
    static final ObjectMapper JACKSON = new ObjectMapper();
    static final TopologySettings JSON = TopologySettings.DEFAULTS.withOutputFormat(OutputFormat.JSON);
    static final String PUMP_CHANNELS = "flow,pressure,temperature";

    @TempDir
    Path stateDir;
    final List<TopologyTestDriver> drivers = new ArrayList<>();

    /** One topology under test, with its topics. */
    final class Run {
        final TestInputTopic<byte[], byte[]> input;
        final TestOutputTopic<String, byte[]> scores;
        final TestOutputTopic<String, byte[]> anomalies;
        final TestOutputTopic<byte[], byte[]> deadLetters;

        Run(TopologySettings settings) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "json-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("run-" + drivers.size()).toString());
            TopologyTestDriver driver = new TopologyTestDriver(
                    DetectorTopology.build(settings, DetectorMetrics.inMemory()), props);
            drivers.add(driver);
            input = driver.createInputTopic(settings.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
            scores = driver.createOutputTopic(settings.scoresTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            anomalies = driver.createOutputTopic(settings.anomaliesTopic(), new StringDeserializer(),
                    new ByteArrayDeserializer());
            deadLetters = driver.createOutputTopic(settings.deadLetterTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }
    }

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
    }

    static byte[] reading(String sensor, long eventTime, Map<String, String> tags, double... values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return READINGS.encode(SensorReading.newBuilder().setSensorId(sensor)
                .setEventTime(Instant.ofEpochMilli(eventTime)).setValues(list).setTags(tags).build());
    }

    static byte[] key(String sensor) {
        return sensor.getBytes(StandardCharsets.UTF_8);
    }

    /** A pump's readings: three channels, the pressure jumps at reading 300. */
    static void pipePump(Run run, String sensor, Map<String, String> tags) {
        double[] base = DetectorTopologyTest.series(400, -1);
        for (int t = 0; t < base.length; t++) {
            double pressure = 3 + 0.1 * Math.cos(2 * Math.PI * t / 30) + (t == 300 ? 2.5 : 0);
            run.input.pipeInput(key(sensor), reading(sensor, 1_400_000_000_000L + 300_000L * t, tags,
                    10 * base[t], pressure, 20 + base[t] / 10), 1_400_000_000_000L + 300_000L * t);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String header(TestRecord<?, ?> record) {
        Header header = record.headers().lastHeader(RecordJson.CHANNELS_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void jsonScoresAndAnomaliesNameTheChannelsAndHoldWhatTheAvroScoresHold() throws IOException {
        Run avro = new Run(TopologySettings.DEFAULTS);
        Run json = new Run(JSON);
        Map<String, String> tags = Map.of("channels", PUMP_CHANNELS, "site", "north");
        pipePump(avro, "pump-7", tags);
        pipePump(json, "pump-7", tags);

        List<TestRecord<String, byte[]>> avroScores = avro.scores.readRecordsToList();
        List<TestRecord<String, byte[]>> jsonScores = json.scores.readRecordsToList();
        assertThat(jsonScores).hasSize(400).hasSameSizeAs(avroScores);
        for (int t = 0; t < jsonScores.size(); t++) {
            TestRecord<String, byte[]> record = jsonScores.get(t);
            AnomalyScore expected = SCORES.decode(avroScores.get(t).value());
            assertThat(record.key()).isEqualTo("pump-7");
            assertThat(record.timestamp()).isEqualTo(avroScores.get(t).timestamp());
            assertThat(header(record)).isEqualTo(PUMP_CHANNELS);
            assertThat(header(avroScores.get(t))).as("Avro scores carry the names in a header").isEqualTo(PUMP_CHANNELS);

            String text = new String(record.value(), StandardCharsets.UTF_8);
            JsonNode node = JACKSON.readTree(text);
            assertThat(fieldNames(node)).containsExactly("sensorId", "eventTime", "eventTimeMillis", "observed",
                    "predicted", "predictionError", "anomalyScore", "anomaly", "channelShares", "learnedReadings",
                    "signal", "inEvent");
            assertThat(node.get("sensorId").asText()).isEqualTo("pump-7");
            assertThat(node.get("eventTime").asText()).isEqualTo(expected.getEventTime().toString());
            assertThat(Instant.parse(node.get("eventTime").asText())).isEqualTo(expected.getEventTime());
            assertThat(node.get("eventTimeMillis").longValue()).isEqualTo(expected.getEventTime().toEpochMilli());
            for (String field : List.of("observed", "predicted", "channelShares")) {
                assertThat(fieldNames(node.get(field))).as(field).containsExactly("flow", "pressure", "temperature");
            }
            assertThat(bits(node.get("observed").get("pressure"))).isEqualTo(bits(expected.getObserved().get(1)));
            assertThat(bits(node.get("predicted").get("flow"))).isEqualTo(bits(expected.getPredicted().get(0)));
            assertThat(bits(node.get("anomalyScore"))).as("score at %d", t).isEqualTo(bits(expected.getAnomalyScore()));
            assertThat(node.get("signal").asText()).isEqualTo(expected.getSignal().name());
            assertThat(node.get("learnedReadings").longValue()).isEqualTo(t);

            RecordJson.NamedScore read = RecordJson.readScore(record.value());
            assertThat(SCORES.encode(read.score())).as("read back, the JSON score is the Avro score, bit for bit")
                    .isEqualTo(avroScores.get(t).value());
            assertThat(read.channelNames()).containsExactly("flow", "pressure", "temperature");
            assertThat(read.named()).isTrue();
        }
        JsonNode first = JACKSON.readTree(jsonScores.get(0).value());
        assertThat(first.get("predicted").get("flow").isNull()).as("NaN, before the first prediction, is null").isTrue();
        assertThat(first.get("predictionError").isNull()).isTrue();

        List<TestRecord<String, byte[]>> flagged = json.anomalies.readRecordsToList();
        assertThat(flagged).as("the pressure jump is flagged").isNotEmpty()
                .hasSameSizeAs(avro.anomalies.readRecordsToList());
        for (TestRecord<String, byte[]> record : flagged) {
            JsonNode node = JACKSON.readTree(record.value());
            assertThat(node.get("anomaly").booleanValue()).isTrue();
            assertThat(fieldNames(node.get("channelShares"))).containsExactly("flow", "pressure", "temperature");
            assertThat(header(record)).isEqualTo(PUMP_CHANNELS);
        }
        assertThat(json.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void unnamedChannelsAreCalledValueOrValueByPosition() throws IOException {
        Run json = new Run(JSON);
        json.input.pipeInput(key("one"), reading("one", 1_000L, Map.of(), 4.5));
        json.input.pipeInput(key("two"), reading("two", 1_000L, Map.of(), 1.0, 2.0));
        json.input.pipeInput(key("wrong-count"), reading("wrong-count", 1_000L, Map.of("channels", "a,b,c"), 1.0, 2.0));
        json.input.pipeInput(key("twice"), reading("twice", 1_000L, Map.of("channels", "a,a"), 1.0, 2.0));
        json.input.pipeInput(key("spaced"), reading("spaced", 1_000L, Map.of("channels", " a , b"), 1.0, 2.0));

        List<TestRecord<String, byte[]>> out = json.scores.readRecordsToList();
        assertThat(out).hasSize(5);
        List<List<String>> names = new ArrayList<>();
        for (TestRecord<String, byte[]> record : out) {
            names.add(fieldNames(JACKSON.readTree(record.value()).get("observed")));
        }
        assertThat(names).containsExactly(List.of("value"), List.of("value0", "value1"), List.of("value0", "value1"),
                List.of("value0", "value1"), List.of("a", "b"));
        assertThat(out).extracting(JsonOutputTopologyTest::header).containsExactly(null, null, null, null, "a,b");
        assertThat(JACKSON.readTree(out.get(0).value()).get("observed").get("value").doubleValue()).isEqualTo(4.5);
        assertThat(RecordJson.readScore(out.get(0).value()).named()).isFalse();
    }

    @Test
    void jsonDeadLettersCarryTheReasonAndTheOriginalRecordAsTheAvroOnesDo() throws IOException {
        Run avro = new Run(TopologySettings.DEFAULTS);
        Run json = new Run(JSON);
        Map<String, String> tags = Map.of("channels", "flow,pressure");
        byte[] garbage = {1, 2, (byte) 0xC3, 4, 5};
        byte[] jsonReading = "{\"sensorId\": \"pump-1\", \"values\": [1.5, 2.0e-3], \"note\": \"caf\u00e9 \uD83D\uDE80\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] notQuiteJson = "{\"sensorId\": \"pump-1\"}, {\"reason\": \"x\"}".getBytes(StandardCharsets.UTF_8);
        byte[][] keys = {key("pump-1"), key("pump-1"), key("pump-1"), key("pump-1"), key("pump-1"), null,
            {(byte) 0xFF, 0x00}, key("pump-1")};
        byte[][] values = {
            reading("pump-1", 1_000L, tags, 1.0, 2.0),
            garbage,
            jsonReading,
            notQuiteJson,
            reading("pump-1", 2_000L, tags, 1.0, Double.NaN),
            reading("pump-1", 2_000L, tags, 1.0, 2.0),
            garbage,
            reading("pump-1", 500L, tags, 1.0, 2.0),
        };
        for (Run run : List.of(avro, json)) {
            for (int i = 0; i < values.length; i++) {
                run.input.pipeInput(keys[i], values[i], 3_000L);
            }
        }

        List<TestRecord<byte[], byte[]>> avroLetters = avro.deadLetters.readRecordsToList();
        List<DeadLetter> expected = avroLetters.stream().map(r -> DEAD_LETTERS.decode(r.value())).toList();
        List<TestRecord<byte[], byte[]>> letters = json.deadLetters.readRecordsToList();
        assertThat(expected).extracting(DeadLetter::getReason).containsExactly("undecodable", "undecodable",
                "undecodable", "non_finite", "null_key", "undecodable", "out_of_order");
        assertThat(letters).hasSameSizeAs(expected);
        List<JsonNode> nodes = new ArrayList<>();
        for (int i = 0; i < letters.size(); i++) {
            JsonNode node = JACKSON.readTree(letters.get(i).value());
            nodes.add(node);
            assertThat(node.get("reason").asText()).isEqualTo(expected.get(i).getReason());
            assertThat(node.get("detail").asText()).isEqualTo(expected.get(i).getDetail());
            assertThat(RecordJson.readDeadLetter(letters.get(i).value())).as("dead letter %d", i).isEqualTo(expected.get(i));
            assertThat(letters.get(i).key()).isEqualTo(avroLetters.get(i).key());
        }
        JsonNode undecodable = nodes.get(0);
        assertThat(fieldNames(undecodable)).containsExactly("reason", "detail", "topic", "partition", "offset",
                "timestamp", "timestampMillis", "key", "valueBase64");
        assertThat(undecodable.get("key").asText()).isEqualTo("pump-1");
        assertThat(Base64.getDecoder().decode(undecodable.get("valueBase64").asText())).isEqualTo(garbage);
        assertThat(undecodable.get("topic").asText()).isEqualTo(JSON.inputTopic());
        assertThat(undecodable.get("offset").longValue()).isEqualTo(1);

        JsonNode embedded = nodes.get(1);
        assertThat(embedded.get("value").isObject()).as("a JSON value is embedded as JSON").isTrue();
        assertThat(embedded.get("value").get("note").asText()).isEqualTo("caf\u00e9 \uD83D\uDE80");
        assertThat(embedded.has("valueBase64")).isFalse();
        assertThat(bytes(RecordJson.readDeadLetter(letters.get(1).value()).getValue())).isEqualTo(jsonReading);

        assertThat(nodes.get(2).has("value")).as("text that is not exactly one JSON value is not embedded").isFalse();
        assertThat(Base64.getDecoder().decode(nodes.get(2).get("valueBase64").asText())).isEqualTo(notQuiteJson);

        JsonNode nonFinite = nodes.get(3);
        assertThat(nonFinite.get("reading").get("values").get("flow").doubleValue()).isEqualTo(1.0);
        assertThat(nonFinite.get("reading").get("values").get("pressure").isNull()).isTrue();
        assertThat(nonFinite.get("reading").get("tags").get("channels").asText()).isEqualTo("flow,pressure");
        assertThat(nodes.get(4).get("key").isNull()).isTrue();
        assertThat(Base64.getDecoder().decode(nodes.get(5).get("keyBase64").asText())).isEqualTo(keys[6]);
        assertThat(nodes.get(6).get("reading").get("eventTimeMillis").longValue()).isEqualTo(500L);
        assertThat(json.scores.readValuesToList()).hasSize(1);
    }

    /** Base64 makes a value a third larger: the JSON dead letter of a large record still stays under the limit. */
    @Test
    void aJsonDeadLetterStaysUnderTheSizeLimit() throws IOException {
        Run json = new Run(JSON);
        byte[] large = new byte[800_000]; // 1,066,668 bytes in base64
        Arrays.fill(large, (byte) 7);
        json.input.pipeInput(key("pump-1"), large, 3_000L);
        TestRecord<byte[], byte[]> letter = json.deadLetters.readRecord();
        assertThat(letter.key().length + letter.value().length).isLessThanOrEqualTo(DeadLetters.MAX_BYTES);
        JsonNode node = JACKSON.readTree(letter.value());
        assertThat(node.get("value").isNull()).isTrue();
        assertThat(node.has("valueBase64")).isFalse();
        assertThat(node.get("detail").asText()).contains("(800000 bytes) is left out of this dead letter",
                "sensor-readings-0@0");
    }

    @Test
    void avroStaysTheDefaultAndChannelNamesLeaveItsBytesAlone() {
        assertThat(TopologySettings.DEFAULTS.outputFormat()).isEqualTo(OutputFormat.AVRO);
        Run avro = new Run(TopologySettings.DEFAULTS);
        avro.input.pipeInput(key("a"), reading("a", 1_000L, Map.of("channels", "x,y"), 1.0, 2.0));
        avro.input.pipeInput(key("a"), reading("a", 2_000L, Map.of(), 1.5, 2.5));
        List<TestRecord<String, byte[]>> out = avro.scores.readRecordsToList();
        for (TestRecord<String, byte[]> record : out) {
            AnomalyScore score = SCORES.decode(record.value());
            assertThat(SCORES.encode(score)).isEqualTo(record.value());
        }
        assertThat(out).extracting(JsonOutputTopologyTest::header).containsExactly("x,y", null);
    }

    static long bits(JsonNode number) {
        return Double.doubleToRawLongBits(number.isNull() ? Double.NaN : number.doubleValue());
    }

    static long bits(double value) {
        return Double.doubleToRawLongBits(value);
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
