package dev.sensorwatch.stream;

import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
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
 * <p>Decoding is strict and bounded, because values come from the outside: the bytes must be
 * exactly one record written with this record's schema (another schema's fingerprint, a record
 * cut short and bytes after the end of the record are all errors), and no string, byte array,
 * array or map may claim more items or bytes than the value has left, so a hostile length
 * prefix fails with an error instead of allocating gigabytes.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecordBase> implements Serde<T> {

    private final Class<T> type;
    private final byte[] header;
    private final ThreadLocal<Writing<T>> writing;
    private final long fingerprint;
    private final ThreadLocal<SpecificDatumReader<T>> reader;

    private AvroSerde(Class<T> type) {
        AvroRecords.trust();
        this.type = type;
        SpecificData data = SpecificData.getForClass(type);
        Schema schema = SpecificData.get().getSchema(type);
        this.writing = ThreadLocal.withInitial(() -> new Writing<>(new SpecificDatumWriter<>(schema, data)));
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.header = new byte[HEADER_LENGTH];
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i)); // little-endian, as Avro writes it
        }
        this.reader = ThreadLocal.withInitial(() -> new SpecificDatumReader<>(schema, schema, data));
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

    /**
     * A thread's reusable output: a growing buffer and a direct (unbuffered) binary encoder over it,
     * so that an encoding costs one copy of its bytes.
     */
    private static final class Writing<T> extends java.io.ByteArrayOutputStream {
        final SpecificDatumWriter<T> writer;
        BinaryEncoder encoder;

        Writing(SpecificDatumWriter<T> writer) {
            super(1024);
            this.writer = writer;
        }
    }

    /** Encodes {@code record} in single-object encoding: the header, then the Avro binary record. */
    public byte[] encode(T record) {
        Writing<T> w = writing.get();
        try {
            w.reset();
            w.write(header, 0, HEADER_LENGTH);
            w.encoder = EncoderFactory.get().directBinaryEncoder(w, w.encoder);
            w.writer.write(record, w.encoder);
            w.encoder.flush();
            return w.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes single-object-encoded bytes: exactly one {@code T}, nothing before or after it.
     *
     * @throws SerializationException saying why the bytes are not a {@code T}
     */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new SerializationException("no " + type.getSimpleName() + ": the value is null");
        }
        if (!matches(bytes)) {
            throw notA(bytes, headerProblem(bytes), null);
        }
        // a decoder over the array (not a stream) knows how many bytes are left: Avro then refuses
        // lengths and item counts that the rest of the value cannot hold, before allocating
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        T record;
        try {
            record = reader.get().read(null, in);
        } catch (IOException | RuntimeException e) {
            throw notA(bytes, cause(e), e);
        }
        try {
            if (!in.isEnd()) {
                throw notA(bytes, in.remainingBytes() + " bytes follow the end of the record", null);
            }
        } catch (IOException e) {
            throw notA(bytes, cause(e), e);
        }
        return record;
    }

    private SerializationException notA(byte[] bytes, String why, Exception cause) {
        return new SerializationException("not a " + type.getSimpleName() + " (" + bytes.length + " bytes): " + why,
                cause);
    }

    private String headerProblem(byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != header[0] || bytes[1] != header[1]) {
            return "no single-object marker C3 01 at the start";
        }
        if (bytes.length < HEADER_LENGTH) {
            return "the single-object header is cut short";
        }
        long theirs = 0;
        for (int i = 0; i < 8; i++) {
            theirs |= (bytes[2 + i] & 0xFFL) << (8 * i);
        }
        String known = Known.NAMES.get(theirs);
        if (known != null) {
            return "it is a " + known;
        }
        return "written with an unknown schema (fingerprint " + HexFormat.of().toHexDigits(theirs) + ", "
                + type.getSimpleName() + "'s is " + HexFormat.of().toHexDigits(fingerprint) + ")";
    }

    /** The fingerprints of sensorwatch's own records, to name the one that came instead. */
    private static final class Known {
        static final java.util.Map<Long, String> NAMES = names();

        private static java.util.Map<Long, String> names() {
            java.util.Map<Long, String> names = new java.util.HashMap<>();
            for (Class<?> known : AvroRecords.CLASSES) {
                names.put(SchemaNormalization.parsingFingerprint64(SpecificData.get().getSchema(known)),
                        known.getSimpleName());
            }
            return java.util.Map.copyOf(names);
        }
    }

    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof EOFException) {
            return "the value ends inside the record" + (root.getMessage() == null ? "" : " (" + root.getMessage() + ")");
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
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
