package dev.sensorwatch.stream;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A topology without a model, for measuring what Kafka Streams itself can do with sensorwatch's
 * traffic ({@code bench stream}): the ceiling the product is compared with.
 *
 * <pre>
 * readings ─(event-time extractor)→ route ─┬─ keyed by sensor id ───────────────┐
 *                                          ├─ keyed otherwise → repartition ────┴→ get + put ─→ scores
 *                                          └─ not scoreable ─────────────────→ dead letters
 * </pre>
 *
 * <p>It reads the same input topic through the same routing as {@link DetectorTopology} (its
 * {@link DetectorTopology#readingsBySensor}: the same {@link RoutingProcessor}, dead-letter branch
 * and repartition topic, so records are keyed by sensor
 * id and land on the same partitions), and then, per reading, does one {@code get} and one {@code put}
 * of a value of {@code valueBytes} bytes on a persistent, changelogged key-value store
 * ({@value #STORE}) and writes one record to the scores topic, keyed by sensor id: the reading's own
 * bytes, about the size of a score. The store has no record cache, so every put reaches the store
 * and its changelog: a run writes {@code valueBytes} (plus key and record overhead) to the changelog
 * per reading, whatever the order of the sensors. (The product writes a sensor once per commit
 * interval, whole or as journal entries of its readings, see {@link DetectorStore}: with a handful
 * of sensors far fewer bytes than it scored readings, with a fleet a journal entry per reading and
 * a checkpoint now and then.) The anomalies topic of the settings is not written.
 */
public final class ModelFreeTopology {

    /** Name of the state store holding each sensor's value. */
    public static final String STORE = "model-free-state";
    /** The smallest value: room for the count of readings the value has seen. */
    public static final int MIN_VALUE_BYTES = Long.BYTES;
    /** The largest value (Kafka's default largest record is 1 MiB). */
    public static final int MAX_VALUE_BYTES = 1 << 20;

    private ModelFreeTopology() {
    }

    /**
     * Builds the topology for the topics and routing limits of {@code settings}, storing
     * {@code valueBytes} per sensor, counting routing's dead letters into {@code metrics}.
     *
     * @throws IllegalArgumentException if {@code valueBytes} is out of [{@value #MIN_VALUE_BYTES},
     *                                  {@value #MAX_VALUE_BYTES}]
     */
    public static Topology build(TopologySettings settings, int valueBytes, DetectorMetrics metrics) {
        if (valueBytes < MIN_VALUE_BYTES || valueBytes > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("the model-free value must have " + MIN_VALUE_BYTES + " to "
                    + MAX_VALUE_BYTES + " bytes, got " + valueBytes);
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()));

        DetectorTopology.readingsBySensor(builder, settings, metrics)
                .mapValues(Routed::payload, Named.as("reading-bytes"))
                .process(() -> new GetPut(valueBytes), Named.as("get-put"), STORE)
                .to(settings.scoresTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("scores"));
        return builder.build();
    }

    /**
     * Per reading: gets the sensor's value, puts a new one of the same size whose first eight bytes
     * count the readings it has seen, and forwards the reading.
     */
    private static final class GetPut implements Processor<String, byte[], String, byte[]> {

        private final byte[] template;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> store;

        GetPut(int valueBytes) {
            // random filler, so that nothing on the way (RocksDB, the producer) gets to compress it
            template = new byte[valueBytes];
            new SplittableRandom(valueBytes).nextBytes(template);
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            byte[] stored = store.get(record.key());
            long seen = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
            byte[] value = Arrays.copyOf(template, template.length);
            ByteBuffer.wrap(value).putLong(seen + 1);
            store.put(record.key(), value);
            context.forward(record);
        }
    }
}
