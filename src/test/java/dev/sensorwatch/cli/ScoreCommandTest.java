package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sensorwatch.detect.DetectorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {

    static final int NAB_ROWS = 300;
    static final int SPIKE_ROW = 240;
    static final int CSV_ROWS = 180;
    static final int NAN_ROW = 150;

    static final String NAB_FILE = "realKnownCause/machine_temperature.csv";
    static final String CSV_FILE = "plant.csv";

    @TempDir
    Path dir;

    Path input;

    @BeforeEach
    void writeInputs() throws IOException {
        input = dir.resolve("in");
        StringBuilder nab = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < NAB_ROWS; i++) {
            double value = i == SPIKE_ROW ? 400.0 : 50.0 + 10.0 * Math.sin(2 * Math.PI * i / 24.0);
            nab.append(String.format("2014-04-%02d %02d:%02d:00,%.6f%n",
                    1 + i * 5 / 1440, i * 5 / 60 % 24, i * 5 % 60, value));
        }
        Path nabFile = input.resolve(NAB_FILE);
        Files.createDirectories(nabFile.getParent());
        Files.writeString(nabFile, nab);

        StringBuilder csv = new StringBuilder("time;temperature;pressure;note\n");
        for (int i = 0; i < CSV_ROWS; i++) {
            String temperature = i == NAN_ROW ? "NaN" : String.format("%.3f", 20.0 + 2.0 * Math.sin(i / 5.0));
            csv.append(String.format("2024-01-02T%02d:%02d:00Z;%s;%.2f;n%d%n",
                    i / 60, i % 60, temperature, 1013.0 + Math.cos(i / 7.0), i));
        }
        Files.writeString(input.resolve(CSV_FILE), csv);
    }

    static MainTest.Run score(Path in, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("score", "--input", in.toString(), "--output", out.toString()));
        args.addAll(Arrays.asList(more));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.execute(args.toArray(String[]::new), Map.of(), new PrintWriter(o, true), new PrintWriter(e, true));
        return new MainTest.Run(code, o.toString(), e.toString());
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file);
    }

    static List<String[]> rows(Path file, String delimiter) throws IOException {
        return lines(file).stream().skip(1).map(line -> line.split(delimiter, -1)).toList();
    }

    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    /** The printed events of each series are the runs of in_event = 1 of its result file. */
    @Test
    void printsEachSeriesEventsAsTheResultFilesHaveThem() throws Exception {
        Path out = dir.resolve("sample-out");
        Path sample = CliSessionIT.sample();
        MainTest.Run run = score(sample, out, "--format", "nab", "--threads", "1");
        assertThat(run.code()).as(run.all()).isZero();
        for (Path file : files(out)) {
            String name = file.toString().replace('\\', '/');
            List<String[]> rows = rows(out.resolve(file), ",");
            List<String> starts = new ArrayList<>();
            boolean inside = false;
            for (String[] row : rows) {
                String flag = row[row.length - 1];
                if (flag.equals("1") && !inside) {
                    starts.add(row[0]);
                }
                inside = flag.isEmpty() ? inside : flag.equals("1");
            }
            assertThat(starts).as(name).isNotEmpty();
            assertThat(run.out()).contains(name + ": " + starts.size() + " event" + (starts.size() == 1 ? "" : "s") + "\n");
            String firstLine = run.out().substring(run.out().indexOf(name + ": ")).lines().skip(1).findFirst().orElseThrow();
            assertThat(firstLine).startsWith("  " + starts.get(0).replace(' ', 'T') + "Z").contains("peak 0.", "channel value");
            if (starts.size() > ScoreFiles.EVENTS_SHOWN) {
                assertThat(run.out()).contains("... and " + (starts.size() - ScoreFiles.EVENTS_SHOWN) + " more");
            }
        }
    }

    @Test
    void outputMirrorsTheInputLayoutAndColumns() throws IOException {
        Path out = dir.resolve("out");
        MainTest.Run run = score(input, out);
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("Scored 2 series", (NAB_ROWS + CSV_ROWS) + " readings", out.toString());
        assertThat(files(out)).containsExactlyInAnyOrder(Path.of(NAB_FILE), Path.of(CSV_FILE));

        List<String> nab = lines(out.resolve(NAB_FILE));
        assertThat(nab.get(0)).isEqualTo("timestamp,value,anomaly_score,is_anomaly,prediction,prediction_error,signal,in_event");
        assertThat(nab).hasSize(NAB_ROWS + 1);
        List<String> nabInput = lines(input.resolve(NAB_FILE));
        for (int i = 1; i <= NAB_ROWS; i++) {
            assertThat(nab.get(i)).startsWith(nabInput.get(i) + ",");
            assertThat(nab.get(i).split(",", -1)).hasSize(8);
        }

        List<String> csv = lines(out.resolve(CSV_FILE));
        assertThat(csv.get(0)).isEqualTo("time;temperature;pressure;note;anomaly_score;is_anomaly;"
                + "prediction_temperature;prediction_pressure;prediction_error;share_temperature;share_pressure;"
                + "signal;in_event");
        assertThat(csv).hasSize(CSV_ROWS + 1);
        List<String> csvInput = lines(input.resolve(CSV_FILE));
        for (int i = 1; i <= CSV_ROWS; i++) {
            assertThat(csv.get(i)).startsWith(csvInput.get(i) + ";");
            assertThat(csv.get(i).split(";", -1)).hasSize(13);
        }
        // each scored row's channel shares add up to 1
        for (String[] row : rows(out.resolve(CSV_FILE), ";")) {
            if (!row[4].isEmpty() && !row[9].isEmpty()) {
                assertThat(Double.parseDouble(row[9]) + Double.parseDouble(row[10])).isCloseTo(1.0,
                        within(1e-9));
            }
        }

        // Scores are probabilities, labels 0 or 1, and warm-up rows score 0.
        for (String[] row : rows(out.resolve(NAB_FILE), ",")) {
            double score = Double.parseDouble(row[2]);
            assertThat(score).isBetween(0.0, 1.0);
            assertThat(row[3]).isIn("0", "1");
            assertThat(row[3].equals("1")).isEqualTo(score >= DetectorConfig.DEFAULT_THRESHOLD);
            // the signal that gave the score, none for a score of 0; a flagged row opens an event
            assertThat(row[6]).isIn("none", "prediction_error", "sustained_error", "level_shift", "weekly_shift", "new_territory");
            assertThat(row[6].equals("none")).as("signal %s for score %s", row[6], score).isEqualTo(score == 0.0);
            assertThat(row[7]).isIn("0", "1");
            if (row[3].equals("1")) {
                assertThat(row[7]).isEqualTo("1");
            }
        }
    }

    @Test
    void aSingleFileInputIsWrittenByItsName() throws IOException {
        Path out = dir.resolve("single");
        MainTest.Run run = score(input.resolve(NAB_FILE), out, "--format", "nab");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(files(out)).containsExactly(Path.of("machine_temperature.csv"));
    }

    @Test
    void nabAndCsvFormatsScoreANabFileAlike() throws IOException {
        Path asCsv = dir.resolve("csv");
        Path asNab = dir.resolve("nab");
        assertThat(score(input.resolve("realKnownCause"), asCsv).code()).isZero();
        assertThat(score(input.resolve("realKnownCause"), asNab, "--format", "NAB").code()).isZero();
        assertThat(Files.readAllBytes(asNab.resolve("machine_temperature.csv")))
                .isEqualTo(Files.readAllBytes(asCsv.resolve("machine_temperature.csv")));
    }

    @Test
    void scoringTwiceGivesByteIdenticalFiles() throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        assertThat(score(input, first).code()).isZero();
        assertThat(score(input, second).code()).isZero();
        for (String file : List.of(NAB_FILE, CSV_FILE)) {
            assertThat(Files.readAllBytes(second.resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(first.resolve(file)));
        }
        // Scoring into an existing output folder replaces the files with the same content.
        assertThat(score(input, first).code()).isZero();
        assertThat(Files.readAllBytes(first.resolve(NAB_FILE))).isEqualTo(Files.readAllBytes(second.resolve(NAB_FILE)));
    }

    @Test
    void threadCountDoesNotChangeResults() throws IOException {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        assertThat(score(input, one, "--threads", "1").code()).isZero();
        assertThat(score(input, two, "--threads", "2").code()).isZero();
        for (String file : List.of(NAB_FILE, CSV_FILE)) {
            assertThat(Files.readAllBytes(two.resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(one.resolve(file)));
        }
    }

    @Test
    void negativeThreadCountIsAUsageError() {
        MainTest.Run run = score(input, dir.resolve("out"), "--threads", "-1");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--threads");
    }

    @Test
    void aRowWithNaNGetsEmptyScoreCellsAndTheRunSucceeds() throws IOException {
        Path out = dir.resolve("out");
        MainTest.Run run = score(input, out);
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("1 readings were not scored");

        List<String[]> rows = rows(out.resolve(CSV_FILE), ";");
        String[] nan = rows.get(NAN_ROW);
        assertThat(nan[1]).isEqualTo("NaN");
        assertThat(Arrays.copyOfRange(nan, 4, 9)).containsOnly("");
        for (int i = 0; i < rows.size(); i++) {
            if (i != NAN_ROW) {
                assertThat(rows.get(i)[4]).as("row %d", i).isNotEmpty();
                assertThat(rows.get(i)[5]).as("row %d", i).isIn("0", "1");
            }
        }
        // the rows after the gap are scored again
        assertThat(Double.parseDouble(rows.get(NAN_ROW + 1)[6])).isFinite();
    }

    @Test
    void theSpikeHasTheHighestScoreOfItsFile() throws IOException {
        Path out = dir.resolve("out");
        assertThat(score(input, out, "--threads", "1").code()).isZero();
        List<String[]> rows = rows(out.resolve(NAB_FILE), ",");
        double[] scores = rows.stream().mapToDouble(row -> Double.parseDouble(row[2])).toArray();
        double spike = scores[SPIKE_ROW];
        for (int i = 0; i < scores.length; i++) {
            if (i != SPIKE_ROW) {
                assertThat(scores[i]).as("row %d", i).isLessThanOrEqualTo(spike);
            }
        }
        for (int i = 0; i < SPIKE_ROW; i++) {
            assertThat(scores[i]).as("row %d before the spike", i).isLessThan(spike);
        }
        assertThat(rows.get(SPIKE_ROW)[3]).isEqualTo("1");
        assertThat(scores[0]).isZero(); // still warming up
    }

    @Test
    void aTrainingPeriodIsLearnedUnflaggedThenTheSpikeAfterItIsFlagged() throws IOException {
        Path out = dir.resolve("trained");
        MainTest.Run run = score(input.resolve(NAB_FILE), out, "--format", "nab", "--learn-first", "120");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("Training period: each sensor's first 120 readings. Trained 1 series, predictor kept: ");
        List<String[]> rows = rows(out.resolve("machine_temperature.csv"), ",");
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            if (i < 120) {
                assertThat(row[6]).isEqualTo("training");
                assertThat(Double.parseDouble(row[2])).isZero();
                assertThat(row[3]).isEqualTo("0");
            } else {
                assertThat(row[6]).isNotEqualTo("training");
                assertThat(row[3]).isEqualTo(i == SPIKE_ROW ? "1" : "0");
            }
        }
    }

    @Test
    void learnUntilTakesTheReadingsBeforeAnInstant() throws IOException {
        Path out = dir.resolve("until");
        // rows are five minutes apart from 2014-04-01 00:00: 2014-04-01 12:00 is row 144
        MainTest.Run run = score(input.resolve(NAB_FILE), out, "--format", "nab", "--learn-until", "2014-04-01 12:00:00");
        assertThat(run.code()).as(run.all()).isZero();
        List<String[]> rows = rows(out.resolve("machine_temperature.csv"), ",");
        assertThat(rows.stream().filter(row -> row[6].equals("training")).count()).isEqualTo(144);
        assertThat(rows.get(SPIKE_ROW)[3]).isEqualTo("1");
    }

    @Test
    void aBadTrainingPeriodStopsWithWhatToFix() {
        MainTest.Run run = score(input.resolve(NAB_FILE), dir.resolve("bad"), "--format", "nab", "--learn-first", "a while");
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("--learn-first", "'a while'");
    }

    static JsonNode reportData(Path report) throws IOException {
        String html = Files.readString(report);
        String start = "<script id=\"data\" type=\"application/json\">";
        int from = html.indexOf(start) + start.length();
        return new ObjectMapper().readTree(html.substring(from, html.indexOf("</script>", from)));
    }

    static JsonNode series(JsonNode data, String name) {
        for (JsonNode s : data.get("series")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no series " + name + " in the report");
    }

    @Test
    void theReportDrawsEveryChannelAndListsTheEvents() throws IOException {
        Path report = dir.resolve("report/scores.html");
        MainTest.Run run = score(input, dir.resolve("out"), "--report", report.toString());
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("Report in " + report);

        JsonNode data = reportData(report);
        assertThat(data.get("threshold").asDouble()).isEqualTo(DetectorConfig.DEFAULT_THRESHOLD);
        assertThat(data.get("labelled").asBoolean()).isFalse();
        JsonNode plant = series(data, CSV_FILE);
        assertThat(plant.get("channels").toString()).isEqualTo("[\"temperature\",\"pressure\"]");
        assertThat(plant.get("v")).hasSize(2);
        assertThat(plant.get("v").get(1).get(0).asDouble()).isEqualTo(1014.0);
        assertThat(plant.get("v").get(0).get(NAN_ROW).isNull()).as("the NaN reading").isTrue();
        assertThat(plant.get("p")).hasSize(2);
        JsonNode nab = series(data, NAB_FILE);
        assertThat(nab.has("w")).as("no labels, no windows").isFalse();
        JsonNode spike = null;
        for (JsonNode e : nab.get("events")) {
            spike = e.get("start").asLong() == nab.get("t").get(SPIKE_ROW).asLong() ? e : spike;
        }
        assertThat(spike).as("an event opened by the spike: %s", nab.get("events")).isNotNull();
        assertThat(spike.get("signal").asText()).isNotEqualTo("none");
        assertThat(spike.get("channel").asText()).isEqualTo("value");
        assertThat(spike.get("peak").asDouble()).isGreaterThanOrEqualTo(DetectorConfig.DEFAULT_THRESHOLD);
    }

    @Test
    void labelledWindowsAreShadedAndMatchedToEvents() throws IOException {
        Path labels = dir.resolve("windows.json");
        Files.writeString(labels, "{\"" + NAB_FILE + "\": [[\"2014-04-01 19:30:00.000000\", \"2014-04-01 20:30:00.000000\"]]}");
        Path report = dir.resolve("scores.html");
        MainTest.Run run = score(input, dir.resolve("out"), "--report", report.toString(), "--labels", labels.toString());
        assertThat(run.code()).as(run.all()).isZero();

        JsonNode data = reportData(report);
        assertThat(data.get("labelled").asBoolean()).isTrue();
        JsonNode nab = series(data, NAB_FILE);
        assertThat(nab.get("w")).hasSize(1);
        assertThat(nab.get("w").get(0).get("hit").asBoolean()).as("the spike's event overlaps the window").isTrue();
        assertThat(series(data, CSV_FILE).get("w")).as("labels given, none for this series").isEmpty();
    }

    @Test
    void aLabelKeyMatchingNoSeriesStopsTheRunBeforeAnythingIsWritten() throws IOException {
        Path labels = dir.resolve("windows.json");
        Files.writeString(labels, "{\"realKnownCause/machine_temprature.csv\": [[\"2014-04-01 19:30:00\", \"2014-04-01 20:30:00\"]]}");
        Path out = dir.resolve("out");
        Path report = dir.resolve("scores.html");
        MainTest.Run run = score(input, out, "--report", report.toString(), "--labels", labels.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("'realKnownCause/machine_temprature.csv' matches no series",
                "nearest series: '" + NAB_FILE + "'");
        assertThat(out).doesNotExist();
        assertThat(report).doesNotExist();
    }

    @Test
    void labelsWithoutAReportAreAUsageError() throws IOException {
        Path labels = dir.resolve("windows.json");
        Files.writeString(labels, "{}");
        MainTest.Run run = score(input, dir.resolve("out"), "--labels", labels.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--labels", "--report");
    }

    @Test
    void aLabelKeyMayNameASensorOfAFileWithSeveralSensors() throws IOException {
        Path fleet = dir.resolve("fleet");
        StringBuilder csv = new StringBuilder("time,sensor,temperature\n");
        for (int i = 0; i < 120; i++) {
            for (String sensor : List.of("pump-1", "pump-2")) {
                csv.append(String.format("2024-01-02T%02d:%02d:00Z,%s,%.3f%n", i / 60, i % 60, sensor, 20.0 + Math.sin(i / 5.0)));
            }
        }
        Files.createDirectories(fleet);
        Files.writeString(fleet.resolve("site.csv"), csv);
        Path labels = dir.resolve("windows.json");
        Files.writeString(labels, "{\"pump-2\": [[\"2024-01-02 01:00:00\", \"2024-01-02 01:10:00\"]]}");
        Path report = dir.resolve("fleet.html");
        MainTest.Run run = score(fleet, dir.resolve("out"), "--sensor-column", "sensor", "--report", report.toString(),
                "--labels", labels.toString());
        assertThat(run.code()).as(run.all()).isZero();

        JsonNode data = reportData(report);
        assertThat(series(data, "site.csv#pump-2").get("w")).hasSize(1);
        assertThat(series(data, "site.csv#pump-1").get("w")).isEmpty();
    }
}
