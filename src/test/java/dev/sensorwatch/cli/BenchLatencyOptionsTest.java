package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bench latency}'s options: a bad value stops it, before any broker starts, naming what to fix. */
class BenchLatencyOptionsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--rate|0|--rate must be in [1, 100000]",
        "--sensors|0|--sensors must be in [1, 1000000]",
        "--channels|65|--channels must be in [1, 64]",
        "--duration|0|--duration must be in [1, 3600]",
        "--warmup|-1|--warmup must be in [0, 600]",
        "--rounds|0|--rounds must be in [1, 100]",
        "--warmup-runs|11|--warmup-runs must be in [0, 10]",
        "--partitions|0|--partitions must be in [1, 1000]",
        "--commit-interval|-5|--commit-interval must be in [0, 3600000]",
        "--guarantees|exactly_once|unknown guarantee 'exactly_once' (did you mean exactly_once_v2?)",
        "--guarantees|at_least_once,at_least_once|names a guarantee twice",
    })
    void aBadValueIsAUsageError(String option, String value, String message) {
        MainTest.Run run = MainTest.execute("bench", "latency", option, value);
        assertThat(run.code()).as(run.all()).isEqualTo(2);
        assertThat(run.err()).contains("sensorwatch bench latency: ", message);
        assertThat(run.out()).doesNotContain("Embedded broker");
    }

    @Test
    void moreThanOneReadingPerSensorAndMillisecondIsRefused() {
        MainTest.Run run = MainTest.execute("bench", "latency", "--rate", "5000", "--sensors", "4");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--rate at most 4000, or more --sensors");
    }

    @Test
    void theGuaranteeAndCommitIntervalAreNotKafkaSettingsHere() {
        MainTest.Run guarantee = MainTest.execute("bench", "latency", "--kafka.processing.guarantee=at_least_once");
        assertThat(guarantee.code()).isEqualTo(2);
        assertThat(guarantee.err()).contains("kafka.processing.guarantee is set by bench latency itself: use --guarantees");
        MainTest.Run commit = MainTest.execute("bench", "latency", "--kafka.commit.interval.ms=50");
        assertThat(commit.code()).isEqualTo(2);
        assertThat(commit.err()).contains("use --commit-interval");
    }

    @Test
    void anExactlyOnceCommitIntervalLongerThanTheTransactionTimeoutIsRefused() {
        MainTest.Run run = MainTest.execute("bench", "latency", "--commit-interval", "20000");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Kafka Streams refuses the settings of exactly_once_v2",
                "Transaction timeout 10000 was set lower than streams commit interval 20000");
    }

    @Test
    void aMisspeltKafkaSettingIsNamed() {
        MainTest.Run run = MainTest.execute("bench", "latency", "--kafka.linger.msx=5");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("linger.ms");
    }
}
