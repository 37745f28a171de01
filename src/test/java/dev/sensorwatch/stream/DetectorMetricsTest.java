package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DetectorMetricsTest {

    /** The count of the score histogram's bucket {@code le} in a Prometheus scrape. */
    private static double bucket(String scrape, String le) {
        Matcher m = Pattern.compile("(?m)^sensorwatch_anomaly_score_bucket\\{application=\"pumps\",le=\"" + Pattern.quote(le)
                + "\"} ([0-9.]+)$").matcher(scrape);
        assertThat(m.find()).as("bucket le=%s in%n%s", le, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theScoreHistogramCountsFractionalScoresInTheirBuckets() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", "pumps");
        DetectorMetrics metrics = new DetectorMetrics(registry, Map.of("application", "pumps"));
        for (double score : new double[] {0.0, 0.05, 0.3, 0.42, 0.5, 0.536, 0.55, 0.95}) {
            metrics.scored(score, null, 1_000L, 1_000L);
        }
        String scrape = registry.scrape();
        assertThat(bucket(scrape, "0.1")).isEqualTo(2);
        assertThat(bucket(scrape, "0.3")).isEqualTo(3);
        assertThat(bucket(scrape, "0.5")).isEqualTo(5);
        assertThat(bucket(scrape, "0.537")).isEqualTo(6);
        assertThat(bucket(scrape, "0.6")).isEqualTo(7);
        assertThat(bucket(scrape, "0.9")).isEqualTo(7);
        assertThat(bucket(scrape, "1.0")).isEqualTo(8);
        assertThat(bucket(scrape, "+Inf")).isEqualTo(8);
        assertThat(scrape).contains("# TYPE sensorwatch_anomaly_score histogram", "sensorwatch_anomaly_score_count{application=\"pumps\"} 8");
        assertThat(scrape).contains("sensorwatch_readings_total{application=\"pumps\"} 8");
    }
}
