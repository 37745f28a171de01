package dev.sensorwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCsvWriterTest {

    @TempDir
    Path root;

    Path input;
    Path output;

    SeriesFile readNab(int rows) throws IOException {
        StringBuilder text = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < rows; i++) {
            text.append(String.format("2014-04-01 %02d:%02d:00,%d.25%n", i / 60, i % 60, i));
        }
        input = root.resolve("in");
        output = root.resolve("out");
        Path file = input.resolve("realTweets/t.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return SeriesReader.read(input, file, SeriesFormat.NAB, CsvOptions.defaults());
    }

    /** Doubles that stress the decimal form: tiny, huge, subnormal, signed zeros, long fractions. */
    static double[] awkwardScores(int n) {
        double[] special = {0.0, -0.0, 1.0, 0.1 + 0.2, 1.0 / 3.0, Double.MIN_VALUE, Double.MIN_NORMAL,
            Double.MAX_VALUE, -Double.MAX_VALUE, Math.ulp(1.0), 1 - Math.ulp(1.0) / 2, 1e-300, 123456789.123456789,
            Double.NaN, 9.999999999999999e22, 5e-324 * 3, Math.nextDown(0.5), Math.nextUp(1e16)};
        double[] scores = new double[n];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            scores[i] = i < special.length ? special[i]
                    : i % 3 == 0 ? random.nextDouble()
                    : i % 3 == 1 ? Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL)
                    : random.nextGaussian() * Math.pow(10, random.nextInt(-20, 20));
        }
        return scores;
    }

    @Test
    void scoresReadBackBitForBit() throws IOException {
        SeriesFile series = readNab(500);
        double[] scores = awkwardScores(series.rows());
        boolean[] anomalies = new boolean[series.rows()];
        for (int i = 0; i < anomalies.length; i++) {
            anomalies[i] = scores[i] > 0.5;
        }
        Path out = ScoreCsvWriter.outputPathFor(output, series);
        assertThat(out).isEqualTo(output.resolve("realTweets").resolve("t.csv"));
        ScoreCsvWriter.write(out, series, scores, anomalies, Map.of());

        SeriesFile back = SeriesReader.read(output, out, SeriesFormat.CSV, CsvOptions.defaults()
                .withTimestampColumn("timestamp").withChannelColumns(List.of("value", "anomaly_score", "is_anomaly")));
        assertThat(back.relativePath()).isEqualTo("realTweets/t.csv");
        assertThat(back.header()).containsExactly("timestamp", "value", "anomaly_score", "is_anomaly");
        assertThat(back.rows()).isEqualTo(series.rows());
        for (int r = 0; r < series.rows(); r++) {
            assertThat(back.rawRows().get(r).subList(0, 2)).isEqualTo(series.rawRows().get(r));
            assertThat(back.eventTimeMillis(r)).isEqualTo(series.eventTimeMillis(r));
            assertThat(Double.doubleToLongBits(back.value(r, 0))).isEqualTo(Double.doubleToLongBits(series.value(r, 0)));
            assertThat(Double.doubleToLongBits(back.value(r, 1))).as("score of row %d, %s", r, scores[r])
                    .isEqualTo(Double.doubleToLongBits(scores[r]));
            if (Double.isNaN(scores[r])) {
                assertThat(back.rawRows().get(r).subList(2, 4)).containsExactly("", "");
            } else {
                assertThat(back.value(r, 2)).isEqualTo(anomalies[r] ? 1.0 : 0.0);
            }
        }
        assertThat(Files.readString(out)).startsWith("timestamp,value,anomaly_score,is_anomaly\n"
                + "2014-04-01 00:00:00,0.25,0.0,0\n2014-04-01 00:01:00,1.25,-0.0,0\n");
    }

    @Test
    void writesExtraColumnsInMapOrderAndRepeatsTheInputCells() throws IOException {
        Path file = root.resolve("in/plant.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "time;note;a;b\n1700000000;\"x;y\";1;2\n1700000060;\"say \"\"hi\"\"\";;4\n",
                StandardCharsets.UTF_8);
        SeriesFile series = SeriesReader.read(root.resolve("in"), file, SeriesFormat.CSV, CsvOptions.defaults());
        assertThat(series.channelNames()).containsExactly("a", "b");

        Map<String, double[]> extra = new LinkedHashMap<>();
        extra.put("z_error", new double[] {0.5, Double.NaN});
        extra.put("a_prediction", new double[] {1e-7, 2});
        Path out = ScoreCsvWriter.outputPathFor(root.resolve("out"), series);
        ScoreCsvWriter.write(out, series, new double[] {Double.NaN, 0.75}, new boolean[] {true, true}, extra);

        assertThat(Files.readString(out)).isEqualTo("time;note;a;b;anomaly_score;is_anomaly;z_error;a_prediction\n"
                + "1700000000;\"x;y\";1;2;;;0.5;1.0E-7\n"
                + "1700000060;\"say \"\"hi\"\"\";;4;0.75;1;;2.0\n");
        SeriesFile back = SeriesReader.read(root.resolve("out"), out, SeriesFormat.CSV, CsvOptions.defaults());
        assertThat(back.rawRows().get(1).subList(0, 4)).isEqualTo(series.rawRows().get(1));
        assertThat(back.channelNames()).containsExactly("a", "b", "anomaly_score", "is_anomaly", "z_error", "a_prediction");
    }

    @Test
    void rejectsWrongLengthsAndTakenNames() throws IOException {
        SeriesFile series = readNab(3);
        Path out = root.resolve("out.csv");
        double[] three = new double[3];
        boolean[] labels = new boolean[3];
        assertThatThrownBy(() -> ScoreCsvWriter.write(out, series, new double[2], labels, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'anomaly_score' has 2 values but the series has 3 rows");
        assertThatThrownBy(() -> ScoreCsvWriter.write(out, series, three, new boolean[4], Map.of()))
                .hasMessage("column 'is_anomaly' has 4 values but the series has 3 rows");
        assertThatThrownBy(() -> ScoreCsvWriter.write(out, series, three, labels, Map.of("e", new double[1])))
                .hasMessage("column 'e' has 1 values but the series has 3 rows");
        assertThatThrownBy(() -> ScoreCsvWriter.write(out, series, three, labels, Map.of("value", three)))
                .hasMessageContaining("already has a column 'value'");
        assertThatThrownBy(() -> ScoreCsvWriter.write(out, series, three, labels, Map.of("is_anomaly", three)))
                .hasMessageContaining("already has a column 'is_anomaly'");
        assertThatThrownBy(() -> ScoreCsvWriter.write(out, series, three, labels, Map.of("e", three),
                Map.of("e", new String[3]))).hasMessageContaining("already has a column 'e'");
        assertThatThrownBy(() -> ScoreCsvWriter.write(out, series, three, labels, Map.of(),
                Map.of("t", new String[2]))).hasMessage("column 't' has 2 values but the series has 3 rows");
        assertThat(out).doesNotExist();
    }

    @Test
    void textColumnsFollowTheNumericOnesAndNullCellsAreEmpty() throws IOException {
        SeriesFile series = readNab(3);
        Path out = root.resolve("text.csv");
        Map<String, String[]> text = new LinkedHashMap<>();
        text.put("signal", new String[] {null, "level_shift", "a,b"});
        text.put("in_event", new String[] {null, "1", "0"});
        ScoreCsvWriter.write(out, series, new double[] {Double.NaN, 0.5, 0.25}, new boolean[3],
                Map.of("e", new double[] {1, 2, 3}), text);

        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).endsWith(",anomaly_score,is_anomaly,e,signal,in_event");
        assertThat(lines.get(1)).endsWith(",,,1.0,,");
        assertThat(lines.get(2)).endsWith(",0.5,0,2.0,level_shift,1");
        assertThat(lines.get(3)).endsWith(",0.25,0,3.0,\"a,b\",0");
    }

    @Test
    void eachSensorOfAMultiSensorFileGetsItsOwnResultFile() throws IOException {
        Path file = root.resolve("in/fleet/pumps.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "sensor,time,flow\np/1,1700000000,1\np 2,1700000000,2\np/1,1700000060,3\n");
        List<SeriesFile> sensors = SeriesReader.readBySensor(root.resolve("in"), file,
                CsvOptions.defaults().withSensorColumn("sensor"));
        Path out = root.resolve("out");
        assertThat(sensors).extracting(s -> ScoreCsvWriter.outputPathFor(out, s)).containsExactly(
                out.resolve("fleet").resolve("pumps#p%2F1.csv"), out.resolve("fleet").resolve("pumps#p%202.csv"));

        SeriesFile p1 = sensors.get(0);
        ScoreCsvWriter.write(ScoreCsvWriter.outputPathFor(out, p1), p1, new double[] {0.1, 0.9},
                new boolean[] {false, true}, Map.of());
        assertThat(Files.readString(out.resolve("fleet/pumps#p%2F1.csv"))).isEqualTo(
                "sensor,time,flow,anomaly_score,is_anomaly\np/1,1700000000,1,0.1,0\np/1,1700000060,3,0.9,1\n");
    }
}
