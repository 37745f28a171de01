package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --flag-column}: event-wise and row-wise figures of a results folder. */
class EvaluateFlagsTest {

    @TempDir
    Path dir;

    private MainTest.Run evaluate(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.execute(args, Map.of(), new PrintWriter(o, true), new PrintWriter(e, true));
        return new MainTest.Run(code, o.toString(), e.toString());
    }

    /** Ten rows a minute apart; rows 2-3 and 7 flagged in in_event; windows over rows 3-4 and 8-9. */
    private Path[] write() throws IOException {
        Path results = dir.resolve("results");
        Files.createDirectories(results.resolve("S"));
        StringBuilder csv = new StringBuilder("timestamp,value,anomaly_score,is_anomaly,in_event\n");
        String pattern = "0011000100";
        for (int i = 0; i < 10; i++) {
            csv.append(String.format("2020-06-01 00:%02d:00,1.0,0.1,0,%c%n", i, pattern.charAt(i)));
        }
        Files.writeString(results.resolve("S/a.csv"), csv);
        Path labels = dir.resolve("labels.json");
        Files.writeString(labels, "{\"S/a.csv\": [[\"2020-06-01 00:03:00\", \"2020-06-01 00:04:00\"],"
                + " [\"2020-06-01 00:08:00\", \"2020-06-01 00:09:00\"]]}");
        return new Path[] {results, labels};
    }

    @Test
    void printsEventWiseAndRowWiseFigures() throws IOException {
        Path[] files = write();
        MainTest.Run run = evaluate("evaluate", "--results", files[0].toString(), "--labels", files[1].toString(),
                "--flag-column", "in_event");
        assertThat(run.code()).as(run.all()).isZero();
        // windows 2, found 1 (rows 2-3), one false alarm (row 7): precision 0.5, recall 0.5, F1 0.5;
        // rows: flagged 2, 3, 7 of which 3 inside: precision 1/3, recall 1/4
        assertThat(run.out()).containsPattern("in_event\\s+2\\s+1\\s+1\\s+0\\.500\\s+0\\.500\\s+0\\.500\\s+0\\.333\\s+0\\.250");
    }

    @Test
    void fromLeavesOutTheRowsBeforeIt() throws IOException {
        Path[] files = write();
        MainTest.Run run = evaluate("evaluate", "--results", files[0].toString(), "--labels", files[1].toString(),
                "--flag-column", "in_event", "--from", "2020-06-01 00:05:00");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).containsPattern("in_event\\s+1\\s+0\\s+1\\s");
    }

    @Test
    void aMissingColumnOrAStrayOptionSaysWhatToFix() throws IOException {
        Path[] files = write();
        MainTest.Run missing = evaluate("evaluate", "--results", files[0].toString(), "--labels", files[1].toString(),
                "--flag-column", "flagged");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("flagged");
        MainTest.Run stray = evaluate("evaluate", "--results", files[0].toString(), "--labels", files[1].toString(),
                "--skip-first", "3");
        assertThat(stray.code()).isNotZero();
        assertThat(stray.err()).contains("--flag-column");
    }

    @Test
    void readsResultFilesInTheLayoutOfTheirInputSemicolonsAndAnotherTimestampName() throws IOException {
        Path results = dir.resolve("semicolons");
        Files.createDirectories(results);
        StringBuilder csv = new StringBuilder("datetime;current;pressure;anomaly_score;is_anomaly;signal;in_event\n");
        for (int i = 0; i < 10; i++) {
            csv.append(String.format("2020-03-09 10:00:%02d;1.0;2.0;0.1;0;none;%s%n", i, i >= 6 ? "1" : "0"));
        }
        Files.writeString(results.resolve("1.csv"), csv);
        Path labels = dir.resolve("pump.json");
        Files.writeString(labels, "{\"1.csv\": [[\"2020-03-09 10:00:05\", \"2020-03-09 10:00:09\"]]}");
        MainTest.Run run = evaluate("evaluate", "--results", results.toString(), "--labels", labels.toString(),
                "--flag-column", "in_event", "--skip-first", "2");
        assertThat(run.code()).as(run.all()).isZero();
        // rows 6-9 flagged, all inside the window 5-9: found, no false alarm; rows: precision 1, recall 4/5
        assertThat(run.out()).containsPattern("in_event\\s+1\\s+1\\s+0\\s+1\\.000\\s+1\\.000\\s+1\\.000\\s+1\\.000\\s+0\\.800");
    }
}
