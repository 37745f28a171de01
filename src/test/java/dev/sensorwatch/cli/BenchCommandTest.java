package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.cli.MainTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench nab} and {@code bench smap} on a small labelled corpus laid out as theirs, with several seeds. */
class BenchCommandTest {

    @TempDir
    Path dir;

    Path corpus;

    /**
     * Two sensors of two days a minute apart from 2020-05-31 (the first day before the SMAP test
     * parts' start), a sine of period 60 plus noise, each with a level shift of +10 on the second
     * day inside its labelled window.
     */
    @BeforeEach
    void writeCorpus() throws IOException {
        corpus = dir.resolve("corpus");
        Path data = Files.createDirectories(corpus.resolve("data").resolve("SMAP"));
        Files.createDirectories(corpus.resolve("labels"));
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        LocalDateTime start = LocalDateTime.parse("2020-05-31T00:00:00");
        StringBuilder labels = new StringBuilder("{\n");
        for (int sensor = 0; sensor < 2; sensor++) {
            Random random = new Random(sensor);
            StringBuilder text = new StringBuilder("timestamp,value\n");
            for (int t = 0; t < 2880; t++) {
                double value = 5 + Math.sin(2 * Math.PI * t / 60) + 0.1 * random.nextGaussian() + (t >= 2000 && t < 2060 ? 10 : 0);
                text.append(start.plusMinutes(t).format(format)).append(',').append(value).append('\n');
            }
            Files.writeString(data.resolve("S-" + sensor + ".csv"), text);
            labels.append(sensor == 0 ? "" : ",\n").append("  \"SMAP/S-").append(sensor).append(".csv\": [[\"")
                    .append(start.plusMinutes(1980).format(format)).append("\", \"")
                    .append(start.plusMinutes(2100).format(format)).append("\"]]");
        }
        Files.writeString(corpus.resolve("labels").resolve("combined_windows.json"), labels.append("\n}\n"));
    }

    @Test
    void benchNabWithSeveralSeedsPrintsEachSeedTheirMedianAndRangeAndMedianContributions() {
        Run run = MainTest.execute("bench", "nab", "--nab", corpus.toString(), "--seeds", "2", "--contributions");

        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("seed of the initial weights").containsPattern("(?m)^42 +\\d")
                .containsPattern("(?m)^43 +\\d").containsPattern("(?m)^median +\\d").containsPattern("(?m)^range +\\d")
                .contains("what each contributes: medians over the seeds [42, 43]", "what each contributes (NAB)", "without the LSTM", "without flat_line");
    }

    @Test
    void benchSmapWithSeveralSeedsPrintsMediansAndTheRangeOfF1() {
        Run run = MainTest.execute("bench", "smap", "--smap", corpus.toString(), "--seeds", "2", "--update-every", "1");

        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("F1 range", "medians over the seeds [42, 43] of the initial weights")
                .containsPattern("(?m)^online, --members lstm,last,daily +in_event +[0-9.]+/2 .*\\d–\\d");
    }

    @Test
    void aSeedCountBelowOneIsAUsageError() {
        Run run = MainTest.execute("bench", "nab", "--nab", corpus.toString(), "--seeds", "0");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--seeds must be at least 1, got 0");
    }
}
