package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.TrainingPeriod;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.junit.jupiter.api.Test;

/**
 * The detector store holds decoded detectors and writes the changed ones when Kafka Streams
 * flushes it before a commit: once per flush however many readings they scored, the model only when
 * it moved, a displaced detector when it leaves, nothing that a cleared cache dropped.
 */
class DetectorStoreTest {

    static final DetectorConfig CONFIG = DetectorConfig.DEFAULTS;

    final SensorStateCodec codec = new SensorStateCodec();
    KeyValueStore<String, byte[]> models;

    DetectorStore store(int capacity) {
        KeyValueStore<String, byte[]> live = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TopologySettings.STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        models = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TopologySettings.MODEL_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        MockProcessorContext<String, Routed> context = new MockProcessorContext<>();
        DetectorStore store = new DetectorStore(live, capacity);
        store.init(context.getStateStoreContext(), store);
        models.init(context.getStateStoreContext(), models);
        store.attach(models);
        return store;
    }

    /** Scores {@code readings} readings of {@code sensor} through the store, as the processor does. */
    static void score(DetectorStore store, DetectorConfig config, String sensor, int from, int readings,
                      SensorDetector reference) {
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = from; t < from + readings; t++) {
            DetectorStore.Held held = store.take(sensor, config);
            SensorDetector detector = held != null ? held.detector() : SensorDetector.fresh(config, 1);
            double[] values = {Math.sin(t / 9.0) + 0.01 * (t % 5)};
            detector.process(60_000L * t, values, workspace);
            reference.process(60_000L * t, values, workspace);
            if (held == null) {
                held = DetectorStore.Held.fresh(detector);
            }
            held.changed();
            store.keep(sensor, held);
        }
    }

    @Test
    void theStoreIsACacheKafkaStreamsFlushesBeforeEveryCommit() {
        assertThat(store(4)).isInstanceOf(CachedStateStore.class);
    }

    @Test
    void changedDetectorsAreWrittenOncePerFlush() {
        DetectorStore store = store(16);
        SensorDetector reference = SensorDetector.fresh(CONFIG, 1);
        score(store, CONFIG, "pump-1", 0, 40, reference);
        assertThat(store.inner().get("pump-1")).as("nothing written before the flush").isNull();
        assertThat(store.writes()).isZero();

        store.flushCache();
        assertThat(store.writes()).as("40 readings, one write").isEqualTo(1);
        assertThat(store.inner().get("pump-1")).isEqualTo(codec.encodeLive(reference.snapshot()));
        assertThat(models.get("pump-1")).isEqualTo(codec.encodeModel(reference.snapshot()));
        store.flushCache();
        assertThat(store.writes()).as("nothing changed since").isEqualTo(1);

        score(store, CONFIG, "pump-1", 40, 10, reference);
        store.flushCache();
        assertThat(store.writes()).isEqualTo(2);
        assertThat(store.inner().get("pump-1")).isEqualTo(codec.encodeLive(reference.snapshot()));
        assertThat(store.modelWrites()).as("the online model moves with every reading").isEqualTo(2);
    }

    @Test
    void aTrainedSensorsModelIsWrittenOnlyWhenItMoved() {
        DetectorConfig config = CONFIG.withTraining(TrainingPeriod.firstReadings(100));
        DetectorStore store = store(16);
        SensorDetector reference = SensorDetector.fresh(config, 1);
        score(store, config, "pump-1", 0, 150, reference);
        store.flushCache();
        for (int round = 0; round < 5; round++) {
            score(store, config, "pump-1", 150 + 10 * round, 10, reference);
            store.flushCache();
        }
        assertThat(store.writes()).isEqualTo(6);
        assertThat(store.modelWrites()).as("written with the flush after training, never again").isEqualTo(1);
        assertThat(models.get("pump-1")).isEqualTo(codec.encodeModel(reference.snapshot()));
        assertThat(store.inner().get("pump-1")).isEqualTo(codec.encodeLive(reference.snapshot()));
    }

    @Test
    void aDisplacedDetectorIsWrittenWhenItLeavesAndDecodedWhenItComesBack() {
        DetectorStore store = store(2);
        SensorDetector[] references = {SensorDetector.fresh(CONFIG, 1), SensorDetector.fresh(CONFIG, 1),
                SensorDetector.fresh(CONFIG, 1)};
        for (int s = 0; s < 3; s++) {
            score(store, CONFIG, "pump-" + s, 0, 30, references[s]);
        }
        assertThat(store.held()).isEqualTo(2);
        assertThat(store.inner().get("pump-0")).as("the least recently used one left, written")
                .isEqualTo(codec.encodeLive(references[0].snapshot()));
        assertThat(store.inner().get("pump-1")).isNull();

        score(store, CONFIG, "pump-0", 30, 30, references[0]);
        store.flushCache();
        for (int s = 0; s < 3; s++) {
            assertThat(store.inner().get("pump-" + s)).as("pump-%d", s).isEqualTo(codec.encodeLive(references[s].snapshot()));
            assertThat(models.get("pump-" + s)).as("pump-%d", s).isEqualTo(codec.encodeModel(references[s].snapshot()));
        }
    }

    @Test
    void withNoCapacityEveryReadingIsWritten() {
        DetectorStore store = store(0);
        SensorDetector reference = SensorDetector.fresh(CONFIG, 1);
        score(store, CONFIG, "pump-1", 0, 25, reference);
        assertThat(store.writes()).isEqualTo(25);
        assertThat(store.held()).isZero();
        assertThat(store.inner().get("pump-1")).isEqualTo(codec.encodeLive(reference.snapshot()));
    }

    /** What a cleared cache dropped is never written: the task goes on from its last flush. */
    @Test
    void aClearedCacheGoesOnFromTheLastFlush() {
        DetectorStore store = store(16);
        SensorDetector reference = SensorDetector.fresh(CONFIG, 1);
        score(store, CONFIG, "pump-1", 0, 30, reference);
        store.flushCache();
        byte[] flushed = store.inner().get("pump-1");
        score(store, CONFIG, "pump-1", 30, 10, SensorDetector.fresh(CONFIG, 1));
        store.clearCache();
        store.flushCache();
        assertThat(store.inner().get("pump-1")).isEqualTo(flushed);

        DetectorStore.Held held = store.take("pump-1", CONFIG);
        assertThat(held.fromMemory()).isFalse();
        assertThat(codec.encodeLive(held.detector().snapshot())).isEqualTo(codec.encodeLive(reference.snapshot()));
    }
}
