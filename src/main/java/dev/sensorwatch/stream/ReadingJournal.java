package dev.sensorwatch.stream;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The store {@value TopologySettings#JOURNAL_STORE}: the readings each sensor's detector scored
 * since its stored checkpoint, one small entry per reading, so that a commit in which a sensor
 * scored a few readings writes those readings rather than the whole detector.
 *
 * <p>A sensor's detector is stored as a checkpoint (its two parts in {@value TopologySettings#STORE}
 * and {@value TopologySettings#MODEL_STORE}, see {@link SensorStateCodec}) taken after its
 * reading number {@code c}, plus the journal entries of its readings {@code c + 1}, {@code c + 2},
 * ... since. The detector is deterministic, so decoding the checkpoint and scoring the journal's
 * readings again gives, bit for bit, the detector that scored them. The entry of reading number
 * {@code n} is kept in slot {@code n mod k}, where {@code k} is the checkpoint interval: a checkpoint
 * is written before a sensor has {@code k} readings since the last one, so the slots of the
 * readings since never collide, and the entries a checkpoint left behind are overwritten in turn
 * (never deleted: a sensor keeps at most {@code k} entries), recognised as stale by their reading
 * number.
 *
 * <p>An entry's value: a format byte ({@value #FORMAT}), the reading number (8 bytes), the event
 * time in epoch milliseconds (8 bytes), and the channel values as IEEE 754 doubles (8 bytes each),
 * all big-endian; its key is the sensor id's length, its UTF-8 bytes and the slot (4 bytes).
 */
public final class ReadingJournal {

    /** The format byte that starts every entry. */
    static final byte FORMAT = 1;
    private static final int HEADER = 1 + Long.BYTES + Long.BYTES;

    /**
     * A journal entry: the detector's reading number {@code readings} (counting from 1) was the
     * reading at {@code eventTime} with {@code values}.
     */
    public record Entry(long readings, long eventTime, double[] values) {
    }

    private ReadingJournal() {
    }

    /** The builder of the store: persistent, changelogged, without a record cache. */
    static StoreBuilder<KeyValueStore<Bytes, byte[]>> builder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TopologySettings.JOURNAL_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled();
    }

    /** The key of the entry for {@code sensorId}'s reading number {@code readings}, with {@code slots} slots. */
    static Bytes key(String sensorId, long readings, int slots) {
        return SlotKeys.key(sensorId, (int) (readings % slots));
    }

    /** The bytes of an entry's value for a sensor with {@code channels} channels. */
    public static int entryBytes(int channels) {
        return HEADER + Double.BYTES * channels;
    }

    /** Encodes {@code entry}. */
    public static byte[] encode(Entry entry) {
        ByteBuffer buffer = ByteBuffer.allocate(entryBytes(entry.values().length))
                .put(FORMAT).putLong(entry.readings()).putLong(entry.eventTime());
        for (double v : entry.values()) {
            buffer.putDouble(v);
        }
        return buffer.array();
    }

    /**
     * Decodes an entry.
     *
     * @throws SerializationException if {@code bytes} is not an entry of this format
     */
    static Entry decode(byte[] bytes) {
        if (bytes.length < HEADER || bytes[0] != FORMAT || (bytes.length - HEADER) % Double.BYTES != 0) {
            throw new SerializationException("a reading journal entry of " + bytes.length + " bytes"
                    + (bytes.length > 0 ? " and format " + bytes[0] : "") + " cannot be read (format " + FORMAT
                    + " expected); reset the application (run --reset) to rebuild the state");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        long readings = buffer.getLong();
        long eventTime = buffer.getLong();
        double[] values = new double[(bytes.length - HEADER) / Double.BYTES];
        for (int c = 0; c < values.length; c++) {
            values[c] = buffer.getDouble();
        }
        return new Entry(readings, eventTime, values);
    }

    /**
     * The entries of a sensor's readings after its checkpoint, in order, and whether each sits in
     * the slot of its reading number modulo the slots the sensor uses now (not so when the
     * checkpoint interval changed since they were written).
     */
    record Since(List<Entry> entries, boolean inPlace) {
    }

    /**
     * The entries of {@code sensorId}'s readings after its reading number {@code checkpoint}, in
     * order (none if it has none), and whether they sit in their slots for {@code slots} slots.
     *
     * @throws SerializationException if an entry cannot be read or one in the run is missing
     */
    static Since since(ReadOnlyKeyValueStore<Bytes, byte[]> store, String sensorId, long checkpoint, int slots) {
        List<Entry> entries = new ArrayList<>();
        boolean inPlace = true;
        for (KeyValue<Bytes, byte[]> kv : SlotKeys.all(store, sensorId)) {
            Entry entry = decode(kv.value);
            if (entry.readings() > checkpoint) {
                entries.add(entry);
                inPlace &= kv.key.equals(key(sensorId, entry.readings(), slots));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::readings));
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).readings() != checkpoint + 1 + i) {
                throw new SerializationException("the reading journal of sensor " + sensorId + " misses reading "
                        + (checkpoint + 1 + i) + (checkpoint == 0 ? ", and it has no checkpoint yet"
                        : " after its checkpoint at reading " + checkpoint)
                        + "; reset the application (run --reset) to rebuild the state");
            }
        }
        return new Since(entries, inPlace);
    }

    /** The entries of {@code sensorId}'s readings after its reading number {@code checkpoint}, in order. */
    static List<Entry> since(ReadOnlyKeyValueStore<Bytes, byte[]> store, String sensorId, long checkpoint) {
        return since(store, sensorId, checkpoint, Integer.MAX_VALUE).entries();
    }
}
