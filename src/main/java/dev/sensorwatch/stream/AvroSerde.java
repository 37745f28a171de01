package dev.sensorwatch.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one generated Avro record class in Avro's single-object encoding: two marker
 * bytes {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of the writer's schema, then the Avro
 * binary record. No schema registry is involved; a decoder knows the schemas it can read.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecordBase> implements Serde<T> {

    private final Class<T> type;
    private final byte[] header;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> type) {
        AvroRecords.trust();
        this.type = type;
        SpecificData data = SpecificData.getForClass(type);
        org.apache.avro.Schema schema = SpecificData.get().getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(data, schema);
        long fingerprint = org.apache.avro.SchemaNormalization.parsingFingerprint64(schema);
        this.header = new byte[HEADER_LENGTH];
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i)); // little-endian, as Avro writes it
        }
        this.decoder = new BinaryMessageDecoder<>(data, schema);
    }

    /** Length of the single-object header: marker and schema fingerprint. */
    public static final int HEADER_LENGTH = 10;

    /** The 10 bytes every encoding of this record starts with. */
    public byte[] header() {
        return header.clone();
    }

    /** Whether {@code bytes} start with this record's header (they may still be malformed). */
    public boolean matches(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_LENGTH) {
            return false;
        }
        for (int i = 0; i < HEADER_LENGTH; i++) {
            if (bytes[i] != header[i]) {
                return false;
            }
        }
        return true;
    }

    /** Returns a serde for {@code type}. */
    public static <T extends SpecificRecordBase> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type);
    }

    /** Encodes {@code record} in single-object encoding. */
    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes single-object-encoded bytes.
     *
     * @throws SerializationException saying why the bytes are not a {@code T}
     */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new SerializationException("no " + type.getSimpleName() + ": the value is null");
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new SerializationException("not a " + type.getSimpleName() + " (" + bytes.length
                    + " bytes): " + why, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
