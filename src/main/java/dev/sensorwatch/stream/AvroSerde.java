package dev.sensorwatch.stream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
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
 * <p>Older versions of a record stay readable: a decoder also reads bytes written with an earlier
 * schema of the record shipped under {@code dev/sensorwatch/avro/history/<Record>-<n>.avsc}, and
 * gives fields added since then their defaults (Avro schema resolution).
 *
 * <p>Decoding is strict and bounded, because values come from the outside: the bytes must be
 * exactly one record written with this record's schema or an earlier one (another schema's fingerprint, a record
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
    /** Readers of the record's earlier schemas, by their fingerprint. */
    private final Map<Long, ThreadLocal<SpecificDatumReader<T>>> olderReaders = new HashMap<>();

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
        for (Schema older : history(type)) {
            olderReaders.put(SchemaNormalization.parsingFingerprint64(older),
                    ThreadLocal.withInitial(() -> new SpecificDatumReader<>(older, schema, data)));
        }
    }

    /** The earlier schemas of {@code type} shipped as resources, oldest first. */
    static List<Schema> history(Class<?> type) {
        List<Schema> schemas = new ArrayList<>();
        for (int version = 1; ; version++) {
            String resource = "/dev/sensorwatch/avro/history/" + type.getSimpleName() + "-" + version + ".avsc";
            try (InputStream in = AvroSerde.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return schemas;
                }
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
    }

    /** Length of the single-object header: marker and schema fingerprint. */
    public static final int HEADER_LENGTH = 10;

    /** The 10 bytes every encoding of this record starts with. */
    public byte[] header() {
        return header.clone();
    }

    /**
     * Whether {@code bytes} start with the header of this record's schema or of one of its earlier
     * schemas (they may still be malformed).
     */
    public boolean matches(byte[] bytes) {
        return readerFor(bytes) != null;
    }

    /** The reader for the schema named in {@code bytes}' header, or null if there is none. */
    private SpecificDatumReader<T> readerFor(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_LENGTH || bytes[0] != header[0] || bytes[1] != header[1]) {
            return null;
        }
        long theirs = fingerprintOf(bytes);
        if (theirs == fingerprint) {
            return reader.get();
        }
        ThreadLocal<SpecificDatumReader<T>> older = olderReaders.get(theirs);
        return older == null ? null : older.get();
    }

    private static long fingerprintOf(byte[] bytes) {
        long theirs = 0;
        for (int i = 0; i < 8; i++) {
            theirs |= (bytes[2 + i] & 0xFFL) << (8 * i);
        }
        return theirs;
    }

    /** Returns a serde for {@code type}. */
    public static <T extends SpecificRecordBase> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type);
    }

    /**
     * A thread's reusable output: a growing buffer and a direct (unbuffered) binary encoder over it,
     * so that an encoding costs one copy of its bytes.
     */
    private static final class Writing<T> extends ByteArrayOutputStream {
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
        SpecificDatumReader<T> datumReader = readerFor(bytes);
        if (datumReader == null) {
            throw notA(bytes, headerProblem(bytes), null);
        }
        // a decoder over the array (not a stream) knows how many bytes are left: Avro then refuses
        // lengths and item counts that the rest of the value cannot hold, before allocating
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        T record;
        try {
            record = datumReader.read(null, in);
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
        long theirs = fingerprintOf(bytes);
        String known = Known.NAMES.get(theirs);
        if (known != null) {
            return "it is a " + known;
        }
        return "written with an unknown schema (fingerprint " + HexFormat.of().toHexDigits(theirs) + ", "
                + type.getSimpleName() + "'s is " + HexFormat.of().toHexDigits(fingerprint) + ")";
    }

    /** The fingerprints of sensorwatch's own records, to name the one that came instead. */
    private static final class Known {
        static final Map<Long, String> NAMES = names();

        private static Map<Long, String> names() {
            Map<Long, String> names = new HashMap<>();
            for (Class<?> known : AvroRecords.CLASSES) {
                names.put(SchemaNormalization.parsingFingerprint64(SpecificData.get().getSchema(known)),
                        known.getSimpleName());
                List<Schema> older = history(known);
                for (int v = 0; v < older.size(); v++) {
                    names.put(SchemaNormalization.parsingFingerprint64(older.get(v)),
                            known.getSimpleName() + " (version " + (v + 1) + ")");
                }
            }
            return Map.copyOf(names);
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
