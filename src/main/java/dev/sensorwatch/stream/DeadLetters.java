package dev.sensorwatch.stream;

import dev.sensorwatch.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds dead letters: the original key and value bytes, where the record came from, and why it
 * could not be scored. A reading that passed through the repartition topic carries its original
 * coordinates in headers, and its dead letter names those, not the repartition topic's.
 *
 * <p>A dead letter carries the whole record, so it is a little larger than the record itself. So
 * that a record near Kafka's size limit (1 MiB by default, for producers and topics alike)
 * cannot make the dead-letter write fail and stop the application, a dead letter that would
 * exceed {@link #MAX_BYTES} leaves the original value out (then the key in its body, then the
 * record key), says so in its detail, and still names the topic, partition and offset where the
 * whole record can be read.
 *
 * <p>Dead letters are written in the topology's {@link OutputFormat}: Avro {@code DeadLetter}s,
 * or their JSON form ({@link RecordJson#deadLetter}); the size limit holds for either.
 */
final class DeadLetters {

    /** The largest dead letter written, key and value together: below Kafka's default 1 MiB limits. */
    static final int MAX_BYTES = 1_000_000;

    static final String ORIGINAL_TOPIC = "sensorwatch.original.topic";
    static final String ORIGINAL_PARTITION = "sensorwatch.original.partition";
    static final String ORIGINAL_OFFSET = "sensorwatch.original.offset";
    static final String ORIGINAL_KEY = "sensorwatch.original.key";

    private final AvroSerde<DeadLetter> serde = AvroSerde.of(DeadLetter.class);
    private final RecordJson json;

    /** A builder of dead letters written in {@code format}. */
    DeadLetters(OutputFormat format) {
        this.json = format == OutputFormat.JSON ? new RecordJson() : null;
    }

    private byte[] encode(DeadLetter letter) {
        return json == null ? serde.encode(letter) : json.deadLetter(letter);
    }

    /** Adds the record's current coordinates as headers, before it is repartitioned. */
    static void markOrigin(Headers headers, ProcessorContext<?, ?> context, byte[] key) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        if (meta == null || headers.lastHeader(ORIGINAL_TOPIC) != null) {
            return;
        }
        headers.add(ORIGINAL_TOPIC, meta.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(meta.partition()).array());
        headers.add(ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(meta.offset()).array());
        if (key != null) {
            headers.add(ORIGINAL_KEY, key);
        }
    }

    /** The dead letter for {@code record}, rejected for {@code reason}, as a routed record. */
    Routed of(ProcessorContext<?, ?> context, Record<?, byte[]> record, byte[] key, DeadLetterReason reason,
              String detail) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        Headers headers = record.headers();
        String topic = meta == null ? "" : meta.topic();
        int partition = meta == null ? -1 : meta.partition();
        long offset = meta == null ? -1 : meta.offset();
        byte[] originalKey = key;
        Header originalTopic = headers.lastHeader(ORIGINAL_TOPIC);
        if (originalTopic != null) {
            topic = new String(originalTopic.value(), StandardCharsets.UTF_8);
            partition = ByteBuffer.wrap(headers.lastHeader(ORIGINAL_PARTITION).value()).getInt();
            offset = ByteBuffer.wrap(headers.lastHeader(ORIGINAL_OFFSET).value()).getLong();
            Header k = headers.lastHeader(ORIGINAL_KEY);
            originalKey = k == null ? null : k.value();
        }
        DeadLetter letter = DeadLetter.newBuilder()
                .setKey(originalKey == null ? null : ByteBuffer.wrap(originalKey))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setTimestamp(Instant.ofEpochMilli(record.timestamp()))
                .setReason(reason.code())
                .setDetail(detail)
                .build();
        byte[] encoded = encode(letter);
        byte[] recordKey = originalKey;
        if (encoded.length + length(recordKey) > MAX_BYTES) {
            String where = " at " + topic + "-" + partition + "@" + offset;
            letter = DeadLetter.newBuilder(letter).setValue(null)
                    .setDetail(detail + "; the value (" + length(record.value()) + " bytes) is left out of this dead "
                            + "letter, over its " + MAX_BYTES + "-byte limit: read it" + where).build();
            encoded = encode(letter);
            if (encoded.length + length(recordKey) > MAX_BYTES) {
                letter = DeadLetter.newBuilder(letter).setKey(null)
                        .setDetail(letter.getDetail() + "; so is the key (" + length(originalKey) + " bytes)").build();
                encoded = encode(letter);
            }
            if (encoded.length + length(recordKey) > MAX_BYTES) {
                recordKey = null;
            }
        }
        return Routed.deadLetter(recordKey, encoded);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
