package dev.sensorwatch.stream;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.detect.SensorDetector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The detectors of one stream task: the state store {@value TopologySettings#STORE} (each
 * sensor's per-reading state, see {@link SensorStateCodec}) together with the decoded detectors
 * of the sensors the task scored last, held in memory and written back once per commit.
 *
 * <p>A reading takes its sensor's detector ({@link #take}): the one held in memory, or else the
 * one decoded from the stores, or none for a new sensor; the processor advances it and hands it
 * back ({@link #keep}), marked changed with the reading it scored. Kafka Streams flushes a task's
 * stores before it commits (on every commit interval, and before a task is suspended or closed
 * cleanly); this store then writes each changed detector once, in one of two ways:
 * <ul>
 *   <li>a <b>checkpoint</b>: the whole detector, its per-reading part to
 *       {@value TopologySettings#STORE} and its model to {@value TopologySettings#MODEL_STORE}, the
 *       model only when its {@linkplain SensorDetector#modelVersion() version} moved since it was
 *       last written. A detector is checkpointed when it has scored {@code checkpointEvery}
 *       readings or more since its last checkpoint (so a sensor that scores many readings per
 *       commit is written whole once per commit; in a training period, whose checkpoints rewrite
 *       the buffered training readings, when its readings have doubled since, see
 *       {@link #interval}), when it finished its training period (its training
 *       journal is then deleted), and when it was decoded from a journal written with another
 *       checkpoint interval (whose slots the next entries could overwrite);</li>
 *   <li>otherwise, the readings it scored since the last flush, each as a small entry of the
 *       {@linkplain ReadingJournal reading journal}, {@value TopologySettings#JOURNAL_STORE}.</li>
 * </ul>
 * A new sensor's checkpoint is its fresh detector, which the configuration gives: nothing is
 * stored for it until its first checkpoint is due, only its journal. A detector decoded from the
 * stores is its checkpoint (the fresh one, for a sensor without a stored checkpoint) with the
 * journal's readings since scored again; the detector is deterministic, so it is bit for bit the one that scored them. The writes
 * go through the stores' changelogging layers into the transaction being committed, so state and
 * offsets are committed together: a sensor that saw 40 readings in a commit interval is encoded
 * and written once, not 40 times; a sensor of a fleet that scores one reading per commit interval
 * writes a journal entry of a few dozen bytes per reading and its whole detector once in
 * {@code checkpointEvery} readings; and its scores stay bit-identical to a run that wrote every
 * reading. At most {@code capacity} sensors are held; the least recently used one leaves first,
 * written then as at a commit, and is decoded from its checkpoint and journal when its sensor
 * comes back: with many more sensors than room, each reading decodes its sensor and scores up to
 * {@code checkpointEvery} - 1 journal readings again, CPU traded for the bytes a checkpoint would
 * write. A capacity of 0 checkpoints every reading as it is scored.
 *
 * <p>What is held in memory is never more than the task's uncommitted work: it is dropped, never
 * written, when Kafka Streams clears the task's caches, and when the store is closed or opened
 * again (a task that failed, moved to another instance, or came back restores from the changelog
 * and decodes). A reading whose processing fails must fail its task (Kafka Streams' default
 * processing exception handler): the task then starts again from its last commit, state and
 * offsets together.
 *
 * <p>The write before each commit rests on Kafka Streams' internal cache-flush hook, see
 * {@link CommitBufferedStore}. The inner stores are built without a record cache, so what this
 * store writes reaches the changelog during the flush.
 *
 * <p>Not thread-safe; one per task, used by its stream thread only.
 */
public final class DetectorStore extends CommitBufferedStore {

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
        /**
         * Whether the stores hold a checkpoint of this detector, taken after its reading
         * {@link #checkpoint}; a new sensor's checkpoint is its fresh detector, at reading 0, which
         * the configuration gives and nothing stores.
         */
        private boolean checkpointStored;
        private long checkpoint;
        /** Whether the checkpoint stored holds a trained model. */
        private boolean checkpointTrained;
        /** Whether the next write must be a checkpoint, whatever the readings since. */
        private boolean checkpointDue;
        /** Readings of the journal scored again when this detector was decoded. */
        private int replayed;
        /** The readings scored since the last write, while they may go to the journal. */
        private final List<ReadingJournal.Entry> unwritten = new ArrayList<>();

        private Held(SensorDetector detector, boolean fromMemory) {
            this.detector = detector;
            this.fromMemory = fromMemory;
        }

        /**
         * A new sensor's detector, fresh or after its first reading, nothing of it stored yet: its
         * checkpoint is the fresh detector of the configuration, at reading 0, so its readings go to
         * the journal until its first checkpoint is due.
         */
        public static Held fresh(SensorDetector detector) {
            Held entry = new Held(detector, false);
            entry.checkpointStored = true;
            entry.checkpoint = 0; // a fresh detector, untrained: checkpointTrained stays false
            return entry;
        }

        /** The detector. */
        public SensorDetector detector() {
            return detector;
        }

        /** Whether it was held in memory, rather than decoded from the stores. */
        public boolean fromMemory() {
            return fromMemory;
        }

        /** Readings of its journal the detector scored again as it was decoded; 0 if it was held. */
        public int replayed() {
            return fromMemory ? 0 : replayed;
        }

        /**
         * Marks the detector as changed by the reading at {@code eventTime} with {@code values}, which
         * it has just scored: it is written at the next flush.
         */
        public void changed(long eventTime, double[] values) {
            changed = true;
            if (checkpointStored && !checkpointDue) { // else a checkpoint holds it: no journal entry
                unwritten.add(new ReadingJournal.Entry(detector.readings(), eventTime, values.clone()));
            }
        }

        /** Readings scored since the last checkpoint stored, or -1 without one. */
        private long sinceCheckpoint() {
            return checkpointStored ? detector.readings() - checkpoint : -1;
        }
    }

    /**
     * Slots of the journal of a sensor in its training period, more than the readings it may have
     * between two checkpoints there (see {@link #interval}).
     */
    static final int TRAINING_SLOTS = 32_768;

    private final int capacity;
    private final int checkpointEvery;
    private final SensorStateCodec codec = new SensorStateCodec();
    private final SensorDetector.Workspace workspace = new SensorDetector.Workspace();
    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>(16, 0.75f, true);
    private KeyValueStore<String, byte[]> models;
    private KeyValueStore<Bytes, byte[]> journal;
    private long checkpoints;
    private long modelWrites;
    private long journalWrites;
    private long replayed;

    DetectorStore(KeyValueStore<String, byte[]> live, int capacity, int checkpointEvery) {
        super(live);
        if (capacity < 0) {
            throw new IllegalArgumentException("the detector cache capacity must not be negative, got " + capacity);
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("the checkpoint interval must be at least 1 reading, got "
                    + checkpointEvery);
        }
        this.capacity = capacity;
        this.checkpointEvery = checkpointEvery;
    }

    /**
     * The builder of the store {@value TopologySettings#STORE}: persistent, changelogged, without
     * a record cache, holding up to {@code capacity} decoded detectors per task and writing each
     * whole once in {@code checkpointEvery} readings.
     */
    public static StoreBuilder<DetectorStore> builder(int capacity, int checkpointEvery) {
        return new Builder<>(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TopologySettings.STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled(),
                live -> new DetectorStore(live, capacity, checkpointEvery));
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

    /** The builder of the store {@value TopologySettings#JOURNAL_STORE}, likewise without a record cache. */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> journalBuilder() {
        return ReadingJournal.builder();
    }

    /**
     * Gives the store the task's model store, {@value TopologySettings#MODEL_STORE}, and reading
     * journal, {@value TopologySettings#JOURNAL_STORE}; before the first {@link #take}.
     */
    void attach(KeyValueStore<String, byte[]> modelStore, KeyValueStore<Bytes, byte[]> journalStore) {
        this.models = modelStore;
        this.journal = journalStore;
    }

    /**
     * Removes and returns the detector of {@code sensorId}: the one held in memory, or else the one
     * the stores hold, decoded with {@code config} and advanced by the journal's readings since its
     * checkpoint; null for a sensor the stores do not know. The caller owns it until it
     * {@linkplain #keep keeps} it again.
     *
     * @throws org.apache.kafka.common.errors.SerializationException if the stored state cannot be read
     */
    Held take(String sensorId, DetectorConfig config) {
        Held entry = held.remove(sensorId);
        if (entry != null) {
            entry.fromMemory = true;
            return entry;
        }
        byte[] stored = inner.get(sensorId);
        boolean apart = stored == null || SensorStateCodec.keepsModelApart(stored);
        SensorDetector detector;
        if (stored == null) {
            // no checkpoint yet: a new sensor, or one whose readings so far are all in the journal
            List<ReadingJournal.Entry> journaled = ReadingJournal.since(journal, sensorId, 0);
            if (journaled.isEmpty()) {
                return null;
            }
            detector = SensorDetector.fresh(config, journaled.get(0).values().length);
            entry = Held.fresh(detector);
        } else {
            detector = SensorDetector.restore(config, codec.decode(stored, apart ? models.get(sensorId) : null));
            entry = new Held(detector, false);
            // a whole state of an earlier release keeps no model apart: the first write writes one
            entry.modelStored = apart;
            entry.modelWritten = detector.modelVersion();
            entry.checkpointStored = true;
            entry.checkpoint = detector.readings();
            entry.checkpointTrained = detector.trainedModel() != null;
        }
        ReadingJournal.Since since = ReadingJournal.since(journal, sensorId, entry.checkpoint, slots(entry));
        for (ReadingJournal.Entry reading : since.entries()) {
            detector.process(reading.eventTime(), reading.values(), workspace);
        }
        replayed += since.entries().size();
        entry.replayed = since.entries().size();
        // stored whole by an earlier release, or journaled with another checkpoint interval (whose
        // slots the next entries could overwrite): the next write is a checkpoint
        entry.checkpointDue = !apart || !since.inPlace();
        return entry;
    }

    /**
     * Holds {@code entry} again as the detector of {@code sensorId}; one it displaces is written as
     * at a commit, and with a capacity of 0 this one is checkpointed.
     */
    void keep(String sensorId, Held entry) {
        if (entry.sinceCheckpoint() >= interval(entry)
                || entry.checkpointTrained != (entry.detector.trainedModel() != null)) {
            entry.checkpointDue = true;
        }
        if (entry.checkpointDue || !entry.checkpointStored) {
            entry.unwritten.clear(); // a checkpoint will hold them
        }
        if (capacity == 0) {
            checkpoint(sensorId, entry);
            return;
        }
        held.put(sensorId, entry);
        if (held.size() > capacity) {
            var eldest = held.entrySet().iterator().next();
            held.remove(eldest.getKey());
            write(eldest.getKey(), eldest.getValue());
        }
    }

    /**
     * The readings after which {@code entry} is checkpointed again: {@code checkpointEvery}; but
     * while its sensor is in its training period, as many as it had at its last checkpoint, up to
     * {@value #TRAINING_SLOTS} - 1. There a checkpoint rewrites the training readings buffered so
     * far (its model), while scoring the journal again only buffers them: with the interval
     * doubling, the checkpoints of a training period write about twice its final buffer in all,
     * rather than a buffer every {@code checkpointEvery} readings.
     */
    private int interval(Held entry) {
        if (!entry.detector.inTrainingPeriod()) {
            return checkpointEvery;
        }
        return (int) Math.min(TRAINING_SLOTS - 1, Math.max(checkpointEvery, entry.checkpoint));
    }

    /** The slots of {@code entry}'s journal: more than its {@link #interval}. */
    private int slots(Held entry) {
        return entry.detector.inTrainingPeriod() ? TRAINING_SLOTS : checkpointEvery;
    }

    /** Writes every changed detector held: a checkpoint, or the readings it scored since the last write. */
    void writeChanged() {
        for (Map.Entry<String, Held> e : held.entrySet()) {
            write(e.getKey(), e.getValue());
        }
    }

    /** Writes {@code entry} if it changed: a checkpoint when one is due, else its readings since the last write. */
    private void write(String sensorId, Held entry) {
        if (!entry.changed) {
            return;
        }
        if (entry.checkpointDue || !entry.checkpointStored) {
            checkpoint(sensorId, entry);
            return;
        }
        for (ReadingJournal.Entry reading : entry.unwritten) {
            journal.put(ReadingJournal.key(sensorId, reading.readings(), slots(entry)), ReadingJournal.encode(reading));
            journalWrites++;
        }
        entry.unwritten.clear();
        entry.changed = false;
    }

    /** Writes {@code entry} whole, unless the stores hold it whole already. */
    private void checkpoint(String sensorId, Held entry) {
        if (entry.checkpointStored && entry.sinceCheckpoint() == 0 && !entry.checkpointDue) {
            entry.changed = false;
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
        inner.put(sensorId, codec.encodeLive(state));
        checkpoints++;
        if (!entry.checkpointTrained && entry.detector.trainedModel() != null) {
            // the first checkpoint with the trained model: the journal of the training period, in
            // slots a trained sensor no longer uses, is stale from now on
            for (KeyValue<Bytes, byte[]> stale : SlotKeys.all(journal, sensorId)) {
                journal.delete(stale.key);
            }
        }
        entry.checkpointStored = true;
        entry.checkpoint = entry.detector.readings();
        entry.checkpointTrained = entry.detector.trainedModel() != null;
        entry.checkpointDue = false;
        entry.unwritten.clear();
        entry.changed = false;
    }

    /** Detectors held in memory. */
    int held() {
        return held.size();
    }

    /** Checkpoints (whole detectors) written since the store was built. */
    long checkpoints() {
        return checkpoints;
    }

    /** Journal entries written since the store was built. */
    long journalWrites() {
        return journalWrites;
    }

    /** Readings scored again from the journal while decoding detectors, since the store was built. */
    long replayed() {
        return replayed;
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
        return inner;
    }

    // ---- Kafka Streams' side: see CommitBufferedStore -------------------------------------

    /** Writes the changed detectors; Kafka Streams calls this, through {@link #flushCache()}, before every commit of the task. */
    @Override
    void writeHeld() {
        writeChanged();
    }

    /** Drops every detector held, written or not: the task starts again from its stores. */
    @Override
    void dropHeld() {
        held.clear();
    }
}
