package dev.sensorwatch.stream;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.detect.SensorDetector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The detectors of one stream task: the state store {@value TopologySettings#STORE} (each
 * sensor's per-reading state, see {@link SensorStateCodec}) together with the decoded detectors
 * of the sensors the task scored last, held in memory and written back once per commit.
 *
 * <p>A reading takes its sensor's detector ({@link #take}): the one held in memory, or else the
 * one decoded from the stores (the model from {@value TopologySettings#MODEL_STORE}), or none for
 * a new sensor; the processor advances it and hands it back ({@link #keep}), marked changed. Kafka
 * Streams flushes a task's stores before it commits (on every commit interval, and before a task
 * is suspended or closed cleanly); this store then encodes each changed detector once and writes
 * it: the per-reading part every time, the model only when its
 * {@linkplain SensorDetector#modelVersion() version} moved since it was last written. The writes
 * go through the stores' changelogging layers into the transaction being committed, so state and
 * offsets are committed together: a sensor that saw 40 readings in a commit interval is encoded
 * and written once, not 40 times, and its scores stay bit-identical to a run that wrote every
 * reading. At most {@code capacity} sensors are held; the least recently used one leaves first,
 * written then if it changed. A capacity of 0 writes every reading as it is scored.
 *
 * <p>What is held in memory is never more than the task's uncommitted work: it is dropped, never
 * written, when Kafka Streams clears the task's caches, and when the store is closed or opened
 * again (a task that failed, moved to another instance, or came back restores from the changelog
 * and decodes). A reading whose processing fails must fail its task (Kafka Streams' default
 * processing exception handler): the task then starts again from its last commit, state and
 * offsets together.
 *
 * <p>Kafka Streams offers no public hook before a commit: a store's {@link #flush()} runs only when
 * it writes a checkpoint, after the commit. This store therefore implements Kafka Streams' internal
 * {@link CachedStateStore}, whose {@link #flushCache()} the task calls before every commit, as it
 * does for its own record caches; {@code DetectorStoreTest} and the crash tests hold that contract
 * to the Kafka Streams release in the build. The inner stores are built without a record cache,
 * so what this store writes reaches the changelog during the flush.
 *
 * <p>Not thread-safe; one per task, used by its stream thread only.
 */
public final class DetectorStore implements StateStore, CachedStateStore<String, byte[]> {

    /**
     * A sensor's detector as the processor holds it between {@link #take} and {@link #keep}.
     * Created for a new sensor with {@link #fresh}.
     */
    public static final class Held {

        private final SensorDetector detector;
        private boolean fromMemory;
        private boolean changed;
        /** Whether the model store holds this detector's model at {@link #modelWritten}. */
        private boolean modelStored;
        private long modelWritten;

        private Held(SensorDetector detector, boolean fromMemory, boolean modelStored, long modelWritten) {
            this.detector = detector;
            this.fromMemory = fromMemory;
            this.modelStored = modelStored;
            this.modelWritten = modelWritten;
        }

        /** A new sensor's detector, nothing of it stored yet. */
        public static Held fresh(SensorDetector detector) {
            return new Held(detector, false, false, 0);
        }

        /** The detector. */
        public SensorDetector detector() {
            return detector;
        }

        /** Whether it was held in memory, rather than decoded from the stores. */
        public boolean fromMemory() {
            return fromMemory;
        }

        /** Marks the detector as changed by a reading: it is written at the next flush. */
        public void changed() {
            changed = true;
        }
    }

    private final KeyValueStore<String, byte[]> live;
    private final int capacity;
    private final SensorStateCodec codec = new SensorStateCodec();
    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>(16, 0.75f, true);
    private KeyValueStore<String, byte[]> models;
    private long writes;
    private long modelWrites;

    DetectorStore(KeyValueStore<String, byte[]> live, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("the detector cache capacity must not be negative, got " + capacity);
        }
        this.live = live;
        this.capacity = capacity;
    }

    /**
     * The builder of the store {@value TopologySettings#STORE}: persistent, changelogged, without
     * a record cache, holding up to {@code capacity} decoded detectors per task.
     */
    public static StoreBuilder<DetectorStore> builder(int capacity) {
        return new Builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TopologySettings.STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled(), capacity);
    }

    /**
     * The builder of the store {@value TopologySettings#MODEL_STORE}: persistent, changelogged, and
     * without a record cache, so that what a {@link DetectorStore} writes there while Kafka
     * Streams flushes the task reaches the changelog in the same commit.
     */
    public static StoreBuilder<KeyValueStore<String, byte[]>> modelsBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TopologySettings.MODEL_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled();
    }

    /** Gives the store the task's model store, {@value TopologySettings#MODEL_STORE}; before the first {@link #take}. */
    void attach(KeyValueStore<String, byte[]> modelStore) {
        this.models = modelStore;
    }

    /**
     * Removes and returns the detector of {@code sensorId}: the one held in memory, or else the one
     * the stores hold, decoded with {@code config}; null for a sensor the stores do not know. The
     * caller owns it until it {@linkplain #keep keeps} it again.
     *
     * @throws org.apache.kafka.common.errors.SerializationException if the stored state cannot be read
     */
    Held take(String sensorId, DetectorConfig config) {
        Held entry = held.remove(sensorId);
        if (entry != null) {
            entry.fromMemory = true;
            return entry;
        }
        byte[] stored = live.get(sensorId);
        if (stored == null) {
            return null;
        }
        boolean apart = SensorStateCodec.keepsModelApart(stored);
        byte[] model = apart ? models.get(sensorId) : null;
        SensorDetector detector = SensorDetector.restore(config, codec.decode(stored, model));
        // a whole state of an earlier release keeps no model apart: the first write writes one
        return new Held(detector, false, apart, detector.modelVersion());
    }

    /**
     * Holds {@code entry} again as the detector of {@code sensorId}; one it displaces, or this one
     * when the capacity is 0, is written first if it changed.
     */
    void keep(String sensorId, Held entry) {
        if (capacity == 0) {
            write(sensorId, entry);
            return;
        }
        held.put(sensorId, entry);
        if (held.size() > capacity) {
            var eldest = held.entrySet().iterator().next();
            held.remove(eldest.getKey());
            write(eldest.getKey(), eldest.getValue());
        }
    }

    /** Writes every changed detector held: its per-reading part, and its model if that moved. */
    void writeChanged() {
        List<Map.Entry<String, Held>> changed = new ArrayList<>();
        for (Map.Entry<String, Held> e : held.entrySet()) {
            if (e.getValue().changed) {
                changed.add(e);
            }
        }
        for (Map.Entry<String, Held> e : changed) {
            write(e.getKey(), e.getValue());
        }
    }

    private void write(String sensorId, Held entry) {
        if (!entry.changed) {
            return;
        }
        DetectorState state = entry.detector.snapshot();
        long version = entry.detector.modelVersion();
        if (!entry.modelStored || version != entry.modelWritten) {
            models.put(sensorId, codec.encodeModel(state));
            modelWrites++;
            entry.modelStored = true;
            entry.modelWritten = version;
        }
        live.put(sensorId, codec.encodeLive(state));
        entry.changed = false;
        writes++;
    }

    /** Detectors held in memory. */
    int held() {
        return held.size();
    }

    /** Detectors written to the stores since the store was built. */
    long writes() {
        return writes;
    }

    /** Models written since the store was built. */
    long modelWrites() {
        return modelWrites;
    }

    /**
     * The store of per-reading parts beneath, as last written; what it holds may be older than a
     * detector held in memory until the next flush.
     */
    KeyValueStore<String, byte[]> inner() {
        return live;
    }

    // ---- Kafka Streams' side -------------------------------------------------------------

    /** Writes the changed detectors; Kafka Streams calls this before every commit of the task. */
    @Override
    public void flushCache() {
        writeChanged();
    }

    /** Drops every detector held, written or not: the task starts again from its stores. */
    @Override
    public void clearCache() {
        held.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return live.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        held.clear();
        live.init(context, root);
    }

    @Override
    public void flush() {
        live.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        live.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return live.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return live.managesOffsets();
    }

    @Override
    public void close() {
        held.clear();
        live.close();
    }

    @Override
    public boolean persistent() {
        return live.persistent();
    }

    @Override
    public boolean isOpen() {
        return live.isOpen();
    }

    @Override
    public Position getPosition() {
        return live.getPosition();
    }

    /** Builds a {@link DetectorStore} around the store its inner builder builds. */
    private static final class Builder implements StoreBuilder<DetectorStore> {

        private StoreBuilder<KeyValueStore<String, byte[]>> inner;
        private final int capacity;

        Builder(StoreBuilder<KeyValueStore<String, byte[]>> inner, int capacity) {
            this.inner = inner;
            this.capacity = capacity;
        }

        @Override
        public StoreBuilder<DetectorStore> withCachingEnabled() {
            throw new UnsupportedOperationException("the detector store holds decoded detectors instead of a record cache");
        }

        @Override
        public StoreBuilder<DetectorStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<DetectorStore> withLoggingEnabled(Map<String, String> config) {
            inner = inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<DetectorStore> withLoggingDisabled() {
            inner = inner.withLoggingDisabled();
            return this;
        }

        @Override
        public DetectorStore build() {
            return new DetectorStore(inner.build(), capacity);
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
