package dev.sensorwatch.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A self-contained HTML report of scored series, one page that opens offline from a file. At the
 * top a summary (series, readings, flags, events, and with labels the labelled windows an event
 * overlaps), then per series two charts with a shared, zoomable time axis in UTC: every channel
 * with its prediction, the flagged readings and the labelled windows; the anomaly score against
 * the threshold with each event shaded. Below them a table of the series' events: start, end,
 * readings, peak score, the signal of the flagged reading that opened it and the channel with the
 * largest share of that reading's error, and with labels whether it overlaps a labelled window.
 *
 * <p>The charts are drawn by uPlot (MIT), whose script and style sheet are read from its WebJar
 * and inlined with the data (JSON) and the page's own script, so the page needs no network and no
 * other file. Series of more than {@link #MAX_ROWS} readings are thinned for drawing, see
 * {@link #keptRows}; the page says so where it happens. Events and counts always come from every
 * reading.
 */
public final class HtmlReport {

    /** Readings per series drawn as they are; longer series are thinned to about this many. */
    public static final int MAX_ROWS = 25_000;

    private static final String OWN = "dev/sensorwatch/io/report/";

    private HtmlReport() {
    }

    /**
     * One scored series for the report. Per-row arrays have one entry per reading; per-channel
     * arrays are indexed {@code [channel][row]}.
     *
     * @param name        the series' name (its relative path, or {@code path#sensor})
     * @param channels    the channel names, at least one
     * @param times       epoch milliseconds per row
     * @param values      each channel's value per row
     * @param predictions each channel's prediction per row (NaN when none)
     * @param scores      anomaly score per row (NaN when not scored)
     * @param flagged     whether the row was flagged
     * @param signals     per row, the code of the signal that gave its score (see
     *                    {@code dev.sensorwatch.detect.Signal#code}); null where not scored
     * @param shares      each channel's share of the prediction error per row (NaN when none)
     * @param inEvent     whether the row belongs to an event
     * @param windows     labelled windows as {start, end} epoch-millisecond pairs, both ends
     *                    included; empty when the series has none or no labels were given
     */
    public record Series(String name, List<String> channels, long[] times, double[][] values, double[][] predictions,
                         double[] scores, boolean[] flagged, String[] signals, double[][] shares, boolean[] inEvent,
                         List<long[]> windows) {

        /**
         * Checks the shapes.
         *
         * @throws IllegalArgumentException if an array's length differs from the number of rows
         *                                  or of channels, naming both
         */
        public Series {
            channels = List.copyOf(channels);
            windows = List.copyOf(windows);
            if (channels.isEmpty()) {
                throw new IllegalArgumentException(name + ": a series needs at least one channel");
            }
            int n = times.length;
            check(name, "scores", scores.length, n);
            check(name, "flagged", flagged.length, n);
            check(name, "signals", signals.length, n);
            check(name, "inEvent", inEvent.length, n);
            checkChannels(name, "values", values, channels.size(), n);
            checkChannels(name, "predictions", predictions, channels.size(), n);
            checkChannels(name, "shares", shares, channels.size(), n);
        }

        private static void checkChannels(String name, String what, double[][] columns, int channels, int rows) {
            check(name, what + " channels", columns.length, channels);
            for (double[] column : columns) {
                check(name, what, column.length, rows);
            }
        }

        private static void check(String name, String what, int actual, int expected) {
            if (actual != expected) {
                throw new IllegalArgumentException(name + ": " + what + " has " + actual + " entries but the series has "
                        + expected);
            }
        }

        int rows() {
            return times.length;
        }
    }

    /**
     * One event: a run of readings in an event, from the flagged reading that opened it.
     *
     * @param first      the first row, the flagged reading that opened the event
     * @param last       the last row
     * @param peak       the highest score in the run
     * @param signal     the signal that gave the first row its score, null if unknown
     * @param topChannel the channel with the largest share of the error at the first row, -1 if none
     * @param topShare   that channel's share, NaN if none
     */
    record Event(int first, int last, double peak, String signal, int topChannel, double topShare) {

        int readings() {
            return last - first + 1;
        }
    }

    /** Writes the report to {@code file}, creating its folder; {@code labelled}: whether labels were given. */
    public static void write(Path file, String title, double threshold, boolean labelled, List<Series> series)
            throws IOException {
        String html = render(title, threshold, labelled, series);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(html);
        }
    }

    /**
     * The report as one HTML document.
     *
     * @param labelled whether labels were given: only then are windows drawn and events matched to them
     */
    public static String render(String title, double threshold, boolean labelled, List<Series> series)
            throws IOException {
        StringWriter json = new StringWriter();
        try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(json)) {
            g.writeStartObject();
            g.writeNumberField("threshold", threshold);
            g.writeBooleanField("labelled", labelled);
            g.writeArrayFieldStart("series");
            for (int i = 0; i < series.size(); i++) {
                writeSeries(g, series.get(i), i, labelled);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        // '<' only occurs inside JSON strings, where \u003c means the same and cannot end the script element.
        String data = json.toString().replace("<", "\\u003c");
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("title", escape(title));
        parts.put("uplotVersion", Uplot.VERSION);
        parts.put("uplotLicense", Uplot.LICENSE.replace("--", "- -"));
        parts.put("uplotCss", Uplot.CSS);
        parts.put("reportCss", Uplot.REPORT_CSS);
        parts.put("uplotJs", Uplot.JS);
        parts.put("reportJs", Uplot.REPORT_JS);
        parts.put("data", data);
        return fill(Uplot.TEMPLATE, parts);
    }

    /** The version of uPlot the report inlines, as its WebJar says. */
    public static String uplotVersion() {
        return Uplot.VERSION;
    }

    private static void writeSeries(JsonGenerator g, Series s, int index, boolean labelled) throws IOException {
        int channels = s.channels().size();
        List<Event> events = events(s);
        List<Integer> rows = keptRows(s, events);
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeStringField("id", "series-" + (index + 1));
        g.writeNumberField("rows", s.rows());
        g.writeNumberField("kept", rows.size());
        if (rows.size() < s.rows()) {
            g.writeNumberField("stretch", Math.round((double) s.rows() / buckets(s)));
        }
        g.writeNumberField("flagged", count(s.flagged()));
        g.writeArrayFieldStart("channels");
        for (String c : s.channels()) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("bySignal");
        Map<String, Integer> bySignal = new TreeMap<>();
        for (int i = 0; i < s.rows(); i++) {
            if (s.flagged()[i] && s.signals()[i] != null) {
                bySignal.merge(s.signals()[i], 1, Integer::sum);
            }
        }
        for (Map.Entry<String, Integer> e : bySignal.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();

        g.writeArrayFieldStart("t");
        for (int row : rows) {
            g.writeNumber(s.times()[row]);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("v");
        for (double[] channel : s.values()) {
            writeColumn(g, rows, channel, false);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("p");
        for (double[] channel : s.predictions()) {
            writeColumn(g, rows, channel, true);
        }
        g.writeEndArray();
        g.writeFieldName("s");
        writeColumn(g, rows, s.scores(), true);
        // Per drawn row: the index of its signal in "signals" (-1 when not scored) and, with several
        // channels, the channel with the largest share of its error (-1 when none).
        List<String> codes = new ArrayList<>();
        g.writeArrayFieldStart("sg");
        for (int row : rows) {
            String code = s.signals()[row];
            int at = code == null ? -1 : codes.indexOf(code);
            if (code != null && at < 0) {
                codes.add(code);
                at = codes.size() - 1;
            }
            g.writeNumber(at);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("signals");
        for (String code : codes) {
            g.writeString(code);
        }
        g.writeEndArray();
        if (channels > 1) {
            g.writeArrayFieldStart("tc");
            for (int row : rows) {
                g.writeNumber(topChannel(s, row));
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("fl");
        for (int k = 0; k < rows.size(); k++) {
            if (s.flagged()[rows.get(k)]) {
                g.writeNumber(k);
            }
        }
        g.writeEndArray();

        g.writeArrayFieldStart("events");
        for (Event e : events) {
            g.writeStartObject();
            g.writeNumberField("start", s.times()[e.first()]);
            g.writeNumberField("end", s.times()[e.last()]);
            g.writeNumberField("readings", e.readings());
            if (Double.isFinite(e.peak())) {
                g.writeNumberField("peak", e.peak());
            }
            g.writeStringField("signal", e.signal());
            if (e.topChannel() >= 0) {
                g.writeStringField("channel", s.channels().get(e.topChannel()));
                g.writeNumberField("share", e.topShare());
            }
            if (labelled) {
                g.writeBooleanField("labelled", overlaps(s.windows(), s.times()[e.first()], s.times()[e.last()]));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        if (labelled) {
            g.writeArrayFieldStart("w");
            for (long[] w : s.windows()) {
                g.writeStartObject();
                g.writeNumberField("start", w[0]);
                g.writeNumberField("end", w[1]);
                boolean hit = false;
                for (Event e : events) {
                    hit |= s.times()[e.first()] <= w[1] && s.times()[e.last()] >= w[0];
                }
                g.writeBooleanField("hit", hit);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** The events of {@code s}: each run of rows in an event, with what opened it. */
    static List<Event> events(Series s) {
        List<Event> events = new ArrayList<>();
        boolean[] in = s.inEvent();
        for (int i = 0; i < in.length; i++) {
            if (!in[i] || (i > 0 && in[i - 1])) {
                continue;
            }
            int last = i;
            while (last + 1 < in.length && in[last + 1]) {
                last++;
            }
            double peak = Double.NaN;
            for (int r = i; r <= last; r++) {
                if (s.scores()[r] > peak || Double.isNaN(peak)) {
                    peak = s.scores()[r];
                }
            }
            int top = topChannel(s, i);
            events.add(new Event(i, last, peak, s.signals()[i], top, top < 0 ? Double.NaN : s.shares()[top][i]));
            i = last;
        }
        return events;
    }

    private static int topChannel(Series s, int row) {
        int top = -1;
        for (int c = 0; c < s.shares().length; c++) {
            double share = s.shares()[c][row];
            if (Double.isFinite(share) && (top < 0 || share > s.shares()[top][row])) {
                top = c;
            }
        }
        return top;
    }

    private static boolean overlaps(List<long[]> windows, long start, long end) {
        for (long[] w : windows) {
            if (start <= w[1] && end >= w[0]) {
                return true;
            }
        }
        return false;
    }

    /** The rows drawn, every row of a series of at most {@link #MAX_ROWS}; see {@link #keptRows(Series, List)}. */
    static List<Integer> keptRows(Series s) {
        return keptRows(s, events(s));
    }

    /**
     * The rows drawn. A series of at most {@link #MAX_ROWS} readings is drawn whole. A longer one is
     * cut into buckets, as many as keep the drawn rows to about {@code MAX_ROWS}, and of each the
     * first row, each channel's lowest and highest value and the highest score are kept; so are
     * every flagged row and the first and last row of every event.
     */
    static List<Integer> keptRows(Series s, List<Event> events) {
        int n = s.rows();
        List<Integer> kept = new ArrayList<>();
        if (n <= MAX_ROWS) {
            for (int i = 0; i < n; i++) {
                kept.add(i);
            }
            return kept;
        }
        int buckets = buckets(s);
        boolean[] keep = new boolean[n];
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            keep[from] = true;
            int top = from;
            for (int i = from; i < to; i++) {
                if (!(s.scores()[i] <= s.scores()[top])) {
                    top = i;
                }
            }
            keep[top] = true;
            for (double[] v : s.values()) {
                int low = from;
                int high = from;
                for (int i = from; i < to; i++) {
                    if (v[i] < v[low] || Double.isNaN(v[low])) {
                        low = i;
                    }
                    if (v[i] > v[high] || Double.isNaN(v[high])) {
                        high = i;
                    }
                }
                keep[low] = true;
                keep[high] = true;
            }
        }
        for (Event e : events) {
            keep[e.first()] = true;
            keep[e.last()] = true;
        }
        keep[n - 1] = true;
        for (int i = 0; i < n; i++) {
            if (keep[i] || s.flagged()[i]) {
                kept.add(i);
            }
        }
        return kept;
    }

    /** Into how many stretches a long series is cut: each keeps up to two rows per channel and two more. */
    private static int buckets(Series s) {
        return Math.max(1, MAX_ROWS / (2 + 2 * s.channels().size()));
    }

    private static void writeColumn(JsonGenerator g, List<Integer> rows, double[] column, boolean single)
            throws IOException {
        g.writeStartArray();
        for (int row : rows) {
            double v = column[row];
            if (!Double.isFinite(v)) {
                g.writeNull();
            } else if (single) {
                g.writeNumber((float) v); // predictions and scores: 7 digits are plenty, and half the bytes
            } else {
                g.writeNumber(v);
            }
        }
        g.writeEndArray();
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Replaces each {@code {{key}}} of {@code template} by its part, in one pass: parts are not searched. */
    private static String fill(String template, Map<String, String> parts) {
        StringBuilder out = new StringBuilder(template.length() + parts.values().stream().mapToInt(String::length).sum());
        int at = 0;
        while (true) {
            int open = template.indexOf("{{", at);
            if (open < 0) {
                break;
            }
            int close = template.indexOf("}}", open);
            String part = parts.get(template.substring(open + 2, close));
            if (part == null) {
                throw new IllegalStateException("report template: unknown part " + template.substring(open, close + 2));
            }
            out.append(template, at, open).append(part);
            at = close + 2;
        }
        return out.append(template, at, template.length()).toString();
    }

    /** uPlot from its WebJar and the page's own template, script and style, read once. */
    private static final class Uplot {
        static final String VERSION;
        static final String JS;
        static final String CSS;
        static final String LICENSE;
        static final String TEMPLATE;
        static final String REPORT_JS;
        static final String REPORT_CSS;

        static {
            VERSION = ChartAssets.version();
            JS = inline(new String(ChartAssets.script(), StandardCharsets.UTF_8), "</script");
            CSS = inline(new String(ChartAssets.styles(), StandardCharsets.UTF_8), "</style");
            LICENSE = new String(ChartAssets.license(), StandardCharsets.UTF_8);
            TEMPLATE = text(OWN + "report.html");
            REPORT_JS = inline(text(OWN + "report.js"), "</script");
            REPORT_CSS = inline(text(OWN + "report.css"), "</style");
        }

        private static InputStream resource(String name) throws IOException {
            InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name);
            if (in == null) {
                throw new IOException("missing resource " + name + " (the report needs the uPlot WebJar on the class path)");
            }
            return in;
        }

        private static String text(String name) {
            try (InputStream in = resource(name)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** {@code text} unchanged, checked not to end the element it is inlined in. */
        private static String inline(String text, String end) {
            if (text.toLowerCase(Locale.ROOT).contains(end)) {
                throw new IllegalStateException("cannot inline a text holding " + end);
            }
            return text;
        }
    }
}
