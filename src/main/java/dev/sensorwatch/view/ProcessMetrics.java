package dev.sensorwatch.view;

import dev.sensorwatch.stream.StreamsRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/**
 * The JVM and process metrics of a running instance, from Micrometer's binders: memory pools and
 * buffers ({@code jvm_memory_*}, {@code jvm_buffer_*}), garbage collection ({@code jvm_gc_*}), heap
 * pressure, threads ({@code jvm_threads_*}), classes, JVM version, CPU ({@code process_cpu_usage},
 * {@code system_cpu_*}), open files ({@code process_files_*}) and uptime
 * ({@code process_uptime_seconds}, {@code process_start_time_seconds}).
 */
public final class ProcessMetrics {

    private ProcessMetrics() {
    }

    /**
     * A Prometheus registry for a running instance: every meter labelled with {@code labels}
     * (application, instance), and Kafka's client meters filtered ({@link StreamsRunner#KAFKA_METERS})
     * before the first meter is registered.
     */
    public static PrometheusMeterRegistry registry(Map<String, String> labels) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        labels.forEach((key, value) -> registry.config().commonTags(key, value));
        registry.config().meterFilter(StreamsRunner.KAFKA_METERS);
        return registry;
    }

    /** Registers them in {@code registry}; the GC binders live as long as the process. */
    @SuppressWarnings("resource")
    public static void bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmHeapPressureMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }
}
