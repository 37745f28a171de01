package dev.sensorwatch.stream;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The consumer lag of the partitions this instance processes, once per partition, computed from
 * Kafka Streams' client metrics at each scrape:
 *
 * <ul>
 *   <li>{@code sensorwatch_consumer_lag_records{topic, partition}}: records between the main
 *       consumer's position and the partition's log end now (Kafka's {@code records-lag});</li>
 *   <li>{@code sensorwatch_consumer_lag_max_records{topic, partition}}: the largest of those over
 *       the consumer's metrics window ({@code records-lag-max}).</li>
 * </ul>
 *
 * Only the stream threads' main consumers count: restore consumers (state restoration) are left out.
 * A partition that moves to another instance disappears from this one's scrape with its task.
 */
public final class ConsumerLagMetrics implements MultiCollector {

    private static final String GROUP = "consumer-fetch-manager-metrics";

    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private final Map<String, String> constantLabels;

    /**
     * @param metrics        the client's metrics, read at each scrape ({@code KafkaStreams::metrics})
     * @param constantLabels labels every series carries (application, instance)
     */
    public ConsumerLagMetrics(Supplier<Map<MetricName, ? extends Metric>> metrics, Map<String, String> constantLabels) {
        this.metrics = metrics;
        this.constantLabels = new TreeMap<>(constantLabels);
    }

    @Override
    public MetricSnapshots collect() {
        Map<List<String>, double[]> byPartition = new TreeMap<>((a, b) -> {
            int topic = a.get(0).compareTo(b.get(0));
            return topic != 0 ? topic : Integer.compare(Integer.parseInt(a.get(1)), Integer.parseInt(b.get(1)));
        });
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.get().entrySet()) {
            MetricName name = entry.getKey();
            Map<String, String> tags = name.tags();
            String client = tags.getOrDefault("client-id", "");
            if (!GROUP.equals(name.group()) || !tags.containsKey("topic") || !tags.containsKey("partition")
                    || client.contains("restore-consumer")) {
                continue;
            }
            int index = switch (name.name()) {
                case "records-lag" -> 0;
                case "records-lag-max" -> 1;
                default -> -1;
            };
            if (index < 0 || !(entry.getValue().metricValue() instanceof Number value)) {
                continue;
            }
            double[] lag = byPartition.computeIfAbsent(List.of(tags.get("topic"), tags.get("partition")),
                    k -> new double[] {Double.NaN, Double.NaN});
            lag[index] = Double.isNaN(lag[index]) ? value.doubleValue() : Math.max(lag[index], value.doubleValue());
        }
        GaugeSnapshot.Builder now = GaugeSnapshot.builder().name("sensorwatch_consumer_lag_records")
                .help("Records between this instance's consumer position and the log end, per input partition"
                        + " it processes (restore consumers left out)");
        GaugeSnapshot.Builder max = GaugeSnapshot.builder().name("sensorwatch_consumer_lag_max_records")
                .help("Largest consumer lag in records over the consumer's metrics window, per input partition"
                        + " this instance processes");
        for (Map.Entry<List<String>, double[]> entry : byPartition.entrySet()) {
            Labels labels = labels(entry.getKey().get(0), entry.getKey().get(1));
            if (!Double.isNaN(entry.getValue()[0])) {
                now.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(entry.getValue()[0]).labels(labels).build());
            }
            if (!Double.isNaN(entry.getValue()[1])) {
                max.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(entry.getValue()[1]).labels(labels).build());
            }
        }
        return new MetricSnapshots(now.build(), max.build());
    }

    private Labels labels(String topic, String partition) {
        List<String> names = new ArrayList<>(constantLabels.keySet());
        List<String> values = new ArrayList<>(constantLabels.values());
        names.add("partition");
        values.add(partition);
        names.add("topic");
        values.add(topic);
        return Labels.of(names, values);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("sensorwatch_consumer_lag_records", "sensorwatch_consumer_lag_max_records");
    }
}
