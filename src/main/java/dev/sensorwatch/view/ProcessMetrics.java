package dev.sensorwatch.view;

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
