package dev.sensorwatch.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTML report embeds its data and needs nothing from the network. */
class HtmlReportTest {

    static HtmlReport.Series series(String name, int rows, int flaggedRow) {
        long[] times = new long[rows];
        double[] values = new double[rows];
        double[] predictions = new double[rows];
        double[] scores = new double[rows];
        boolean[] flagged = new boolean[rows];
        String[] signals = new String[rows];
        boolean[] inEvent = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = 1_400_000_000_000L + 60_000L * i;
            values[i] = Math.sin(i / 10.0);
            predictions[i] = i == 0 ? Double.NaN : Math.sin((i - 1) / 10.0);
            scores[i] = i == flaggedRow ? 0.9999 : i > flaggedRow && i <= flaggedRow + 20 ? 0.0 : 0.1;
            signals[i] = scores[i] == 0.0 ? "none" : i == flaggedRow ? "new_territory" : "prediction_error";
            inEvent[i] = i >= flaggedRow && i <= flaggedRow + 20;
        }
        flagged[flaggedRow] = true;
        return new HtmlReport.Series(name, times, values, predictions, scores, flagged, signals, inEvent,
                List.of(new long[] {times[rows / 2], times[rows / 2 + 5]}));
    }

    static JsonNode embeddedData(String html) throws Exception {
        String start = "<script id=\"data\" type=\"application/json\">";
        int from = html.indexOf(start) + start.length();
        return new ObjectMapper().readTree(html.substring(from, html.indexOf("</script>", from)));
    }

    @Test
    void embedsEverySeriesWithItsWindowsAndFlags() throws Exception {
        String html = HtmlReport.render("scores <of> test", 0.99, List.of(series("a/one.csv", 200, 120), series("b/two.csv", 50, 7)));

        assertThat(html).startsWith("<!DOCTYPE html>").contains("scores &lt;of&gt; test").doesNotContain("http://", "https://");
        JsonNode data = embeddedData(html);
        assertThat(data.get("threshold").asDouble()).isEqualTo(0.99);
        assertThat(data.get("series")).hasSize(2);
        JsonNode one = data.get("series").get(0);
        assertThat(one.get("name").asText()).isEqualTo("a/one.csv");
        assertThat(one.get("t")).hasSize(200);
        assertThat(one.get("p").get(0).isNull()).isTrue();
        assertThat(one.get("a")).hasSize(1);
        assertThat(one.get("a").get(0).asLong()).isEqualTo(1_400_000_000_000L + 60_000L * 120);
        assertThat(one.get("w")).hasSize(1);
        assertThat(one.get("bySignal").toString()).isEqualTo("{\"new_territory\":1}");
        assertThat(one.get("e")).as("one event, from the flag over 20 more readings").hasSize(1);
        assertThat(one.get("e").get(0).get(0).asLong()).isEqualTo(1_400_000_000_000L + 60_000L * 120);
        assertThat(one.get("e").get(0).get(1).asLong()).isEqualTo(1_400_000_000_000L + 60_000L * 140);
        JsonNode two = data.get("series").get(1);
        assertThat(two.get("e").get(0).get(1).asLong()).as("an event still open at the end")
                .isEqualTo(1_400_000_000_000L + 60_000L * 27);
    }

    @Test
    void longSeriesAreReducedButKeepEveryFlaggedReading() throws Exception {
        HtmlReport.Series longSeries = series("c/long.csv", 100_000, 77_777);
        List<Integer> kept = HtmlReport.keptRows(longSeries);

        assertThat(kept.size()).isLessThanOrEqualTo(4 * HtmlReport.POINTS + 1);
        assertThat(kept).contains(0, 77_777);
        assertThat(kept).isSorted();
        JsonNode s = embeddedData(HtmlReport.render("long", 0.99, List.of(longSeries))).get("series").get(0);
        assertThat(s.get("rows").asInt()).isEqualTo(100_000);
        assertThat(s.get("t")).hasSize(kept.size());
    }
}
