package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.detect.Rejection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The dead-letter reasons are part of the record format and of the metrics: their codes never change. */
class DeadLetterReasonTest {

    @Test
    void theCodesAreTheDocumentedOnes() {
        assertThat(Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code)).containsExactly(
                "undecodable", "null_key", "bad_channel_count", "non_finite", "channel_mismatch", "out_of_order",
                "future_timestamp");
    }

    @Test
    void everyDetectorRejectionHasTheReasonOfTheSameCode() {
        for (Rejection rejection : Rejection.values()) {
            assertThat(DeadLetterReason.of(rejection).code()).as(rejection.name()).isEqualTo(rejection.code());
        }
    }

    @Test
    void everyReasonIsCountedFromZero() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DetectorMetrics metrics = new DetectorMetrics(registry);
        metrics.deadLetter(DeadLetterReason.of(Rejection.OUT_OF_ORDER));
        String scrape = registry.scrape();
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(scrape).contains("sensorwatch_dead_letters_total{reason=\"" + reason.code() + "\"} "
                    + (reason == DeadLetterReason.OUT_OF_ORDER ? "1.0" : "0.0"));
        }
    }
}
