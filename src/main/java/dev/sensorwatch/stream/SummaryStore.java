package dev.sensorwatch.stream;

import dev.sensorwatch.avro.SensorSummary;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The store {@value FleetViewStores#SUMMARIES} of one stream task: each sensor's
 * {@code SensorSummary}, with the decoded summaries of the sensors the task scored last held in
 * memory and written back once per commit ({@link CommitBufferedStore}), as {@link DetectorStore}
 * does with detectors. A sensor
 * that scores many readings per commit interval (a replay, a busy sensor) has its summary encoded
 * and written once per commit instead of once per reading.
 *
 * <p>{@link FleetViewRecorder} {@linkplain #take takes} a sensor's summary (the one held, or the
 * one decoded from the store beneath) and {@linkplain #keep keeps} it advanced; before every
 * commit of the task each changed summary is written into the store beneath, whose changelog
 * writes go into the transaction being committed. At most {@value #CAPACITY} summaries are held; the least
 * recently used one leaves first, written if it changed. {@link #clearCache()}, called when the
 * task's uncommitted work is dropped, drops them unwritten.
 *
 * <p>Read as a key-value store (the fleet view's interactive queries), it is the store beneath:
 * the summaries as of the task's last commit, never newer than the scores a read-committed
 * consumer can read. Written as one, the value goes to the store beneath and the sensor's held
 * summary is dropped. Not thread-safe for writing; one per task, written by its stream thread only.
 */
public final class SummaryStore extends CommitBufferedStore implements KeyValueStore<String, byte[]> {

    /** Decoded summaries a task holds. */
    static final int CAPACITY = 1024;

    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>(16, 0.75f, true);

    /** A held summary and whether it changed since it was written. */
    private static final class Held {
        private SensorSummary summary;
        private boolean changed;

        Held(SensorSummary summary, boolean changed) {
            this.summary = summary;
            this.changed = changed;
        }
    }

    SummaryStore(KeyValueStore<String, byte[]> inner) {
        super(inner);
    }

    /** The builder of the store: persistent and changelogged, its own holding in place of a record cache. */
    static StoreBuilder<SummaryStore> builder() {
        return new Builder<>(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FleetViewStores.SUMMARIES),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled(), SummaryStore::new);
    }

    /**
     * The summary store {@code store} is: Kafka Streams hands a processor its key-value stores
     * wrapped in a read-write decorator (an internal {@link WrappedStateStore}), unwrapped here.
     *
     * @throws IllegalArgumentException if it is not a summary store
     */
    static SummaryStore of(StateStore store) {
        StateStore s = store;
        while (!(s instanceof SummaryStore) && s instanceof WrappedStateStore<?, ?, ?> wrapped) {
            s = wrapped.wrapped();
        }
        if (s instanceof SummaryStore summaries) {
            return summaries;
        }
        throw new IllegalArgumentException("store " + store.name() + " is not a summary store: " + store.getClass());
    }

    /** The summary of {@code sensorId}: the one held, or the one stored, decoded; null if it has none. */
    SensorSummary take(String sensorId) {
        Held entry = held.get(sensorId);
        if (entry != null) {
            return entry.summary;
        }
        byte[] stored = inner.get(sensorId);
        return stored == null ? null : FleetViewStores.decodeSummary(stored);
    }

    /** Holds {@code summary} as {@code sensorId}'s, changed: written at the next flush, or when it leaves. */
    void keep(String sensorId, SensorSummary summary) {
        Held entry = held.get(sensorId);
        if (entry != null) {
            entry.summary = summary;
            entry.changed = true;
            return;
        }
        held.put(sensorId, new Held(summary, true));
        if (held.size() > CAPACITY) {
            var eldest = held.entrySet().iterator().next();
            held.remove(eldest.getKey());
            write(eldest.getKey(), eldest.getValue());
        }
    }

    /** Summaries held in memory. */
    int held() {
        return held.size();
    }

    private void write(String sensorId, Held entry) {
        if (entry.changed) {
            inner.put(sensorId, FleetViewStores.SUMMARY_SERDE.encode(entry.summary));
            entry.changed = false;
        }
    }

    @Override
    void writeHeld() {
        held.forEach(this::write);
    }

    @Override
    void dropHeld() {
        held.clear();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    // ---- as a key-value store: the store beneath ------------------------------------------

    @Override
    public byte[] get(String key) {
        return inner.get(key);
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<String, byte[]> reverseRange(String from, String to) {
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
        return inner.all();
    }

    @Override
    public KeyValueIterator<String, byte[]> reverseAll() {
        return inner.reverseAll();
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public void put(String key, byte[] value) {
        held.remove(key);
        inner.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(String key, byte[] value) {
        held.remove(key);
        return inner.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<String, byte[]>> entries) {
        entries.forEach(e -> held.remove(e.key));
        inner.putAll(entries);
    }

    @Override
    public byte[] delete(String key) {
        held.remove(key);
        return inner.delete(key);
    }
}
