package dev.sensorwatch.stream;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.SensorEvent;
import dev.sensorwatch.avro.SensorSummary;
import dev.sensorwatch.detect.Signal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Records each score for the fleet view (see {@link FleetViewStores}): puts it into its sensor's
 * ring of recent scores and updates the sensor's summary, opening an event at a score with
 * {@code inEvent} set after one without, extending it while {@code inEvent} stays set and closing
 * it at the first score without. Counts events opened and open now into {@link DetectorMetrics};
 * the open count of a task's sensors is taken from its store when the task starts here and handed
 * back when it leaves.
 */
final class FleetViewRecorder implements Processor<String, Routed, Void, Void> {

    private final DetectorMetrics metrics;
    private KeyValueStore<String, byte[]> summaries;
    private KeyValueStore<Bytes, byte[]> recent;
    /** Sensors of this task whose latest score is in an event. */
    private long open;

    FleetViewRecorder(DetectorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        summaries = context.getStateStore(FleetViewStores.SUMMARIES);
        recent = context.getStateStore(FleetViewStores.RECENT);
        open = 0;
        try (KeyValueIterator<String, byte[]> it = summaries.all()) {
            while (it.hasNext()) {
                if (FleetViewStores.decodeSummary(it.next().value).getInEvent()) {
                    open++;
                }
            }
        }
        metrics.eventsOpenChanged(open);
    }

    @Override
    public void close() {
        metrics.eventsOpenChanged(-open);
        open = 0;
    }

    @Override
    public void process(Record<String, Routed> record) {
        AnomalyScore score = record.value().score();
        String sensorId = record.key();
        byte[] stored = summaries.get(sensorId);
        SensorSummary summary = stored == null ? fresh(sensorId) : FleetViewStores.decodeSummary(stored);
        recent.put(FleetViewStores.recentKey(sensorId, summary.getScored()), FleetViewStores.SCORE_SERDE.encode(score));
        summary = advance(summary, score);
        Header names = record.headers().lastHeader(RecordJson.CHANNELS_HEADER);
        if (names != null) {
            List<String> named = List.of(new String(names.value(), StandardCharsets.UTF_8).split(",", -1));
            if (!named.equals(summary.getChannelNames())) {
                summary = SensorSummary.newBuilder(summary).setChannelNames(named).build();
            }
        }
        summaries.put(sensorId, FleetViewStores.SUMMARY_SERDE.encode(summary));
    }

    private SensorSummary advance(SensorSummary summary, AnomalyScore score) {
        boolean wasInEvent = summary.getInEvent();
        Instant time = score.getEventTime();
        String signal = score.getSignal().name().toLowerCase(Locale.ROOT);
        List<SensorEvent> events = new ArrayList<>(summary.getEvents());
        SensorEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
        long eventsTotal = summary.getEventsTotal();
        if (score.getInEvent() && (!wasInEvent || last == null || !last.getOpen())) {
            events.add(new SensorEvent(time, time, 1L, true, signal, score.getAnomalyScore(), topChannel(score)));
            eventsTotal++;
            metrics.eventOpened(Signal.valueOf(score.getSignal().name()));
            open++;
            metrics.eventsOpenChanged(1);
        } else if (score.getInEvent()) {
            SensorEvent.Builder extended = SensorEvent.newBuilder(last).setEnd(time).setReadings(last.getReadings() + 1);
            if (score.getAnomalyScore() > last.getPeakScore()) {
                extended.setPeakScore(score.getAnomalyScore()).setTopChannel(topChannel(score));
            }
            events.set(events.size() - 1, extended.build());
        } else if (wasInEvent) {
            if (last != null) {
                events.set(events.size() - 1, SensorEvent.newBuilder(last).setOpen(false).build());
            }
            open--;
            metrics.eventsOpenChanged(-1);
        }
        while (events.size() > FleetViewStores.EVENTS) {
            events.remove(0);
        }
        return SensorSummary.newBuilder(summary)
                .setEvents(events)
                .setEventsTotal(eventsTotal)
                .setScored(summary.getScored() + 1)
                .setLastEventTime(time)
                .setLastScore(score.getAnomalyScore())
                .setLastSignal(signal)
                .setInEvent(score.getInEvent())
                .setChannels(score.getObserved().size())
                .build();
    }

    private static SensorSummary fresh(String sensorId) {
        return new SensorSummary(sensorId, 0L, Instant.EPOCH, 0.0, "none", false, 0, new ArrayList<>(), 0L,
                new ArrayList<>());
    }

    /** The channel with the largest share of the score's prediction error; 0 when none is known. */
    static int topChannel(AnomalyScore score) {
        List<Double> shares = score.getChannelShares();
        int top = 0;
        for (int i = 1; i < shares.size(); i++) {
            if (shares.get(i) > shares.get(top)) {
                top = i;
            }
        }
        return top;
    }
}
