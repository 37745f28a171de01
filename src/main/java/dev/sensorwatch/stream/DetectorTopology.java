package dev.sensorwatch.stream;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The sensorwatch topology, as a pure factory:
 *
 * <pre>
 * readings ─(event-time extractor)→ route ─┬─ keyed by sensor id ───────────────┐
 *                                          ├─ keyed otherwise → repartition ────┴→ detect ─┬→ scores
 *                                          └─ not scoreable ─────────────────→ dead letters  ├→ anomalies (flagged)
 *                                                                                             ├→ fleet view stores
 *                                                                                             └→ dead letters
 * </pre>
 *
 * <p>{@code detect} keeps one detector per sensor in three persistent, changelogged key-value
 * stores: a checkpoint of it, what changes with every reading in {@value TopologySettings#STORE}
 * and the model in {@value TopologySettings#MODEL_STORE} (written only when it changes), and the
 * readings it scored since in {@value TopologySettings#JOURNAL_STORE}; a {@link DetectorStore}
 * holds the decoded detectors of a task and writes the changed ones once per commit. Keys on the output topics are sensor ids; dead letters
 * keep the original key. {@code fleet view} keeps each sensor's summary and recent scores in the
 * stores of {@link FleetViewStores}, which the fleet view queries. Scores and dead letters are
 * written in the settings'
 * {@link OutputFormat}; a score whose reading named its channels carries them in the header
 * {@value RecordJson#CHANNELS_HEADER}.
 */
public final class DetectorTopology {

    private DetectorTopology() {
    }

    /** Builds the topology for {@code settings}, counting into {@code metrics}. */
    public static Topology build(TopologySettings settings, DetectorMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(DetectorStore.builder(settings.detectorCache(), settings.checkpointEvery()));
        builder.addStateStore(DetectorStore.modelsBuilder());
        builder.addStateStore(DetectorStore.journalBuilder());
        if (settings.fleetView()) {
            builder.addStateStore(FleetViewStores.summaries());
            builder.addStateStore(FleetViewStores.recent());
        }

        KStream<String, Routed> keyed = readingsBySensor(builder, settings, metrics);

        Map<String, KStream<String, Routed>> outcomes = keyed
                .process(() -> new DetectorProcessor(settings.detector(), settings.outputFormat(), metrics),
                        Named.as("detect"),
                        TopologySettings.STORE, TopologySettings.MODEL_STORE, TopologySettings.JOURNAL_STORE)
                .split(Named.as("detect-"))
                .branch((key, r) -> r.route() == Routed.Route.DEAD_LETTER, Branched.as("dead"))
                .defaultBranch(Branched.as("scores"));
        toDeadLetters(outcomes.get("detect-dead"), settings, "detect-dead-letters");

        KStream<String, byte[]> scores = outcomes.get("detect-scores")
                .mapValues(Routed::payload, Named.as("score-payload"));
        scores.to(settings.scoresTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("scores"));
        outcomes.get("detect-scores")
                .filter((key, r) -> r.anomaly(), Named.as("flagged"))
                .mapValues(Routed::payload, Named.as("anomaly-payload"))
                .to(settings.anomaliesTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("anomalies"));
        if (settings.fleetView()) {
            outcomes.get("detect-scores")
                    .process(() -> new FleetViewRecorder(metrics, settings.outputFormat()), Named.as("fleet-view"),
                            FleetViewStores.SUMMARIES, FleetViewStores.RECENT);
        }
        return builder.build();
    }

    /**
     * The readings of the settings' input topic keyed by sensor id: those keyed otherwise go
     * through the repartition topic {@code readings-by-sensor}, those that cannot be scored to the
     * dead-letter topic; those keyed by sensor id already carry the reading the router decoded. {@link ModelFreeTopology} routes its readings here too, so that the two
     * topologies process the same keys on the same partitions.
     */
    static KStream<String, Routed> readingsBySensor(StreamsBuilder builder, TopologySettings settings,
                                                    DetectorMetrics metrics) {
        KStream<String, Routed> routed = builder
                .stream(settings.inputTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withTimestampExtractor(new ReadingTimestampExtractor(settings.maxFutureSkewMillis()))
                        .withName("readings"))
                .process(() -> new RoutingProcessor(metrics, settings.maxChannels(), settings.maxFutureSkewMillis(),
                        settings.outputFormat()),
                        Named.as("route"));

        Map<String, KStream<String, Routed>> routes = routed.split(Named.as("route-"))
                .branch((key, r) -> r.route() == Routed.Route.DEAD_LETTER, Branched.as("dead"))
                .branch((key, r) -> r.route() == Routed.Route.REKEY, Branched.as("rekey"))
                .defaultBranch(Branched.as("direct"));
        toDeadLetters(routes.get("route-dead"), settings, "route-dead-letters");

        KStream<String, Routed> rekeyed = routes.get("route-rekey")
                .mapValues(Routed::payload, Named.as("rekey-payload"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("readings-by-sensor"))
                .mapValues(bytes -> Routed.reading(Routed.Route.REKEY, bytes, null), Named.as("rekeyed-reading"));
        return routes.get("route-direct").merge(rekeyed, Named.as("by-sensor"));
    }

    private static void toDeadLetters(KStream<String, Routed> stream, TopologySettings settings, String name) {
        stream.map((key, r) -> KeyValue.pair(r.deadKey(), r.payload()), Named.as(name))
                .to(settings.deadLetterTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(name + "-sink"));
    }
}
