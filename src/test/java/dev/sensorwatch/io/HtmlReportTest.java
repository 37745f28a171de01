package dev.sensorwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report embeds every channel, the events and uPlot, and needs nothing from the network. */
class HtmlReportTest {

    static final long T0 = 1_400_000_000_000L;
    static final long STEP = 60_000L;

    /**
     * A series of {@code channels.length} channels with one flag at {@code flaggedRow} opening an
     * event of 21 readings, in which the last channel has the largest share of the error, and one
     * labelled window of 6 readings in the middle.
     */
    static HtmlReport.Series series(String name, int rows, int flaggedRow, String... channels) {
        int d = channels.length;
        long[] times = new long[rows];
        double[][] values = new double[d][rows];
        double[][] predictions = new double[d][rows];
        double[][] shares = new double[d][rows];
        double[] scores = new double[rows];
        boolean[] flagged = new boolean[rows];
        String[] signals = new String[rows];
        boolean[] inEvent = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = T0 + STEP * i;
            for (int c = 0; c < d; c++) {
                values[c][i] = 10 * c + Math.sin(i / 10.0);
                predictions[c][i] = i == 0 ? Double.NaN : 10 * c + Math.sin((i - 1) / 10.0);
                shares[c][i] = i == 0 ? Double.NaN : c == d - 1 ? 0.5 + 0.5 / d : 0.5 / d;
            }
            scores[i] = i == flaggedRow ? 0.9999 : i > flaggedRow && i <= flaggedRow + 20 ? 0.0 : 0.1;
            signals[i] = scores[i] == 0.0 ? "none" : i == flaggedRow ? "level_shift" : "prediction_error";
            inEvent[i] = i >= flaggedRow && i <= flaggedRow + 20;
        }
        flagged[flaggedRow] = true;
        return new HtmlReport.Series(name, List.of(channels), times, values, predictions, scores, flagged, signals,
                shares, inEvent, List.of(new long[] {times[rows / 2], times[rows / 2 + 5]}));
    }

    static HtmlReport.Series series(String name, int rows, int flaggedRow) {
        return series(name, rows, flaggedRow, "value");
    }

    static JsonNode embeddedData(String html) throws Exception {
        String start = "<script id=\"data\" type=\"application/json\">";
        int from = html.indexOf(start) + start.length();
        return new ObjectMapper().readTree(html.substring(from, html.indexOf("</script>", from)));
    }

    @Test
    void embedsEveryChannelWithItsNameAndPrediction() throws Exception {
        String html = HtmlReport.render("scores <of> test", 0.99, false,
                List.of(series("a/pump.csv", 200, 120, "temperature", "pressure", "flow"), series("b/two.csv", 50, 7)));

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>scores &lt;of&gt; test</title>");
        JsonNode data = embeddedData(html);
        assertThat(data.get("threshold").asDouble()).isEqualTo(0.99);
        assertThat(data.get("series")).hasSize(2);
        JsonNode pump = data.get("series").get(0);
        assertThat(pump.get("name").asText()).isEqualTo("a/pump.csv");
        assertThat(pump.get("channels").toString()).isEqualTo("[\"temperature\",\"pressure\",\"flow\"]");
        assertThat(pump.get("t")).hasSize(200);
        assertThat(pump.get("t").get(1).asLong()).isEqualTo(T0 + STEP);
        assertThat(pump.get("v")).hasSize(3);
        assertThat(pump.get("p")).hasSize(3);
        for (int c = 0; c < 3; c++) {
            assertThat(pump.get("v").get(c)).as("channel %d", c).hasSize(200);
            assertThat(pump.get("v").get(c).get(5).asDouble()).isEqualTo(10 * c + Math.sin(0.5));
            assertThat(pump.get("p").get(c).get(0).isNull()).as("no prediction for the first reading").isTrue();
        }
        assertThat(pump.get("s")).hasSize(200);
        assertThat(pump.get("fl").toString()).as("the flagged row, as an index of the drawn rows").isEqualTo("[120]");
        assertThat(pump.get("bySignal").toString()).isEqualTo("{\"level_shift\":1}");
        assertThat(pump.get("tc").get(120).asInt()).as("top channel of the flagged reading").isEqualTo(2);
        assertThat(data.get("series").get(1).has("tc")).as("one channel: no top channel per reading").isFalse();
    }

    @Test
    void listsEachEventWithItsSignalTopChannelAndPeak() throws Exception {
        JsonNode data = embeddedData(HtmlReport.render("t", 0.99, false,
                List.of(series("a/pump.csv", 200, 120, "temperature", "pressure", "flow"), series("b/two.csv", 50, 7))));

        JsonNode events = data.get("series").get(0).get("events");
        assertThat(events).as("one event, from the flag over 20 more readings").hasSize(1);
        JsonNode event = events.get(0);
        assertThat(event.get("start").asLong()).isEqualTo(T0 + STEP * 120);
        assertThat(event.get("end").asLong()).isEqualTo(T0 + STEP * 140);
        assertThat(event.get("readings").asInt()).isEqualTo(21);
        assertThat(event.get("peak").asDouble()).isEqualTo(0.9999);
        assertThat(event.get("signal").asText()).isEqualTo("level_shift");
        assertThat(event.get("channel").asText()).isEqualTo("flow");
        assertThat(event.get("share").asDouble()).isCloseTo(0.5 + 0.5 / 3, Offset.offset(1e-12));
        assertThat(event.has("labelled")).as("no labels given").isFalse();
        JsonNode open = data.get("series").get(1).get("events").get(0);
        assertThat(open.get("end").asLong()).as("an event still open at the end").isEqualTo(T0 + STEP * 27);
        assertThat(open.get("channel").asText()).isEqualTo("value");
    }

    @Test
    void labelledWindowsOnlyWhenLabelsWereGiven() throws Exception {
        List<HtmlReport.Series> two = List.of(series("a/one.csv", 200, 120), series("b/two.csv", 50, 7));

        JsonNode without = embeddedData(HtmlReport.render("t", 0.99, false, two));
        assertThat(without.get("labelled").asBoolean()).isFalse();
        assertThat(without.get("series").get(0).has("w")).isFalse();

        JsonNode with = embeddedData(HtmlReport.render("t", 0.99, true, two));
        assertThat(with.get("labelled").asBoolean()).isTrue();
        JsonNode one = with.get("series").get(0);
        assertThat(one.get("w")).hasSize(1);
        assertThat(one.get("w").get(0).get("start").asLong()).isEqualTo(T0 + STEP * 100);
        assertThat(one.get("w").get(0).get("hit").asBoolean()).as("window 100..105, event 120..140").isFalse();
        assertThat(one.get("events").get(0).get("labelled").asBoolean()).isFalse();
        JsonNode second = with.get("series").get(1);
        assertThat(second.get("w").get(0).get("hit").asBoolean()).as("window 25..30, event 7..49").isTrue();
        assertThat(second.get("events").get(0).get("labelled").asBoolean()).isTrue();
    }

    @Test
    void isSelfContainedWithUplotInlinedFromItsWebJar() throws Exception {
        String html = HtmlReport.render("t", 0.99, false, List.of(series("a/one.csv", 20, 3)));
        Properties pom = new Properties();
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            pom.load(in);
        }

        assertThat(HtmlReport.uplotVersion()).isEqualTo(pom.getProperty("version"));
        assertThat(html).contains("uPlot " + pom.getProperty("version"), "var uPlot=", ".uplot", "MIT License");
        assertThat(html).doesNotContainIgnoringCase("<script src").doesNotContainIgnoringCase("<link")
                .doesNotContain("src=\"http", "href=\"http", "url(http", "@import", "{{");
    }

    @Test
    void aNameHoldingMarkupCannotEndTheDataScript() throws Exception {
        String name = "x/</script><script>alert(1)</script>.csv";
        String html = HtmlReport.render(name, 0.99, false, List.of(series(name, 20, 3)));

        assertThat(embeddedData(html).get("series").get(0).get("name").asText()).isEqualTo(name);
        assertThat(html).doesNotContain("<script>alert(1)");
    }

    @Test
    void seriesOfBenchmarkSizeAreDrawnWhole() {
        HtmlReport.Series nabSized = series("c/nab.csv", 22_695, 10_000);
        assertThat(HtmlReport.keptRows(nabSized)).hasSize(22_695);
    }

    @Test
    void longSeriesAreThinnedButKeepEveryFlagEventBoundAndExtreme() throws Exception {
        HtmlReport.Series longSeries = series("c/long.csv", 200_000, 177_777, "a", "b");
        longSeries.values()[0][123_457] = 1e6;
        longSeries.values()[1][55_555] = -1e6;
        List<Integer> kept = HtmlReport.keptRows(longSeries);

        assertThat(kept.size()).isBetween(HtmlReport.MAX_ROWS / 4, HtmlReport.MAX_ROWS + 10);
        assertThat(kept).isSorted().contains(0, 177_777, 177_797, 123_457, 55_555, 199_999);
        JsonNode s = embeddedData(HtmlReport.render("long", 0.99, false, List.of(longSeries))).get("series").get(0);
        assertThat(s.get("rows").asInt()).isEqualTo(200_000);
        assertThat(s.get("kept").asInt()).isEqualTo(kept.size());
        assertThat(s.get("t")).hasSize(kept.size());
        assertThat(s.get("v").get(1)).hasSize(kept.size());
        assertThat(s.get("events").get(0).get("readings").asInt()).as("counted from every reading").isEqualTo(21);
    }

    @Test
    void aColumnOfTheWrongLengthIsRefusedWithBothSizes() {
        HtmlReport.Series ok = series("a/one.csv", 20, 3, "x", "y");
        assertThatThrownBy(() -> new HtmlReport.Series(ok.name(), ok.channels(), ok.times(),
                new double[][] {ok.values()[0], new double[19]}, ok.predictions(), ok.scores(), ok.flagged(),
                ok.signals(), ok.shares(), ok.inEvent(), ok.windows()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a/one.csv").hasMessageContaining("19")
                .hasMessageContaining("20");
    }

    @Test
    void writesTheFileInItsFolder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/report.html");
        HtmlReport.write(file, "t", 0.99, false, List.of(series("a/one.csv", 20, 3)));
        assertThat(Files.readString(file)).startsWith("<!DOCTYPE html>");
    }
}
