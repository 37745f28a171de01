package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.avro.SensorSummary;
import java.time.Instant;
import java.util.ArrayList;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fleet view's summaries, held decoded and written once per commit. */
class SummaryStoreTest {

    KeyValueStore<String, byte[]> inner;
    SummaryStore store;

    @BeforeEach
    void open() {
        inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FleetViewStores.SUMMARIES), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        store = new SummaryStore(inner);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    static SensorSummary summary(String sensorId, long scored) {
        return new SensorSummary(sensorId, scored, Instant.ofEpochMilli(60_000L * scored), 0.25, "none", false, 1,
                new ArrayList<>(), 0L, new ArrayList<>());
    }

    @Test
    void isACacheKafkaStreamsFlushesBeforeEveryCommit() {
        assertThat(store).isInstanceOf(CachedStateStore.class);
    }

    @Test
    void aSummaryKeptManyTimesIsWrittenOncePerFlushAndReadAsOfTheLastFlush() {
        for (long n = 1; n <= 40; n++) {
            store.keep("pump-1", summary("pump-1", n));
        }
        assertThat(store.take("pump-1").getScored()).as("the held summary").isEqualTo(40);
        assertThat(store.get("pump-1")).as("read as a store: nothing flushed yet").isNull();

        store.flushCache();
        assertThat(FleetViewStores.decodeSummary(inner.get("pump-1")).getScored()).isEqualTo(40);
        assertThat(store.get("pump-1")).isEqualTo(inner.get("pump-1"));
        byte[] written = inner.get("pump-1");
        store.flushCache();
        assertThat(inner.get("pump-1")).as("unchanged since: not written again").isSameAs(written);
    }

    @Test
    void aClearedCacheDropsWhatWasNotFlushedAndGoesOnFromTheStore() {
        store.keep("pump-1", summary("pump-1", 5));
        store.flushCache();
        store.keep("pump-1", summary("pump-1", 9));
        store.clearCache();
        store.flushCache();
        assertThat(store.held()).isZero();
        assertThat(store.take("pump-1").getScored()).as("decoded from the store").isEqualTo(5);
        assertThat(store.take("pump-2")).isNull();
    }

    @Test
    void theLeastRecentlyUsedSummaryLeavesWrittenWhenMoreThanTheCapacityAreHeld() {
        for (int s = 0; s <= SummaryStore.CAPACITY; s++) {
            store.keep("pump-" + s, summary("pump-" + s, 1));
        }
        assertThat(store.held()).isEqualTo(SummaryStore.CAPACITY);
        assertThat(inner.get("pump-0")).as("the eldest left, written").isNotNull();
        assertThat(inner.get("pump-1")).isNull();
        assertThat(store.take("pump-0").getScored()).isEqualTo(1);
    }
}
