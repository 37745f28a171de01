package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench stream} end to end on a tiny synthetic fleet: an embedded broker, one publication,
 * the product and the model-free topology in turns, in this JVM and as two JVMs each.
 */
class BenchStreamCommandIT {

    /** A row of the table of runs: round, run, wall s, readings/s, first commit s, committed/s, scores, dead, changelog B/r. */
    private static final Pattern RUN = Pattern.compile("(?m)^1\\s+(product(?: k=[0-9]+)?(?: cache=[0-9]+)?|model-free [0-9,]+ B(?: \\(S\\))?)\\s+"
            + "([0-9.]+)\\s+([0-9,]+)\\s+([0-9.]+|-)\\s+([0-9,]+|-)\\s+([0-9,]+)\\s+([0-9,]+)\\s+([0-9,]+)$");

    @Test
    void timesTheProductAndTheModelFreeTopologyInTurnsAndChecksEveryRunScoredEveryReading() {
        MainTest.Run run = MainTest.execute("bench", "stream", "--sensors", "50", "--readings", "20",
                "--rounds", "1", "--warmup-runs", "0", "--checkpoint-every", "4,1");

        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).as(run.all())
                .contains("publishing a synthetic fleet of 50 sensors × 20 readings × 1 channel(s)",
                        "1,000 readings in the input topic");
        List<String> runs = checkRuns(run.out());
        assertThat(runs).as(run.out()).containsExactly("product k=4", "product k=1", "model-free 128 B", "model-free S");
        assertThat(run.out()).containsPattern("(?m)^product k=1 .*[0-9.]+×\\s+([0-9.]+×|-)$");
        assertThat(run.out()).as(run.out())
                .containsPattern("(?m)^model-free 128 B\\s+[0-9.]+\\s+[0-9,]+\\s+([0-9,]+|-)\\s+[0-9,]+\\s+[0-9.]+×\\s+([0-9.]+×|-)$")
                .containsPattern("(?m)^model-free [0-9,]+ B \\(S\\)\\s+[0-9.]+\\s+[0-9,]+\\s+([0-9,]+|-)\\s+[0-9,]+\\s+[0-9.]+×")
                .containsPattern("S = [0-9,]+ B: the product's stored bytes per reading, measured as the changelog bytes"
                        + " its first run wrote divided by its readings: bench-1-0-product wrote [0-9,]+ changelog bytes"
                        + " for 1,000 readings \\(sensor-detectors [0-9,]+ B")
                .containsPattern("stored bytes per sensor after 3,000 synthetic readings \\(per-reading part \\+ model\\)")
                .containsPattern("online, model changed by every reading: +D = 1: [0-9,]+ B \\+ [0-9,]+ B;  D = 8: ")
                .containsPattern("trained \\(--learn-first 2000\\), model written once: +D = 1: [0-9,]+ B \\+ [0-9,]+ B;")
                .containsPattern("journal entry, per reading between checkpoints: +D = 1: 25 B;  D = 8: 81 B");
    }

    @Test
    void runsEachRunAsTwoJvmsWithInstances() {
        MainTest.Run run = MainTest.execute("bench", "stream", "--sensors", "20", "--readings", "10", "--partitions", "2",
                "--instances", "2", "--model-free-bytes", "128", "--rounds", "1", "--warmup-runs", "0",
                "--checkpoint-every", "4", "--detector-cache", "4");

        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).as(run.all()).contains("200 readings in the input topic (2 partition(s))",
                "2 JVM(s) per run", "start-up of the JVMs included");
        assertThat(checkRuns(run.out())).as(run.out()).containsExactly("product", "model-free 128 B");
    }

    /**
     * Checks that every run of the table scored every reading (the input is clean: no dead letters),
     * ran at a positive rate and wrote changelog bytes; the runs, a model-free one with S for its
     * bytes named so.
     */
    private static List<String> checkRuns(String out) {
        Matcher row = RUN.matcher(out);
        List<String> runs = new ArrayList<>();
        long readings = Long.parseLong(out.replaceAll("(?s).*?([0-9,]+) readings in the input topic.*", "$1")
                .replace(",", ""));
        while (row.find()) {
            String name = row.group(1);
            assertThat(number(row.group(3))).as("readings/s of %s", name).isPositive();
            assertThat(number(row.group(6))).as("scores of %s", name).isEqualTo(readings);
            assertThat(number(row.group(7))).as("dead letters of %s", name).isZero();
            assertThat(number(row.group(8))).as("changelog bytes per reading of %s", name).isPositive();
            runs.add(name.endsWith("(S)") ? "model-free S" : name);
        }
        return runs;
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }
}
