package dev.sensorwatch.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.avro.ScoreSignal;
import dev.sensorwatch.avro.SensorReading;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The JSON form of the output records ({@code --output-format json}): one UTF-8 JSON object per
 * record, its fields named as in the Avro schema, so that a Kafka UI, {@code jq} or any consumer
 * reads them without the schemas.
 *
 * <ul>
 *   <li>Channel lists ({@code observed}, {@code predicted}, {@code channelShares}, a reading's
 *       {@code values}) are objects keyed by channel name, in the reading's channel order:
 *       {@code {"flow": 45.057, "pressure": 3.3428}}. The names come from the reading's tag
 *       {@value #CHANNELS_TAG} ({@code flow,pressure}); see {@link #channelNames}. Unnamed
 *       channels are called {@code value} (one channel) or {@code value0}, {@code value1}, … (by
 *       position from 0), see {@link #unnamed}.</li>
 *   <li>Numbers are written so that parsing them gives back the same {@code double}, bit for bit.
 *       NaN and the infinities, which have no JSON literal, are written as {@code null} (a
 *       prediction before the sensor's first one is NaN).</li>
 *   <li>Times are two fields: {@code eventTime} in ISO-8601 UTC ({@code 2014-04-10T07:15:00Z},
 *       with milliseconds when there are some), and {@code eventTimeMillis}, the same instant in
 *       epoch milliseconds; a dead letter's {@code timestamp} likewise.</li>
 *   <li>{@code signal} is the Avro enum symbol ({@code PREDICTION_ERROR}).</li>
 *   <li>A dead letter's original key is the string {@code key} when it is UTF-8 text, otherwise
 *       {@code keyBase64}; its original value is embedded as {@code value}, byte for byte, when it
 *       is a JSON object or array (UTF-8, nothing before or after it), otherwise
 *       {@code valueBase64}; a missing key or value is
 *       {@code "key": null} or {@code "value": null}. When the value is a readable
 *       {@code SensorReading} it is also shown decoded, as {@code reading}.</li>
 * </ul>
 *
 * <p>An instance writes records and reuses its buffer: one per processor, not shared between
 * threads. The {@code read} methods are static and thread-safe.
 */
public final class RecordJson {

    /** The reading tag that names its channels, comma-separated: {@code channels=flow,pressure}. */
    public static final String CHANNELS_TAG = "channels";

    /**
     * The header on a score record whose reading named its channels: the names, comma-separated,
     * UTF-8. Set in both output formats, so that a consumer of Avro scores (and {@code dump}) can
     * name the channels without the reading.
     */
    public static final String CHANNELS_HEADER = "sensorwatch.channels";

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);
    private static final int CACHED_UNNAMED = 64;
    private static final List<List<String>> UNNAMED = unnamedLists();

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private final AvroSerde<SensorReading> readings = AvroSerde.of(SensorReading.class);

    /**
     * The names of a reading's channels from its tag {@value #CHANNELS_TAG}, or null if the tag is
     * missing or does not name exactly {@code channels} distinct, non-empty names (surrounding
     * spaces are dropped); channels without names are then {@linkplain #unnamed unnamed}.
     */
    public static List<String> channelNames(Map<String, String> tags, int channels) {
        String tag = tags == null ? null : tags.get(CHANNELS_TAG);
        return tag == null ? null : parseNames(tag, channels);
    }

    /** The names in {@code list} ({@code flow,pressure}) if it holds exactly {@code channels} distinct, non-empty ones, else null. */
    public static List<String> parseNames(String list, int channels) {
        String[] parts = list.split(",", -1);
        if (parts.length != channels) {
            return null;
        }
        List<String> names = new ArrayList<>(channels);
        Set<String> seen = new HashSet<>();
        for (String part : parts) {
            String name = part.strip();
            if (name.isEmpty() || !seen.add(name)) {
                return null;
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    /** What unnamed channels are called: {@code value} for a single channel, else {@code value0}, {@code value1}, …. */
    public static List<String> unnamed(int channels) {
        if (channels >= 1 && channels <= CACHED_UNNAMED) {
            return UNNAMED.get(channels);
        }
        List<String> names = new ArrayList<>(channels);
        for (int c = 0; c < channels; c++) {
            names.add(channels == 1 ? "value" : "value" + c);
        }
        return List.copyOf(names);
    }

    private static List<List<String>> unnamedLists() {
        List<List<String>> lists = new ArrayList<>();
        lists.add(List.of());
        for (int n = 1; n <= CACHED_UNNAMED; n++) {
            List<String> names = new ArrayList<>(n);
            for (int c = 0; c < n; c++) {
                names.add(n == 1 ? "value" : "value" + c);
            }
            lists.add(List.copyOf(names));
        }
        return List.copyOf(lists);
    }

    // ------------------------------------------------------------------------------ writing

    /**
     * The JSON form of {@code score}.
     *
     * @param channelNames the reading's channel names, or null if it named none
     */
    public byte[] score(AnomalyScore score, List<String> channelNames) {
        List<String> names = channelNames == null ? unnamed(score.getObserved().size()) : channelNames;
        try (JsonGenerator json = start()) {
            json.writeStartObject();
            json.writeStringField("sensorId", score.getSensorId());
            time(json, "eventTime", score.getEventTime());
            channels(json, "observed", names, score.getObserved());
            channels(json, "predicted", names, score.getPredicted());
            number(json, "predictionError", score.getPredictionError());
            number(json, "anomalyScore", score.getAnomalyScore());
            json.writeBooleanField("anomaly", score.getAnomaly());
            channels(json, "channelShares", names, score.getChannelShares());
            json.writeNumberField("learnedReadings", score.getLearnedReadings());
            json.writeStringField("signal", score.getSignal().name());
            json.writeBooleanField("inEvent", score.getInEvent());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return buffer.toByteArray();
    }

    /** The JSON form of {@code letter}; see the class comment for its key and value. */
    public byte[] deadLetter(DeadLetter letter) {
        byte[] key = bytes(letter.getKey());
        byte[] value = bytes(letter.getValue());
        try (JsonGenerator json = start()) {
            json.writeStartObject();
            json.writeStringField("reason", letter.getReason());
            json.writeStringField("detail", letter.getDetail());
            json.writeStringField("topic", letter.getTopic());
            json.writeNumberField("partition", letter.getPartition());
            json.writeNumberField("offset", letter.getOffset());
            time(json, "timestamp", letter.getTimestamp());
            String keyText = key == null ? null : utf8(key);
            if (key == null || keyText != null) {
                json.writeStringField("key", keyText);
            } else {
                json.writeStringField("keyBase64", Base64.getEncoder().encodeToString(key));
            }
            String valueJson = value == null ? null : jsonText(value);
            if (value == null) {
                json.writeNullField("value");
            } else if (valueJson != null) {
                json.writeFieldName("value");
                json.writeRawValue(valueJson); // checked above to be exactly one JSON object or array
            } else {
                json.writeStringField("valueBase64", Base64.getEncoder().encodeToString(value));
            }
            SensorReading reading = value != null && valueJson == null && readings.matches(value) ? readable(value) : null;
            if (reading != null) {
                json.writeFieldName("reading");
                reading(json, reading);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private JsonGenerator start() throws IOException {
        buffer.reset();
        return FACTORY.createGenerator(buffer);
    }

    private SensorReading readable(byte[] value) {
        try {
            return readings.decode(value);
        } catch (SerializationException notAReading) {
            return null;
        }
    }

    private static void reading(JsonGenerator json, SensorReading reading) throws IOException {
        List<String> names = channelNames(reading.getTags(), reading.getValues().size());
        json.writeStartObject();
        json.writeStringField("sensorId", reading.getSensorId());
        time(json, "eventTime", reading.getEventTime());
        channels(json, "values", names == null ? unnamed(reading.getValues().size()) : names, reading.getValues());
        json.writeStringField("unit", reading.getUnit());
        json.writeObjectFieldStart("tags");
        for (Map.Entry<String, String> tag : reading.getTags().entrySet()) {
            json.writeStringField(tag.getKey(), tag.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void time(JsonGenerator json, String field, Instant time) throws IOException {
        json.writeStringField(field, time.toString());
        json.writeNumberField(field + "Millis", time.toEpochMilli());
    }

    private static void number(JsonGenerator json, String field, double value) throws IOException {
        json.writeFieldName(field);
        number(json, value);
    }

    private static void number(JsonGenerator json, double value) throws IOException {
        if (Double.isFinite(value)) {
            json.writeNumber(value);
        } else {
            json.writeNull();
        }
    }

    private static void channels(JsonGenerator json, String field, List<String> names, List<Double> values)
            throws IOException {
        if (names.size() != values.size()) {
            throw new IllegalArgumentException(field + " has " + values.size() + " values for " + names.size()
                    + " channel names " + names);
        }
        json.writeObjectFieldStart(field);
        for (int c = 0; c < values.size(); c++) {
            json.writeFieldName(names.get(c));
            number(json, values.get(c));
        }
        json.writeEndObject();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /** {@code bytes} as text if they are well-formed UTF-8, else null. */
    private static String utf8(byte[] bytes) {
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return text.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * {@code bytes} as text if they are UTF-8 and exactly one JSON object or array, nothing before
     * or after it (not even spaces, so that the text embedded is the value byte for byte), else null.
     */
    static String jsonText(byte[] bytes) {
        if (bytes.length < 2 || !(bytes[0] == '{' && bytes[bytes.length - 1] == '}'
                || bytes[0] == '[' && bytes[bytes.length - 1] == ']')) {
            return null;
        }
        String text = utf8(bytes);
        if (text == null) {
            return null;
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            int depth = 0;
            do {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return null;
                }
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                } else if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
                    parser.getText(); // decodes the whole string, escapes included
                }
            } while (depth > 0);
            return parser.nextToken() == null ? text : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    // ------------------------------------------------------------------------------ reading

    /** A score read from JSON, with the names of its channels. */
    public record NamedScore(AnomalyScore score, List<String> channelNames) {

        /** Whether the reading named its channels (else they carry the {@linkplain #unnamed unnamed} names). */
        public boolean named() {
            return !channelNames.equals(unnamed(channelNames.size()));
        }
    }

    /** What a JSON record is. */
    public enum Kind {
        /** An {@code AnomalyScore}. */
        SCORE,
        /** A {@code DeadLetter}. */
        DEAD_LETTER
    }

    /** Whether {@code bytes} look like a JSON object (their first non-space byte is <code>{</code>); they may still be malformed. */
    public static boolean looksLikeJson(byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        for (byte b : bytes) {
            if (!isSpace(b)) {
                return b == '{';
            }
        }
        return false;
    }

    /** Which of sensorwatch's JSON records {@code bytes} hold, or null if they are none (or not JSON). */
    public static Kind kind(byte[] bytes) {
        if (!looksLikeJson(bytes)) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                return null;
            }
            if (node.has("anomalyScore") && node.has("sensorId") && node.has("observed")) {
                return Kind.SCORE;
            }
            if (node.has("reason") && node.has("topic") && node.has("offset")) {
                return Kind.DEAD_LETTER;
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Reads a score written by {@link #score}: the same values, bit for bit (a {@code null} number
     * reads as NaN), and its channel names.
     *
     * @throws IllegalArgumentException saying why the bytes are not a JSON score
     */
    public static NamedScore readScore(byte[] bytes) {
        JsonNode node = tree(bytes, "score");
        try {
            List<String> names = new ArrayList<>();
            node.required("observed").fieldNames().forEachRemaining(names::add);
            AnomalyScore score = AnomalyScore.newBuilder()
                    .setSensorId(node.required("sensorId").asText())
                    .setEventTime(Instant.ofEpochMilli(node.required("eventTimeMillis").longValue()))
                    .setObserved(values(node.required("observed")))
                    .setPredicted(values(node.required("predicted")))
                    .setPredictionError(number(node.required("predictionError")))
                    .setAnomalyScore(number(node.required("anomalyScore")))
                    .setAnomaly(node.required("anomaly").booleanValue())
                    .setChannelShares(values(node.required("channelShares")))
                    .setLearnedReadings(node.required("learnedReadings").longValue())
                    .setSignal(ScoreSignal.valueOf(node.required("signal").asText()))
                    .setInEvent(node.required("inEvent").booleanValue())
                    .build();
            return new NamedScore(score, List.copyOf(names));
        } catch (IllegalArgumentException | AvroRuntimeException e) {
            throw new IllegalArgumentException("not a JSON score: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a dead letter written by {@link #deadLetter}: the same record, the original key and
     * value byte for byte.
     *
     * @throws IllegalArgumentException saying why the bytes are not a JSON dead letter
     */
    public static DeadLetter readDeadLetter(byte[] bytes) {
        JsonNode node = tree(bytes, "dead letter");
        try {
            DeadLetter.Builder letter = DeadLetter.newBuilder()
                    .setReason(node.required("reason").asText())
                    .setDetail(node.required("detail").asText())
                    .setTopic(node.required("topic").asText())
                    .setPartition(node.required("partition").intValue())
                    .setOffset(node.required("offset").longValue())
                    .setTimestamp(Instant.ofEpochMilli(node.required("timestampMillis").longValue()));
            if (node.hasNonNull("keyBase64")) {
                letter.setKey(ByteBuffer.wrap(Base64.getDecoder().decode(node.get("keyBase64").asText())));
            } else if (node.hasNonNull("key")) {
                letter.setKey(ByteBuffer.wrap(node.get("key").asText().getBytes(StandardCharsets.UTF_8)));
            }
            if (node.hasNonNull("valueBase64")) {
                letter.setValue(ByteBuffer.wrap(Base64.getDecoder().decode(node.get("valueBase64").asText())));
            } else if (node.hasNonNull("value")) {
                letter.setValue(ByteBuffer.wrap(rawValue(bytes).getBytes(StandardCharsets.UTF_8)));
            }
            return letter.build();
        } catch (IllegalArgumentException | IOException | AvroRuntimeException e) {
            throw new IllegalArgumentException("not a JSON dead letter: " + e.getMessage(), e);
        }
    }

    /** The text of the top-level field {@code value}, exactly as written. */
    private static String rawValue(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try (JsonParser parser = FACTORY.createParser(text)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("value") && token.isStructStart()) {
                    int start = (int) parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentLocation().getCharOffset();
                    return text.substring(start, end);
                }
                parser.skipChildren();
            }
        }
        throw new IllegalArgumentException("its value is neither base64 nor a JSON object or array");
    }

    private static JsonNode tree(byte[] bytes, String what) {
        if (bytes == null) {
            throw new IllegalArgumentException("no JSON " + what + ": the value is null");
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON " + what + ": not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON " + what + ": " + (e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    private static List<Double> values(JsonNode channels) {
        if (!channels.isObject()) {
            throw new IllegalArgumentException("channel values must be an object keyed by channel name");
        }
        List<Double> values = new ArrayList<>(channels.size());
        for (Iterator<JsonNode> it = channels.elements(); it.hasNext(); ) {
            values.add(number(it.next()));
        }
        return values;
    }

    private static double number(JsonNode node) {
        if (node.isNull()) {
            return Double.NaN;
        }
        if (!node.isNumber()) {
            throw new IllegalArgumentException("expected a number or null, got " + node);
        }
        return node.doubleValue();
    }
}
