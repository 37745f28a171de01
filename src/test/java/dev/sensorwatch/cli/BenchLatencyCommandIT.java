package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench latency} end to end with a small load: an embedded broker, one run per guarantee. */
class BenchLatencyCommandIT {

    /** A row of the table: guarantee, commit interval, round, readings, p50, p99, p99.9, max, late. */
    private static final Pattern ROW = Pattern.compile(
            "(?m)^(exactly_once_v2|at_least_once)\\s+(\\d+)\\s+(\\d+)\\s+([\\d,]+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$");

    @Test
    void measuresEveryReadingOfTheMeasuredWindowUnderBothGuarantees() {
        MainTest.Run run = MainTest.execute("bench", "latency", "--rate", "200", "--sensors", "20", "--duration", "3",
                "--warmup", "1", "--warmup-runs", "0", "--rounds", "1", "--partitions", "2");

        assertThat(run.code()).as(run.all()).isZero();
        List<String> guarantees = new ArrayList<>();
        Matcher row = ROW.matcher(run.out());
        while (row.find()) {
            guarantees.add(row.group(1));
            assertThat(Long.parseLong(row.group(2))).as(row.group())
                    .isEqualTo(row.group(1).equals("exactly_once_v2") ? 100 : 30_000);
            assertThat(row.group(3)).isEqualTo("1");
            // 200 readings/s for the 3 measured seconds, each scored once
            assertThat(row.group(4)).as(row.group()).isEqualTo("600");
            long p50 = Long.parseLong(row.group(5));
            long p99 = Long.parseLong(row.group(6));
            long p999 = Long.parseLong(row.group(7));
            long max = Long.parseLong(row.group(8));
            assertThat(p50).as(row.group()).isPositive().isLessThanOrEqualTo(p99);
            assertThat(p99).as(row.group()).isLessThanOrEqualTo(p999);
            assertThat(p999).as(row.group()).isLessThanOrEqualTo(max);
            assertThat(max).as(row.group()).isLessThan(60_000);
        }
        assertThat(guarantees).as(run.out()).containsExactly("exactly_once_v2", "at_least_once");
        assertThat(run.out()).contains("200 readings/s from 20 sensors", "medians over 1 round(s)",
                "exactly_once_v2: commit.interval.ms 100 (Kafka Streams' default)")
                .containsPattern("(?m)^exactly_once_v2\\s+100\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+$")
                .containsPattern("(?m)^at_least_once\\s+30000\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+$");
    }
}
