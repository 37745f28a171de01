package dev.sensorwatch.view;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.SensorEvent;
import dev.sensorwatch.avro.SensorSummary;
import dev.sensorwatch.stream.FleetViewStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the fleet view shows, read from this instance's stores through Kafka Streams interactive
 * queries (see {@link FleetViewStores}): every local sensor's summary, and one sensor's summary,
 * events and recent scores. Which instance holds a sensor, and which instances there are, come
 * from the client's metadata ({@code application.server} of each instance); {@link FleetViewHandler}
 * uses them to answer for the whole application.
 */
public final class FleetView {

    private final KafkaStreams streams;
    private final HostInfo self;
    private final double threshold;

    /**
     * @param streams   the running client whose stores are read
     * @param self      this instance's {@code application.server}
     * @param threshold the flag threshold, shown on the sensor page
     */
    public FleetView(KafkaStreams streams, HostInfo self, double threshold) {
        this.streams = streams;
        this.self = self;
        this.threshold = threshold;
    }

    /** This instance's {@code application.server}. */
    public HostInfo self() {
        return self;
    }

    /** The flag threshold. */
    public double threshold() {
        return threshold;
    }

    /** The other instances of the application that serve the view, as {@code host:port}. */
    List<HostInfo> otherInstances() {
        List<HostInfo> others = new ArrayList<>();
        for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
            if (!metadata.hostInfo().equals(self) && metadata.stateStoreNames().contains(FleetViewStores.SUMMARIES)) {
                others.add(metadata.hostInfo());
            }
        }
        return others;
    }

    /**
     * The instance whose active task holds {@code sensorId}, or empty while that is not known
     * (rebalancing, not started).
     */
    Optional<HostInfo> hostOf(String sensorId) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(FleetViewStores.SUMMARIES, sensorId,
                Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return Optional.empty();
        }
        return Optional.of(metadata.activeHost());
    }

    /** Every sensor this instance holds, most alarming first (see {@link #ALARMING}). */
    List<SensorRow> localSensors() {
        List<SensorRow> rows = new ArrayList<>();
        for (SensorSummary summary : FleetViewStores.all(summaries())) {
            rows.add(row(summary));
        }
        rows.sort(ALARMING);
        return rows;
    }

    /** One sensor this instance holds: its summary, events and recent scores; empty if it holds no such sensor. */
    Optional<SensorDetail> localSensor(String sensorId) {
        Optional<SensorSummary> summary = FleetViewStores.summary(summaries(), sensorId);
        if (summary.isEmpty()) {
            return Optional.empty();
        }
        ReadOnlyKeyValueStore<Bytes, byte[]> recent = streams.store(StoreQueryParameters.fromNameAndType(
                FleetViewStores.RECENT, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
        List<Point> points = new ArrayList<>();
        for (AnomalyScore score : FleetViewStores.recentScores(recent, summary.get())) {
            points.add(Point.of(score));
        }
        List<EventView> events = new ArrayList<>();
        for (SensorEvent event : summary.get().getEvents()) {
            events.add(EventView.of(event));
        }
        return Optional.of(new SensorDetail(row(summary.get()), threshold, events, points));
    }

    private ReadOnlyKeyValueStore<String, byte[]> summaries() {
        return streams.store(StoreQueryParameters.fromNameAndType(FleetViewStores.SUMMARIES,
                QueryableStoreTypes.<String, byte[]>keyValueStore()));
    }

    private SensorRow row(SensorSummary summary) {
        List<SensorEvent> events = summary.getEvents();
        SensorEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
        EventView open = last != null && last.getOpen() ? EventView.of(last) : null;
        return new SensorRow(summary.getSensorId(), summary.getLastScore(), summary.getLastSignal(),
                summary.getInEvent(), summary.getLastEventTime().toString(), summary.getLastEventTime().toEpochMilli(),
                summary.getChannels(), channelNames(summary), summary.getScored(), summary.getEventsTotal(), open,
                self.host() + ":" + self.port());
    }

    /** The summary's channel names, or {@code channel 0}, {@code channel 1}, … when the readings named none. */
    private static List<String> channelNames(SensorSummary summary) {
        if (summary.getChannelNames().size() == summary.getChannels()) {
            return List.copyOf(summary.getChannelNames());
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < summary.getChannels(); i++) {
            names.add("channel " + i);
        }
        return names;
    }

    /** Sensors in an open event first (longest-running first), then by latest score, then by id. */
    static final Comparator<SensorRow> ALARMING = Comparator
            .comparing((SensorRow r) -> r.openEvent() == null)
            .thenComparing(r -> r.openEvent() == null ? "" : r.openEvent().start())
            .thenComparing(SensorRow::score, Comparator.reverseOrder())
            .thenComparing(SensorRow::sensorId);

    /**
     * One sensor in the fleet list.
     *
     * @param sensorId     the sensor
     * @param score        its latest anomaly score
     * @param signal       the latest score's signal
     * @param inEvent      whether its latest reading belongs to an event
     * @param lastReading  event time of its latest reading, ISO-8601 UTC
     * @param lastReadingMillis the same in epoch milliseconds
     * @param channels     its channel count
     * @param channelNames its channels' names ({@code channel 0}, … when its readings named none)
     * @param readings     readings scored
     * @param eventsTotal  events opened since its first reading
     * @param openEvent    the event going on now, or null
     * @param instance     the instance holding it ({@code application.server})
     */
    public record SensorRow(String sensorId, double score, String signal, boolean inEvent, String lastReading,
                            long lastReadingMillis, int channels, List<String> channelNames, long readings, long eventsTotal, EventView openEvent,
                            String instance) {
    }

    /**
     * One event of a sensor.
     *
     * @param start      event time of the reading that opened it, ISO-8601 UTC
     * @param end        event time of its latest reading so far
     * @param startMillis {@code start} in epoch milliseconds
     * @param endMillis  {@code end} in epoch milliseconds
     * @param readings   readings in it so far
     * @param open       whether it is still going on
     * @param signal     the signal that opened it
     * @param peakScore  its largest score
     * @param topChannel the channel with the largest share at the peak score
     */
    public record EventView(String start, String end, long startMillis, long endMillis, long readings, boolean open,
                            String signal, double peakScore, int topChannel) {
        static EventView of(SensorEvent e) {
            return new EventView(e.getStart().toString(), e.getEnd().toString(), e.getStart().toEpochMilli(),
                    e.getEnd().toEpochMilli(), e.getReadings(), e.getOpen(), e.getSignal(), e.getPeakScore(),
                    e.getTopChannel());
        }
    }

    /**
     * One scored reading on the sensor page; NaN (no prediction yet) is written as null.
     *
     * @param t         event time, epoch milliseconds
     * @param observed  the reading's channel values
     * @param predicted the prediction of each channel
     * @param score     anomaly score
     * @param anomaly   whether it was flagged
     * @param inEvent   whether it belongs to an event
     * @param signal    the score's signal
     * @param shares    each channel's share of the prediction error
     */
    public record Point(long t, List<Double> observed, List<Double> predicted, double score, boolean anomaly,
                        boolean inEvent, String signal, List<Double> shares) {
        static Point of(AnomalyScore s) {
            return new Point(s.getEventTime().toEpochMilli(), finite(s.getObserved()), finite(s.getPredicted()),
                    s.getAnomalyScore(), s.getAnomaly(), s.getInEvent(),
                    s.getSignal().name().toLowerCase(Locale.ROOT), finite(s.getChannelShares()));
        }

        private static List<Double> finite(List<Double> values) {
            List<Double> out = new ArrayList<>(values.size());
            for (Double v : values) {
                out.add(v == null || !Double.isFinite(v) ? null : v);
            }
            return out;
        }
    }

    /**
     * One sensor's page.
     *
     * @param sensor    its row in the fleet list
     * @param threshold the flag threshold
     * @param events    its latest events, oldest first
     * @param recent    its latest scored readings, oldest first
     */
    public record SensorDetail(SensorRow sensor, double threshold, List<EventView> events, List<Point> recent) {
    }

    /**
     * The fleet list.
     *
     * @param generated   when it was put together
     * @param instances   instances whose sensors it lists
     * @param unreachable instances that did not answer (their sensors are missing)
     * @param sensorsTotal sensors in all
     * @param openEvents  sensors in an event now
     * @param sensors     the most alarming sensors, at most the limit asked for
     */
    public record SensorList(String generated, List<String> instances, List<String> unreachable, long sensorsTotal,
                             long openEvents, List<SensorRow> sensors) {
        static SensorList of(List<String> instances, List<String> unreachable, List<SensorRow> rows, int limit) {
            List<SensorRow> sorted = new ArrayList<>(rows);
            sorted.sort(ALARMING);
            long open = sorted.stream().filter(r -> r.openEvent() != null).count();
            return new SensorList(Instant.now().toString(), instances, unreachable, sorted.size(), open,
                    List.copyOf(sorted.subList(0, Math.min(limit, sorted.size()))));
        }
    }
}
