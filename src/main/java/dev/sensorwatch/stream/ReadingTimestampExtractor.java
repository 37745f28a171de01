package dev.sensorwatch.stream;

import dev.sensorwatch.avro.SensorReading;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Gives each reading its event time ({@code SensorReading.eventTime}), so that windows, stream
 * time and output timestamps follow when readings were taken rather than when they arrived.
 *
 * <p>Reads the field straight from the single-object encoding without decoding the record: the
 * 10-byte header (marker and schema fingerprint), the {@code sensorId} string, then the
 * zig-zag varint {@code eventTime}. Anything it cannot read (another schema, truncated bytes, a
 * negative time) keeps the record's own timestamp, or the partition time if that is negative too:
 * the record is never dropped here, and the topology sends it to the dead-letter topic.
 *
 * <p>An event time {@linkplain #tooFarAhead too far ahead} of the record's own timestamp is not
 * trusted either: the record keeps its own timestamp, so that one reading from a sensor with a
 * broken clock cannot drag stream time years ahead, and the topology sees the gap and sends the
 * reading to the dead-letter topic as {@code future_timestamp}.
 */
public final class ReadingTimestampExtractor implements TimestampExtractor {

    private static final byte[] HEADER = header();

    private final long maxFutureSkewMillis;

    /** An extractor that trusts any event time, however far ahead of the record's timestamp. */
    public ReadingTimestampExtractor() {
        this(Long.MAX_VALUE);
    }

    /** An extractor that trusts event times at most {@code maxFutureSkewMillis} ahead of the record's timestamp. */
    public ReadingTimestampExtractor(long maxFutureSkewMillis) {
        if (maxFutureSkewMillis < 0) {
            throw new IllegalArgumentException("max future skew must not be negative, got " + maxFutureSkewMillis);
        }
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof byte[] bytes) {
            long eventTime = eventTime(bytes);
            if (eventTime >= 0 && !tooFarAhead(eventTime, record.timestamp(), maxFutureSkewMillis)) {
                return eventTime;
            }
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0L);
    }

    /**
     * The future-timestamp rule: whether {@code eventTime} is later than {@code recordTimestamp}
     * by more than {@code maxSkewMillis} (a lead of exactly {@code maxSkewMillis} is accepted). A
     * record without a timestamp (negative) is never too far ahead.
     */
    public static boolean tooFarAhead(long eventTime, long recordTimestamp, long maxSkewMillis) {
        // eventTime > recordTimestamp >= 0, so the difference cannot overflow
        return recordTimestamp >= 0 && eventTime > recordTimestamp && eventTime - recordTimestamp > maxSkewMillis;
    }

    /** The event time encoded in {@code bytes}, or -1 if they are not a readable reading. */
    public static long eventTime(byte[] bytes) {
        if (bytes.length < HEADER.length + 2) {
            return -1;
        }
        for (int i = 0; i < HEADER.length; i++) {
            if (bytes[i] != HEADER[i]) {
                return -1;
            }
        }
        int[] position = {HEADER.length};
        long idLength = readVarLong(bytes, position);
        if (idLength < 0 || idLength > bytes.length - position[0]) {
            return -1;
        }
        position[0] += (int) idLength;
        long eventTime = readVarLong(bytes, position);
        return position[0] < 0 ? -1 : Math.max(eventTime, -1);
    }

    /** Reads one zig-zag varint; sets {@code position[0]} to -1 when the bytes end too early. */
    private static long readVarLong(byte[] bytes, int[] position) {
        long raw = 0;
        int shift = 0;
        int p = position[0];
        while (true) {
            if (p >= bytes.length || shift > 63) {
                position[0] = -1;
                return -1;
            }
            byte b = bytes[p++];
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        position[0] = p;
        return (raw >>> 1) ^ -(raw & 1);
    }

    private static byte[] header() {
        return AvroSerde.of(SensorReading.class).header();
    }
}
