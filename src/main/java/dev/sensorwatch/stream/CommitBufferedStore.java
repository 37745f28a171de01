package dev.sensorwatch.stream;

import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store in front of a persistent key-value store (built without a record cache) that
 * holds its task's values decoded in memory and writes the changed ones into the store beneath
 * just before each commit: {@link DetectorStore} (detectors) and {@link SummaryStore} (the fleet
 * view's summaries).
 *
 * <p>Kafka Streams offers no public hook before a commit: a store's {@link #flush()} runs only when
 * it writes a checkpoint, after the commit. These stores therefore implement Kafka Streams' internal
 * {@link CachedStateStore}, whose {@link #flushCache()} the task calls before every commit, as it
 * does for its own record caches, and whose {@link #clearCache()} it calls when it drops the task's
 * uncommitted work; {@code DetectorStoreTest} and the crash tests hold that contract to the Kafka
 * Streams release in the build. What the store writes goes through the store beneath's changelogging
 * layer into the transaction being committed. What is held is dropped, never written, when the
 * store is opened or closed.
 */
abstract class CommitBufferedStore implements StateStore, CachedStateStore<String, byte[]> {

    /** The store beneath, as last written. */
    protected final KeyValueStore<String, byte[]> inner;

    CommitBufferedStore(KeyValueStore<String, byte[]> inner) {
        this.inner = inner;
    }

    /** Writes every value held that changed since it was written. */
    abstract void writeHeld();

    /** Drops every value held, written or not. */
    abstract void dropHeld();

    /** Writes the changed values; Kafka Streams calls this before every commit of the task. */
    @Override
    public void flushCache() {
        writeHeld();
    }

    /** Drops every value held: the task starts again from the store beneath. */
    @Override
    public void clearCache() {
        dropHeld();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        dropHeld();
        inner.init(context, root);
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        dropHeld();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    /** Builds a store {@code S} around the store its inner builder builds; caching is the store's own. */
    static final class Builder<S extends CommitBufferedStore> implements StoreBuilder<S> {

        private StoreBuilder<KeyValueStore<String, byte[]>> inner;
        private final Function<KeyValueStore<String, byte[]>, S> around;

        Builder(StoreBuilder<KeyValueStore<String, byte[]>> inner, Function<KeyValueStore<String, byte[]>, S> around) {
            this.inner = inner;
            this.around = around;
        }

        @Override
        public StoreBuilder<S> withCachingEnabled() {
            throw new UnsupportedOperationException("store " + inner.name() + " holds decoded values instead of a record cache");
        }

        @Override
        public StoreBuilder<S> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<S> withLoggingEnabled(Map<String, String> config) {
            inner = inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<S> withLoggingDisabled() {
            inner = inner.withLoggingDisabled();
            return this;
        }

        @Override
        public S build() {
            return around.apply(inner.build());
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
