package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.stream.DetectorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code /metrics} and {@code /health} as Prometheus and an orchestrator see them. */
class HttpEndpointsTest {

    final HttpClient client = HttpClient.newHttpClient();

    HttpResponse<String> get(int port, String path, String method) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The endpoints as {@code run} opens them, from its parsed options. */
    static HttpEndpoints startAsRunWould(Map<String, String> env, String... args) throws Exception {
        RunCommand run = MainTest.parsedRun(env, args);
        return HttpEndpoints.start(run.metricsHost, 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true);
    }

    @Test
    void runBindsLoopbackUnlessToldOtherwise() throws Exception {
        try (HttpEndpoints endpoints = startAsRunWould(Map.of(), "run")) {
            assertThat(endpoints.address().getAddress().isLoopbackAddress()).as("%s", endpoints.address()).isTrue();
        }
        try (HttpEndpoints endpoints = startAsRunWould(Map.of(), "run", "--metrics-host", "0.0.0.0")) {
            assertThat(endpoints.address().getAddress().isAnyLocalAddress()).as("%s", endpoints.address()).isTrue();
        }
        try (HttpEndpoints endpoints = startAsRunWould(Map.of("SENSORWATCH_METRICS_HOST", "0.0.0.0"), "run")) {
            assertThat(endpoints.address().getAddress().isAnyLocalAddress()).as("%s", endpoints.address()).isTrue();
        }
    }

    @Test
    void servesMetricsAndHealthOnLoopback() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new DetectorMetrics(registry);
        AtomicBoolean healthy = new AtomicBoolean(false);
        try (HttpEndpoints endpoints = HttpEndpoints.start("127.0.0.1", 0, registry, healthy::get)) {
            HttpResponse<String> metrics = get(endpoints.port(), "/metrics", "GET");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("sensorwatch_readings_total", "sensorwatch_dead_letters_total{reason=\"out_of_order\"}",
                    "sensorwatch_processing_seconds_bucket");

            assertThat(get(endpoints.port(), "/health", "GET").statusCode()).isEqualTo(503);
            healthy.set(true);
            assertThat(get(endpoints.port(), "/health", "GET").statusCode()).isEqualTo(200);
            assertThat(get(endpoints.port(), "/health", "HEAD").statusCode()).isEqualTo(200);
            assertThat(get(endpoints.port(), "/health", "POST").statusCode()).isEqualTo(405);
        }
    }
}
