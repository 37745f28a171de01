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
 * back when it leaves. A ring entry is the score as the scores topic has it when that is Avro; the
 * summaries are held decoded by their store ({@link SummaryStore}) and written once per commit.
 */
final class FleetViewRecorder implements Processor<String, Routed, Void, Void> {

    private final DetectorMetrics metrics;
    private final boolean avroScores;
    private SummaryStore summaries;
    private KeyValueStore<Bytes, byte[]> recent;
    /** Sensors of this task whose latest score is in an event. */
    private long open;

    FleetViewRecorder(DetectorMetrics metrics, OutputFormat format) {
        this.metrics = metrics;
        this.avroScores = format == OutputFormat.AVRO;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        summaries = SummaryStore.of(context.getStateStore(FleetViewStores.SUMMARIES));
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
        SensorSummary summary = summaries.take(sensorId);
        if (summary == null) {
            summary = fresh(sensorId);
        }
        // the score as the ring keeps it: Avro, as the scores topic has it already unless that is JSON
        byte[] ring = avroScores ? record.value().payload() : FleetViewStores.SCORE_SERDE.encode(score);
        recent.put(FleetViewStores.recentKey(sensorId, summary.getScored()), ring);
        summaries.keep(sensorId, advance(summary, score, channelNames(record, summary)));
    }

    /** The channel names of the record's header if it has one, else those of {@code summary}. */
    private static List<String> channelNames(Record<String, Routed> record, SensorSummary summary) {
        Header names = record.headers().lastHeader(RecordJson.CHANNELS_HEADER);
        if (names == null) {
            return summary.getChannelNames();
        }
        List<String> named = List.of(new String(names.value(), StandardCharsets.UTF_8).split(",", -1));
        return named.equals(summary.getChannelNames()) ? summary.getChannelNames() : named;
    }

    /**
     * {@code summary} advanced by {@code score}: a new summary, built field by field rather than
     * with a builder, which would copy every event deeply first.
     */
    private SensorSummary advance(SensorSummary summary, AnomalyScore score, List<String> channelNames) {
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
            boolean peak = score.getAnomalyScore() > last.getPeakScore();
            events.set(events.size() - 1, new SensorEvent(last.getStart(), time, last.getReadings() + 1, last.getOpen(),
                    last.getSignal(), peak ? score.getAnomalyScore() : last.getPeakScore(),
                    peak ? topChannel(score) : last.getTopChannel()));
        } else if (wasInEvent) {
            if (last != null) {
                events.set(events.size() - 1, new SensorEvent(last.getStart(), last.getEnd(), last.getReadings(), false,
                        last.getSignal(), last.getPeakScore(), last.getTopChannel()));
            }
            open--;
            metrics.eventsOpenChanged(-1);
        }
        while (events.size() > FleetViewStores.EVENTS) {
            events.remove(0);
        }
        return new SensorSummary(summary.getSensorId(), summary.getScored() + 1, time, score.getAnomalyScore(), signal,
                score.getInEvent(), score.getObserved().size(), channelNames, eventsTotal, events);
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
