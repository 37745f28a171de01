package dev.sensorwatch.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Keys of the stores that keep a ring of slots per sensor: the sensor id's length, its UTF-8
 * bytes, then the slot as a 4-byte big-endian integer, so that one sensor's entries share a
 * prefix no other sensor's have and a prefix scan finds them all.
 */
final class SlotKeys {

    private SlotKeys() {
    }

    /** The key of {@code sensorId}'s slot {@code slot}. */
    static Bytes key(String sensorId, int slot) {
        byte[] prefix = prefix(sensorId);
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Integer.BYTES).put(prefix).putInt(slot).array());
    }

    /** Every entry of {@code sensorId} in {@code store}, in slot order. */
    static List<KeyValue<Bytes, byte[]>> all(ReadOnlyKeyValueStore<Bytes, byte[]> store, String sensorId) {
        List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(Bytes.wrap(prefix(sensorId)),
                Serdes.Bytes().serializer())) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }

    private static byte[] prefix(String sensorId) {
        byte[] id = sensorId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Integer.BYTES + id.length).putInt(id.length).put(id).array();
    }
}
