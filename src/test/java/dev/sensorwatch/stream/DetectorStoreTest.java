package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Score;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.detect.TrainingPeriod;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.junit.jupiter.api.Test;

/**
 * The detector store holds decoded detectors and writes the changed ones when Kafka Streams
 * flushes it before a commit: whole (a checkpoint) once per flush however many readings they
 * scored, or the few readings since the last write as journal entries; the model only when it
 * moved, a displaced detector when it leaves, nothing that a cleared cache dropped; a detector
 * decoded from a checkpoint and its journal is bit for bit the one that scored the readings.
 */
class DetectorStoreTest {

    static final DetectorConfig CONFIG = DetectorConfig.DEFAULTS;

    final SensorStateCodec codec = new SensorStateCodec();
    KeyValueStore<String, byte[]> models;
    KeyValueStore<Bytes, byte[]> journal;

    DetectorStore store(int capacity) {
        return store(capacity, 1);
    }

    DetectorStore store(int capacity, int checkpointEvery) {
        KeyValueStore<String, byte[]> live = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TopologySettings.STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        models = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TopologySettings.MODEL_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        journal = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TopologySettings.JOURNAL_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        MockProcessorContext<String, Routed> context = new MockProcessorContext<>();
        DetectorStore store = new DetectorStore(live, capacity, checkpointEvery);
        store.init(context.getStateStoreContext(), store);
        models.init(context.getStateStoreContext(), models);
        journal.init(context.getStateStoreContext(), journal);
        store.attach(models, journal);
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
            held.changed(60_000L * t, values);
            store.keep(sensor, held);
        }
    }

    /** Scores {@code readings} readings of {@code sensor}, one per flush, as a fleet's sensor scores them. */
    static void scoreOnePerFlush(DetectorStore store, DetectorConfig config, String sensor, int from, int readings,
                                 SensorDetector reference) {
        for (int t = from; t < from + readings; t++) {
            score(store, config, sensor, t, 1, reference);
            store.flushCache();
        }
    }

    /**
     * Drops what {@code store} holds, as a crash would, and decodes pump-1 again: it must have scored
     * {@code replayed} journal readings in all and equal {@code reference} bit for bit.
     */
    DetectorStore.Held decodedAgain(DetectorStore store, DetectorConfig config, SensorDetector reference, long replayed) {
        store.clearCache();
        DetectorStore.Held held = store.take("pump-1", config);
        assertThat(held.fromMemory()).isFalse();
        assertThat(store.replayed()).isEqualTo(replayed);
        assertThat(codec.encode(held.detector().snapshot())).usingRecursiveComparison()
                .isEqualTo(codec.encode(reference.snapshot()));
        return held;
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
        assertThat(store.checkpoints()).isZero();

        store.flushCache();
        assertThat(store.checkpoints()).as("40 readings, one write").isEqualTo(1);
        assertThat(store.inner().get("pump-1")).isEqualTo(codec.encodeLive(reference.snapshot()));
        assertThat(models.get("pump-1")).isEqualTo(codec.encodeModel(reference.snapshot()));
        store.flushCache();
        assertThat(store.checkpoints()).as("nothing changed since").isEqualTo(1);

        score(store, CONFIG, "pump-1", 40, 10, reference);
        store.flushCache();
        assertThat(store.checkpoints()).isEqualTo(2);
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
        assertThat(store.checkpoints()).isEqualTo(6);
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
        assertThat(store.checkpoints()).isEqualTo(25);
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

    /**
     * With a checkpoint interval of 16, a sensor that scores one reading per commit is written whole
     * once in 16 readings (its checkpoint before the first is the fresh detector, stored nowhere); in
     * between, one journal entry per reading.
     * Decoded at any point, after a cleared cache as after a crash, the checkpoint and the journal
     * give the detector that scored the readings, bit for bit, and it goes on scoring the same, its
     * checkpoints as before.
     */
    @Test
    void betweenCheckpointsTheReadingsAreJournaledAndScoredAgainOnDecoding() {
        DetectorStore store = store(16, 16);
        SensorDetector reference = SensorDetector.fresh(CONFIG, 1);
        scoreOnePerFlush(store, CONFIG, "pump-1", 0, 100, reference);
        // checkpoints after readings 16, 32, 48, 64, 80, 96; journal entries for the 94 others
        assertThat(store.checkpoints()).isEqualTo(6);
        assertThat(store.journalWrites()).isEqualTo(94);
        assertThat(ReadingJournal.since(journal, "pump-1", 96)).extracting(ReadingJournal.Entry::readings)
                .containsExactly(97L, 98L, 99L, 100L);
        assertThat(SlotKeys.all(journal, "pump-1")).as("one entry per slot, but the checkpoints' slot 0").hasSize(15);

        DetectorStore.Held held = decodedAgain(store, CONFIG, reference, 4);
        store.keep("pump-1", held);
        SensorDetector.Workspace workspace = new SensorDetector.Workspace();
        for (int t = 100; t < 160; t++) {
            DetectorStore.Held h = store.take("pump-1", CONFIG);
            double[] values = {Math.sin(t / 9.0) + 0.01 * (t % 5) + (t == 130 ? 5 : 0)};
            Score actual = h.detector().process(60_000L * t, values, workspace);
            Score expected = reference.process(60_000L * t, values, workspace);
            assertThat(Double.doubleToRawLongBits(actual.score())).as("score bits at %d", t)
                    .isEqualTo(Double.doubleToRawLongBits(expected.score()));
            h.changed(60_000L * t, values);
            store.keep("pump-1", h);
            store.flushCache();
        }
        assertThat(store.checkpoints()).as("after readings 112, 128, 144 and 160: decoding changes no interval")
                .isEqualTo(6 + 4);
    }

    /** The reading that ends a training period is checkpointed with the model it trained: replay never trains. */
    @Test
    void theReadingThatTrainsIsCheckpointed() {
        DetectorConfig config = CONFIG.withTraining(TrainingPeriod.firstReadings(100));
        DetectorStore store = store(16, 128);
        SensorDetector reference = SensorDetector.fresh(config, 1);
        scoreOnePerFlush(store, config, "pump-1", 0, 110, reference);
        assertThat(store.checkpoints()).as("the reading that trained").isEqualTo(1);
        assertThat(ReadingJournal.since(journal, "pump-1", 101)).hasSize(9);
        assertThat(decodedAgain(store, config, reference, 9).detector().trainedModel()).isNotNull();
    }

    /**
     * In a training period a checkpoint rewrites the buffered readings, so the interval doubles:
     * a 2,000-reading period scored one reading per flush is checkpointed at its readings 16, 32,
     * 64, ..., 1,024 and with the reading that trains (2,001), not 125 times; decoded in the
     * middle, the checkpoint and its long journal give the detector that buffered the readings;
     * once trained, the training journal is deleted and the interval is 16 again.
     */
    @Test
    void aTrainingPeriodIsCheckpointedAtDoublingIntervalsAndItsJournalDeletedOnceTrained() {
        DetectorConfig config = CONFIG.withTraining(TrainingPeriod.firstReadings(2_000));
        DetectorStore store = store(16, 16);
        SensorDetector reference = SensorDetector.fresh(config, 1);
        scoreOnePerFlush(store, config, "pump-1", 0, 1_500, reference);
        // readings 16, 32, 64, 128, 256, 512, 1,024
        assertThat(store.checkpoints()).isEqualTo(7);
        assertThat(ReadingJournal.since(journal, "pump-1", 1_024)).hasSize(476);
        DetectorStore.Held held = decodedAgain(store, config, reference, 476);
        store.keep("pump-1", held);
        scoreOnePerFlush(store, config, "pump-1", 1_500, 600, reference);
        // 2,001 (trained), then every 16: 2,017, ..., 2,097
        assertThat(store.checkpoints()).isEqualTo(7 + 1 + 6);
        assertThat(reference.trainedModel()).isNotNull();
        assertThat(SlotKeys.all(journal, "pump-1")).as("the training journal is gone").hasSizeLessThanOrEqualTo(16);
        assertThat(ReadingJournal.since(journal, "pump-1", 2_097)).hasSize(3);
    }

    /**
     * With more sensors than the store holds, a displaced detector is written as at a commit: its
     * readings since the last write as journal entries (a checkpoint only when one is due), and it is
     * decoded from its checkpoint and journal when its sensor comes back, bit for bit.
     */
    @Test
    void aDisplacedDetectorLeavesWithItsJournalAndComesBackBitForBit() {
        DetectorStore store = store(2, 16);
        SensorDetector[] references = {SensorDetector.fresh(CONFIG, 1), SensorDetector.fresh(CONFIG, 1),
            SensorDetector.fresh(CONFIG, 1)};
        for (int t = 0; t < 40; t++) {
            for (int s = 0; s < 3; s++) {
                score(store, CONFIG, "pump-" + s, t, 1, references[s]);
            }
        }
        store.flushCache();
        // three sensors, room for two: every reading decodes its sensor and displaces another
        assertThat(store.replayed()).as("journal readings scored again").isPositive();
        assertThat(store.checkpoints()).as("each sensor whole at its readings 16 and 32").isEqualTo(6);
        for (int s = 0; s < 3; s++) {
            DetectorStore.Held held = store.take("pump-" + s, CONFIG);
            assertThat(codec.encode(held.detector().snapshot())).as("pump-%d", s).usingRecursiveComparison()
                    .isEqualTo(codec.encode(references[s].snapshot()));
        }
    }

    /**
     * A journal written with another checkpoint interval is still read (its entries are found by
     * their reading numbers), and the detector is checkpointed at its next write, so that no entry
     * it still needs is overwritten by one in the slots of the new interval.
     */
    @Test
    void aJournalOfAnotherCheckpointIntervalIsReadAndCheckpointedAtTheNextWrite() {
        DetectorStore store = store(16, 16);
        SensorDetector reference = SensorDetector.fresh(CONFIG, 1);
        scoreOnePerFlush(store, CONFIG, "pump-1", 0, 12, reference);
        DetectorStore other = new DetectorStore(store.inner(), 16, 8);
        other.attach(models, journal);
        DetectorStore.Held held = other.take("pump-1", CONFIG);
        assertThat(held.replayed()).as("all 12: none checkpointed yet").isEqualTo(12);
        assertThat(codec.encode(held.detector().snapshot())).usingRecursiveComparison()
                .isEqualTo(codec.encode(reference.snapshot()));
        other.keep("pump-1", held);
        scoreOnePerFlush(other, CONFIG, "pump-1", 12, 1, reference);
        assertThat(other.checkpoints()).isEqualTo(1);
        assertThat(ReadingJournal.since(journal, "pump-1", 13)).isEmpty();
    }

    /** A journal with a reading missing after the checkpoint is refused with what to do. */
    @Test
    void aJournalWithAGapIsRefused() {
        DetectorStore store = store(16, 16);
        SensorDetector reference = SensorDetector.fresh(CONFIG, 1);
        scoreOnePerFlush(store, CONFIG, "pump-1", 0, 5, reference);
        journal.delete(ReadingJournal.key("pump-1", 3, 16));
        store.clearCache();
        assertThatThrownBy(() -> store.take("pump-1", CONFIG)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("misses reading 3, and it has no checkpoint yet")
                .hasMessageContaining("run --reset");
    }

    /**
     * A new sensor stores nothing but its journal until its first checkpoint is due: its checkpoint
     * is the fresh detector the configuration gives. Decoded from the journal alone, as after a
     * crash, it is the detector that scored the readings, bit for bit, and it is checkpointed when due.
     */
    @Test
    void aNewSensorIsJournaledFromItsFreshDetectorUntilItsFirstCheckpoint() {
        DetectorStore store = store(16, 16);
        SensorDetector reference = SensorDetector.fresh(CONFIG, 1);
        scoreOnePerFlush(store, CONFIG, "pump-1", 0, 10, reference);
        assertThat(store.checkpoints()).isZero();
        assertThat(store.modelWrites()).isZero();
        assertThat(store.inner().get("pump-1")).isNull();
        assertThat(models.get("pump-1")).isNull();
        assertThat(store.journalWrites()).isEqualTo(10);

        DetectorStore.Held held = decodedAgain(store, CONFIG, reference, 10);
        store.keep("pump-1", held);
        scoreOnePerFlush(store, CONFIG, "pump-1", 10, 6, reference);
        assertThat(store.checkpoints()).as("at reading 16").isEqualTo(1);
        assertThat(store.inner().get("pump-1")).isEqualTo(codec.encodeLive(reference.snapshot()));
        assertThat(models.get("pump-1")).isEqualTo(codec.encodeModel(reference.snapshot()));
        assertThat(store.take("pump-2", CONFIG)).as("a sensor with neither checkpoint nor journal").isNull();
    }
}
