package dev.sensorwatch.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a topology with explicit start-up and shut-down: the uncaught-exception handler and state
 * listener are set before {@code start()}, an unexpected exception shuts the client down (and the
 * state becomes {@code ERROR}, which {@link #stopped()} reports), and {@link #close(Duration)}
 * closes with a timeout. Local state is wiped only by an explicit {@link #cleanUp()}.
 */
public final class StreamsRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics clientMetrics;
    private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    /**
     * Creates (but does not start) the client; its metrics and a {@code sensorwatch.streams.state}
     * gauge per state go to {@code registry}.
     */
    public StreamsRunner(Topology topology, Properties properties, MeterRegistry registry) {
        this.streams = new KafkaStreams(topology, properties);
        String application = properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        this.clientMetrics = new KafkaStreamsMetrics(streams, List.of(Tag.of("application", application)));
        clientMetrics.bindTo(registry);
        for (KafkaStreams.State each : KafkaStreams.State.values()) {
            Gauge.builder("sensorwatch.streams.state", this, r -> r.state == each ? 1.0 : 0.0)
                    .description("Kafka Streams client state: 1 for the state it is in, 0 for the others"
                            + " (RUNNING is the one that scores; REBALANCING while partitions move)")
                    .tags("application", application, "state", each.name())
                    .register(registry);
        }
        streams.setStateListener((now, before) -> {
            state = now;
            LOG.info("Kafka Streams state {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.error("Stream thread failed; shutting the application down", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * The filter a registry that takes the client's metrics needs before its first meter: Kafka's
     * consumers report some fetch metrics twice under one name, per client and per topic, and
     * Prometheus needs one set of labels per name, so the per-client ones (the sums of the per-topic
     * ones) are left out rather than refused one by one with a warning.
     */
    public static final MeterFilter KAFKA_METERS = MeterFilter.deny(id ->
            id.getName().startsWith("kafka.consumer.fetch.manager.") && id.getTag("topic") == null
                    && id.getTag("client.id") != null);

    /**
     * The Kafka Streams settings sensorwatch runs with: exactly-once (v2), no idling for empty
     * co-partitions, the processing exception handler also enabled for global threads (there are
     * none), one stream thread per core ({@link #defaultStreamThreads()}), the given application id, cluster and state directory, then {@code overrides} (any
     * client setting) on top.
     */
    public static Properties properties(String applicationId, String bootstrapServers, Path stateDir,
                                        Map<String, String> overrides) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // a task reads its input partition and the matching repartition partition; a sensor's
        // readings only ever arrive through one of them, so the task must not wait for the other
        // (usually empty) one before processing
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        // the topology has no global store, so this changes nothing but ends Kafka Streams' warning
        // that the handler will apply to global threads from Kafka 5.0 on
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // scoring is CPU-bound and tasks are independent: one stream thread per core (Kafka Streams'
        // default is one per instance); threads beyond the instance's tasks stay idle
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(defaultStreamThreads()));
        props.putAll(overrides);
        return props;
    }

    /** The default {@code num.stream.threads}: one per core this JVM may use. */
    public static int defaultStreamThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Exports the consumer lag of the partitions this instance processes ({@link ConsumerLagMetrics})
     * to {@code registry}, every series labelled with {@code labels}.
     */
    public void exportConsumerLag(PrometheusMeterRegistry registry,
                                  Map<String, String> labels) {
        registry.getPrometheusRegistry().register(new ConsumerLagMetrics(streams::metrics, labels));
    }

    /** Deletes this application's local state; only before {@link #start()}, only when asked. */
    public void cleanUp() {
        LOG.warn("Deleting local state of application before start (explicit reset)");
        streams.cleanUp();
    }

    /** Starts processing. */
    public void start() {
        streams.start();
    }

    /** The client's current state. */
    public KafkaStreams.State state() {
        return state;
    }

    /** Completes with {@code ERROR} or {@code NOT_RUNNING} when the client stops. */
    public CompletableFuture<KafkaStreams.State> stopped() {
        return stopped;
    }

    /** Whether the client is serving: {@code RUNNING} or {@code REBALANCING}. */
    public boolean healthy() {
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    /** The underlying client, for lag and metadata queries. */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Closes the client, waiting at most {@code timeout}.
     *
     * @return whether it closed in time
     */
    public boolean close(Duration timeout) {
        boolean closed = streams.close(timeout);
        clientMetrics.close();
        if (!closed) {
            LOG.warn("Kafka Streams did not close within {}", timeout);
        }
        return closed;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
