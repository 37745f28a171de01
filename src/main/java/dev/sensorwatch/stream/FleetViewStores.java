package dev.sensorwatch.stream;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.SensorSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The two bounded state stores behind the fleet view, written by {@link FleetViewRecorder} and read
 * through Kafka Streams interactive queries:
 *
 * <ul>
 *   <li>{@value #SUMMARIES}: per sensor id, a {@code SensorSummary} (latest score, whether it is in
 *       an event, its latest {@value #EVENTS} events);</li>
 *   <li>{@value #RECENT}: per sensor, a ring of its latest {@value #RECENT_SCORES} scores
 *       ({@code AnomalyScore}s), keyed by (sensor id, slot) so that a reading writes one small
 *       entry instead of rewriting the whole history.</li>
 * </ul>
 *
 * Both are persistent. The summaries are changelogged like the detectors' store, so a sensor's
 * events move with its task and survive a restart; the ring is a display cache kept on the
 * instance only (no changelog: a reading would otherwise add a changelog record of its own), so
 * after a task moves its sensors' charts start again from their next readings. Per reading they
 * cost one ring entry (about 100 bytes plus 16 per channel) and, per commit, one summary write for
 * each sensor that scored ({@link SummaryStore} holds the summaries decoded in between).
 */
public final class FleetViewStores {

    /** Store of each sensor's {@code SensorSummary}, keyed by sensor id. */
    public static final String SUMMARIES = "sensor-summaries";
    /** Store of each sensor's latest scores, keyed by {@link #recentKey(String, long)}. */
    public static final String RECENT = "sensor-recent-scores";
    /** Scores kept per sensor in {@value #RECENT}. */
    public static final int RECENT_SCORES = 500;
    /** Events kept per sensor in its summary. */
    public static final int EVENTS = 20;

    static final AvroSerde<SensorSummary> SUMMARY_SERDE = AvroSerde.of(SensorSummary.class);
    static final AvroSerde<AnomalyScore> SCORE_SERDE = AvroSerde.of(AnomalyScore.class);

    private FleetViewStores() {
    }

    /** The builder of {@value #SUMMARIES}: a {@link SummaryStore}, persistent and changelogged. */
    static StoreBuilder<SummaryStore> summaries() {
        return SummaryStore.builder();
    }

    static StoreBuilder<KeyValueStore<Bytes, byte[]>> recent() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RECENT), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled();
    }

    /**
     * The ring key of {@code sensorId}'s score number {@code scored}: the id's length, its UTF-8
     * bytes, then the slot, so that one sensor's entries share a prefix no other sensor's have.
     */
    static Bytes recentKey(String sensorId, long scored) {
        return SlotKeys.key(sensorId, (int) (scored % RECENT_SCORES));
    }

    /** Decodes a stored summary. */
    public static SensorSummary decodeSummary(byte[] bytes) {
        return SUMMARY_SERDE.decode(bytes);
    }

    /** The summary of {@code sensorId} in {@code summaries}, if it has one. */
    public static Optional<SensorSummary> summary(ReadOnlyKeyValueStore<String, byte[]> summaries, String sensorId) {
        byte[] bytes = summaries.get(sensorId);
        return bytes == null ? Optional.empty() : Optional.of(decodeSummary(bytes));
    }

    /** Every summary in {@code summaries}. */
    public static List<SensorSummary> all(ReadOnlyKeyValueStore<String, byte[]> summaries) {
        List<SensorSummary> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = summaries.all()) {
            it.forEachRemaining(entry -> all.add(decodeSummary(entry.value)));
        }
        return all;
    }

    /** The latest scores of the sensor {@code summary} describes, oldest first. */
    public static List<AnomalyScore> recentScores(ReadOnlyKeyValueStore<Bytes, byte[]> recent, SensorSummary summary) {
        long scored = summary.getScored();
        long first = Math.max(0, scored - RECENT_SCORES);
        List<AnomalyScore> scores = new ArrayList<>((int) (scored - first));
        for (long n = first; n < scored; n++) {
            byte[] bytes = recent.get(recentKey(summary.getSensorId(), n));
            if (bytes != null) {
                scores.add(SCORE_SERDE.decode(bytes));
            }
        }
        return scores;
    }

    /** For tests: every ring entry of {@code sensorId}, in key order. */
    static List<KeyValue<Bytes, byte[]>> ring(ReadOnlyKeyValueStore<Bytes, byte[]> recent, String sensorId) {
        return SlotKeys.all(recent, sensorId);
    }
}
