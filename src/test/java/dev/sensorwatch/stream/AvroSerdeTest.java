package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.ScoreSignal;
import dev.sensorwatch.avro.SensorReading;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Strict, bounded decoding of single-object-encoded records. */
class AvroSerdeTest {

    static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);

    static byte[] valid() {
        return READINGS.encode(SensorReading.newBuilder().setSensorId("pump-1").setEventTime(Instant.ofEpochMilli(5_000))
                .setValues(List.of(1.5, -2.0)).setUnit("bar").setTags(Map.of("site", "north")).build());
    }

    @Test
    void roundTrips() {
        SensorReading decoded = READINGS.decode(valid());
        assertThat(decoded.getSensorId()).isEqualTo("pump-1");
        assertThat(decoded.getValues()).containsExactly(1.5, -2.0);
        assertThat(decoded.getTags()).containsEntry("site", "north");
    }

    /** The encoder is Avro's single-object encoding, byte for byte, whatever the record and size. */
    @Test
    void encodesExactlyLikeAvrosSingleObjectEncoder() throws Exception {
        SensorReading reading = READINGS.decode(valid());
        assertThat(READINGS.encode(reading)).isEqualTo(avroEncoding(reading));

        AvroSerde<AnomalyScore> scores = AvroSerde.of(AnomalyScore.class);
        AnomalyScore score = AnomalyScore.newBuilder().setSensorId("pump-2").setEventTime(Instant.ofEpochMilli(9))
                .setObserved(List.of(1.0)).setPredicted(List.of(0.5)).setPredictionError(0.5).setAnomalyScore(0.25)
                .setAnomaly(false).setChannelShares(List.of(1.0)).setLearnedReadings(3).build();
        assertThat(scores.encode(score)).isEqualTo(avroEncoding(score));

        // a large record after a small one: the reused buffer grows and shrinks back to each record's size
        Double[] many = new Double[50_000];
        Arrays.fill(many, Math.PI);
        SensorReading large = SensorReading.newBuilder(reading).setValues(List.of(many)).build();
        assertThat(READINGS.encode(large)).isEqualTo(avroEncoding(large));
        assertThat(READINGS.encode(reading)).isEqualTo(avroEncoding(reading));
    }

    private static <T extends SpecificRecordBase> byte[] avroEncoding(T record)
            throws IOException {
        var encoder = new BinaryMessageEncoder<T>(
                SpecificData.getForClass(record.getClass()), record.getSchema());
        ByteBuffer buffer = encoder.encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Test
    void everyProperPrefixIsRejected() {
        byte[] bytes = valid();
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> READINGS.decode(prefix)).as("prefix of %d bytes", length)
                    .isInstanceOf(SerializationException.class).hasMessageStartingWith("not a SensorReading");
        }
    }

    @Test
    void bytesAfterTheRecordAreRejected() {
        byte[] bytes = Arrays.copyOf(valid(), valid().length + 3);
        assertThatThrownBy(() -> READINGS.decode(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 bytes follow the end of the record");
    }

    @Test
    void anotherSchemaIsNamed() {
        byte[] score = AvroSerde.of(AnomalyScore.class).encode(AnomalyScore.newBuilder().setSensorId("s")
                .setEventTime(Instant.EPOCH).setObserved(List.of(1.0)).setPredicted(List.of(1.0)).setPredictionError(0)
                .setAnomalyScore(0).setAnomaly(false).setChannelShares(List.of(1.0)).setLearnedReadings(0).build());
        assertThatThrownBy(() -> READINGS.decode(score)).hasMessageContaining("it is a AnomalyScore");
        byte[] unknown = valid();
        unknown[5] ^= 0x40;
        assertThatThrownBy(() -> READINGS.decode(unknown)).hasMessageContaining("unknown schema");
        assertThatThrownBy(() -> READINGS.decode(new byte[] {1, 2, 3})).hasMessageContaining("no single-object marker");
    }

    /**
     * Scores written before {@code signal} and {@code inEvent} existed (version 1 of the record,
     * as Avro's own single-object encoder writes them) still decode, with those fields defaulted.
     */
    @Test
    void anEarlierVersionOfARecordIsReadWithItsNewFieldsDefaulted() throws Exception {
        List<Schema> history = AvroSerde.history(AnomalyScore.class);
        assertThat(history).hasSize(4);
        Schema v1 = history.get(0);
        assertThat(v1.getField("signal")).isNull();
        GenericRecord old = new GenericRecordBuilder(v1)
                .set("sensorId", "pump-3").set("eventTime", 1_700_000_000_000L).set("observed", List.of(2.5))
                .set("predicted", List.of(2.0)).set("predictionError", 1.25).set("anomalyScore", 0.75)
                .set("anomaly", true).set("channelShares", List.of(1.0)).set("learnedReadings", 512L).build();
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(
                GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);

        AvroSerde<AnomalyScore> scores = AvroSerde.of(AnomalyScore.class);
        assertThat(scores.matches(bytes)).isTrue();
        assertThat(Arrays.copyOf(bytes, AvroSerde.HEADER_LENGTH)).as("another fingerprint than today's")
                .isNotEqualTo(scores.header());
        AnomalyScore decoded = scores.decode(bytes);
        assertThat(decoded.getSensorId()).isEqualTo("pump-3");
        assertThat(decoded.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(decoded.getAnomalyScore()).isEqualTo(0.75);
        assertThat(decoded.getAnomaly()).isTrue();
        assertThat(decoded.getLearnedReadings()).isEqualTo(512L);
        assertThat(decoded.getSignal()).isEqualTo(ScoreSignal.NONE);
        assertThat(decoded.getInEvent()).isFalse();

        assertThatThrownBy(() -> scores.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .as("an old record cut short").hasMessageStartingWith("not a AnomalyScore");
        assertThatThrownBy(() -> READINGS.decode(bytes)).hasMessageContaining("it is a AnomalyScore (version 1)");
    }

    /**
     * Version 3 added the signal {@code WEEKLY_SHIFT}. A version-2 score decodes unchanged, and a
     * consumer still reading with version 2 sees the new signal as its enum's default, NONE.
     */
    @Test
    void aNewSignalIsReadByVersion2ReadersAsNone() throws Exception {
        Schema v2 = AvroSerde.history(AnomalyScore.class).get(1);
        assertThat(v2.getField("signal").schema().getEnumSymbols()).doesNotContain("WEEKLY_SHIFT");
        AvroSerde<AnomalyScore> scores = AvroSerde.of(AnomalyScore.class);
        AnomalyScore now = AnomalyScore.newBuilder().setSensorId("pump-3").setEventTime(Instant.ofEpochMilli(1_000L))
                .setObserved(List.of(2.5)).setPredicted(List.of(2.0)).setPredictionError(1.25).setAnomalyScore(0.75)
                .setAnomaly(true).setChannelShares(List.of(1.0)).setLearnedReadings(512L)
                .setSignal(ScoreSignal.WEEKLY_SHIFT).setInEvent(true).build();
        byte[] bytes = scores.encode(now);

        BinaryMessageDecoder<GenericRecord> oldReader =
                new BinaryMessageDecoder<>(GenericData.get(), v2);
        oldReader.addSchema(AnomalyScore.getClassSchema());
        GenericRecord seenByV2 = oldReader.decode(bytes);
        assertThat(seenByV2.get("signal")).hasToString("NONE");
        assertThat(seenByV2.get("anomalyScore")).isEqualTo(0.75);
        assertThat(seenByV2.get("inEvent")).isEqualTo(true);

        GenericRecord old = new GenericRecordBuilder(v2)
                .set("sensorId", "pump-3").set("eventTime", 1_000L).set("observed", List.of(2.5))
                .set("predicted", List.of(2.0)).set("predictionError", 1.25).set("anomalyScore", 0.75)
                .set("anomaly", true).set("channelShares", List.of(1.0)).set("learnedReadings", 512L)
                .set("signal", new GenericData.EnumSymbol(v2.getField("signal").schema(), "LEVEL_SHIFT"))
                .set("inEvent", true).build();
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(
                GenericData.get(), v2).encode(old);
        byte[] oldBytes = new byte[buffer.remaining()];
        buffer.get(oldBytes);
        AnomalyScore decoded = scores.decode(oldBytes);
        assertThat(decoded.getSignal()).isEqualTo(ScoreSignal.LEVEL_SHIFT);
        assertThat(decoded.getInEvent()).isTrue();
        assertThatThrownBy(() -> READINGS.decode(oldBytes)).hasMessageContaining("it is a AnomalyScore (version 2)");
    }

    /** Version 5 added the signal {@code FLAT_LINE}; a consumer still reading with version 4 sees it as NONE. */
    @Test
    void theFlatLineSignalIsReadByVersion4ReadersAsNone() throws Exception {
        Schema v4 = AvroSerde.history(AnomalyScore.class).get(3);
        assertThat(v4.getField("signal").schema().getEnumSymbols()).contains("STATE_DISTANCE", "TRAINING")
                .doesNotContain("FLAT_LINE");
        AnomalyScore now = AnomalyScore.newBuilder().setSensorId("pump-3").setEventTime(Instant.ofEpochMilli(1_000L))
                .setObserved(List.of(2.5)).setPredicted(List.of(2.5)).setPredictionError(0.0).setAnomalyScore(0.62)
                .setAnomaly(true).setChannelShares(List.of(1.0)).setLearnedReadings(2_000L)
                .setSignal(ScoreSignal.FLAT_LINE).setInEvent(true).build();
        byte[] bytes = AvroSerde.of(AnomalyScore.class).encode(now);
        BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), v4);
        oldReader.addSchema(AnomalyScore.getClassSchema());
        GenericRecord seenByV4 = oldReader.decode(bytes);
        assertThat(seenByV4.get("signal")).hasToString("NONE");
        assertThat(seenByV4.get("anomalyScore")).isEqualTo(0.62);
    }

    /**
     * Version 4 added the signals {@code STATE_DISTANCE} and {@code TRAINING}; a consumer still
     * reading with version 3 sees them as NONE, and a version-3 score decodes unchanged.
     */
    @Test
    void theTrainingSignalsAreReadByVersion3ReadersAsNone() throws Exception {
        Schema v3 = AvroSerde.history(AnomalyScore.class).get(2);
        assertThat(v3.getField("signal").schema().getEnumSymbols()).contains("WEEKLY_SHIFT")
                .doesNotContain("STATE_DISTANCE", "TRAINING");
        AvroSerde<AnomalyScore> scores = AvroSerde.of(AnomalyScore.class);
        for (ScoreSignal signal : List.of(ScoreSignal.STATE_DISTANCE,
                ScoreSignal.TRAINING)) {
            AnomalyScore now = AnomalyScore.newBuilder().setSensorId("pump-3").setEventTime(Instant.ofEpochMilli(1_000L))
                    .setObserved(List.of(2.5)).setPredicted(List.of(2.0)).setPredictionError(1.25).setAnomalyScore(0.75)
                    .setAnomaly(false).setChannelShares(List.of(1.0)).setLearnedReadings(512L)
                    .setSignal(signal).setInEvent(true).build();
            byte[] bytes = scores.encode(now);
            BinaryMessageDecoder<GenericRecord> oldReader =
                    new BinaryMessageDecoder<>(GenericData.get(), v3);
            oldReader.addSchema(AnomalyScore.getClassSchema());
            assertThat(oldReader.decode(bytes).get("signal")).hasToString("NONE");
            assertThat(scores.decode(bytes).getSignal()).isEqualTo(signal);
        }
        GenericRecord old = new GenericRecordBuilder(v3)
                .set("sensorId", "pump-3").set("eventTime", 1_000L).set("observed", List.of(2.5))
                .set("predicted", List.of(2.0)).set("predictionError", 1.25).set("anomalyScore", 0.75)
                .set("anomaly", true).set("channelShares", List.of(1.0)).set("learnedReadings", 512L)
                .set("signal", new GenericData.EnumSymbol(v3.getField("signal").schema(), "WEEKLY_SHIFT"))
                .set("inEvent", true).build();
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(
                GenericData.get(), v3).encode(old);
        byte[] oldBytes = new byte[buffer.remaining()];
        buffer.get(oldBytes);
        assertThat(scores.decode(oldBytes).getSignal()).isEqualTo(ScoreSignal.WEEKLY_SHIFT);
    }

    /** Lengths and counts claiming far more than the value holds fail fast, without allocating them. */
    @Test
    void hugeLengthPrefixesFailWithoutAllocating() {
        long[] claims = {Integer.MAX_VALUE - 8, 500_000_000L, Long.MAX_VALUE / 2};
        for (long claim : claims) {
            ByteArrayOutputStream string = prefixed();
            varLong(string, claim); // the sensor id's length
            string.write('x');
            ByteArrayOutputStream array = withIdAndTime();
            varLong(array, claim); // the values' item count
            array.writeBytes(new byte[16]);
            ByteArrayOutputStream map = withIdAndTime();
            varLong(map, 1);
            map.writeBytes(new byte[8]);
            varLong(map, 0);
            varLong(map, 0); // unit: null
            varLong(map, claim); // the tags' entry count
            for (ByteArrayOutputStream hostile : List.of(string, array, map)) {
                long before = usedHeap();
                assertThatThrownBy(() -> READINGS.decode(hostile.toByteArray())).as("claim %d", claim)
                        .isInstanceOf(SerializationException.class).hasMessageStartingWith("not a SensorReading");
                assertThat(usedHeap() - before).as("heap grown by decoding a claim of %d", claim).isLessThan(64L << 20);
            }
        }
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static ByteArrayOutputStream prefixed() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(READINGS.header());
        return out;
    }

    private static ByteArrayOutputStream withIdAndTime() {
        ByteArrayOutputStream out = prefixed();
        varLong(out, 1);
        out.write('s');
        varLong(out, 1_000);
        return out;
    }

    static void varLong(ByteArrayOutputStream out, long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
    }
}
