package dev.sensorwatch.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-contained HTML report of scored series: per series a chart of the values, the
 * predictions, the labelled windows (when known) and the flagged readings, and a chart of the
 * anomaly score with the threshold and the events (from a flagged reading to the event's end).
 * Each series' caption counts its flags by the signal that raised them. The data is embedded in the page and drawn by a few lines of
 * script on a canvas: viewing it needs no network and no other file.
 *
 * <p>Long series are reduced for drawing to the first, minimum and maximum of each of
 * {@link #POINTS} buckets; flagged readings are always kept.
 */
public final class HtmlReport {

    /** Buckets per series for drawing; each keeps up to three rows. */
    public static final int POINTS = 1500;

    private HtmlReport() {
    }

    /**
     * One series for the report.
     *
     * @param name        the series' name (its relative path)
     * @param times       epoch milliseconds per row
     * @param values      the first channel's value per row
     * @param predictions the prediction of that value per row (NaN when none)
     * @param scores      anomaly score per row (NaN when not scored)
     * @param flagged     whether the row was flagged
     * @param signals     per row, the code of the signal that gave its score (see
     *                    {@code dev.sensorwatch.detect.Signal#code}); null where not scored
     * @param inEvent     whether the row belongs to an event
     * @param windows     labelled windows as {start, end} epoch-millisecond pairs; may be empty
     */
    public record Series(String name, long[] times, double[] values, double[] predictions, double[] scores,
                         boolean[] flagged, String[] signals, boolean[] inEvent, List<long[]> windows) {
    }

    /** Writes the report for {@code series} to {@code file}, creating its folder. */
    public static void write(Path file, String title, double threshold, List<Series> series) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(render(title, threshold, series));
        }
    }

    /** The report as one HTML document. */
    public static String render(String title, double threshold, List<Series> series) throws IOException {
        StringWriter json = new StringWriter();
        try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(json)) {
            g.writeStartObject();
            g.writeNumberField("threshold", threshold);
            g.writeArrayFieldStart("series");
            for (Series s : series) {
                writeSeries(g, s);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        String data = json.toString().replace("</", "<\\/");
        return TEMPLATE.replace("%TITLE%", escape(title)).replace("%DATA%", data);
    }

    private static void writeSeries(JsonGenerator g, Series s) throws IOException {
        List<Integer> rows = keptRows(s);
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeNumberField("rows", s.times().length);
        g.writeNumberField("flagged", count(s.flagged()));
        writeColumn(g, "t", rows, i -> (double) s.times()[i]);
        writeColumn(g, "v", rows, i -> s.values()[i]);
        writeColumn(g, "p", rows, i -> s.predictions()[i]);
        writeColumn(g, "s", rows, i -> s.scores()[i]);
        g.writeArrayFieldStart("a");
        for (int i = 0; i < s.flagged().length; i++) {
            if (s.flagged()[i]) {
                g.writeNumber(s.times()[i]);
            }
        }
        g.writeEndArray();
        g.writeObjectFieldStart("bySignal");
        java.util.Map<String, Integer> bySignal = new java.util.TreeMap<>();
        for (int i = 0; i < s.flagged().length; i++) {
            if (s.flagged()[i] && s.signals()[i] != null) {
                bySignal.merge(s.signals()[i], 1, Integer::sum);
            }
        }
        for (java.util.Map.Entry<String, Integer> e : bySignal.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("e");
        for (int i = 0; i < s.inEvent().length; i++) {
            if (s.inEvent()[i] && (i == 0 || !s.inEvent()[i - 1])) {
                int end = i;
                while (end + 1 < s.inEvent().length && s.inEvent()[end + 1]) {
                    end++;
                }
                g.writeStartArray();
                g.writeNumber(s.times()[i]);
                g.writeNumber(s.times()[end]);
                g.writeEndArray();
            }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("w");
        for (long[] w : s.windows()) {
            g.writeStartArray();
            g.writeNumber(w[0]);
            g.writeNumber(w[1]);
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The rows drawn: first, lowest and highest value and highest score of each bucket, and every flagged row. */
    static List<Integer> keptRows(Series s) {
        int n = s.times().length;
        List<Integer> kept = new ArrayList<>();
        if (n <= 3 * POINTS) {
            for (int i = 0; i < n; i++) {
                kept.add(i);
            }
            return kept;
        }
        boolean[] keep = new boolean[n];
        for (int b = 0; b < POINTS; b++) {
            int from = (int) ((long) b * n / POINTS);
            int to = (int) ((long) (b + 1) * n / POINTS);
            int low = from;
            int high = from;
            int top = from;
            for (int i = from; i < to; i++) {
                if (s.values()[i] < s.values()[low]) {
                    low = i;
                }
                if (s.values()[i] > s.values()[high]) {
                    high = i;
                }
                if (!(s.scores()[i] <= s.scores()[top])) {
                    top = i;
                }
            }
            keep[from] = true;
            keep[low] = true;
            keep[high] = true;
            keep[top] = true;
        }
        for (int i = 0; i < n; i++) {
            if (keep[i] || s.flagged()[i]) {
                kept.add(i);
            }
        }
        return kept;
    }

    private interface Column {
        double at(int row);
    }

    private static void writeColumn(JsonGenerator g, String name, List<Integer> rows, Column column) throws IOException {
        g.writeArrayFieldStart(name);
        for (int row : rows) {
            double v = column.at(row);
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
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
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>%TITLE%</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:16px;color:#222;background:#fff}
            h1{font-size:20px;margin:0 0 4px} .legend span{margin-right:14px} .sw{display:inline-block;width:18px;height:4px;vertical-align:middle;margin-right:4px}
            .series{margin:18px 0 8px} .series h2{font-size:14px;margin:0 0 2px;font-weight:600} .meta{color:#666;font-size:12px}
            canvas{display:block;width:100%;border:1px solid #eee}
            </style></head><body>
            <h1>%TITLE%</h1>
            <div class="legend"><span><i class="sw" style="background:#2b6cb0"></i>value</span><span><i class="sw" style="background:#dd8a1a"></i>prediction</span>
            <span><i class="sw" style="background:rgba(56,161,105,.35);height:10px"></i>labelled window</span><span><i class="sw" style="background:#d62728;height:8px;width:8px;border-radius:4px"></i>flagged</span>
            <span><i class="sw" style="background:#6b46c1"></i>anomaly score</span><span><i class="sw" style="background:#d62728;height:1px"></i>threshold</span>
            <span><i class="sw" style="background:rgba(214,39,40,.15);height:10px"></i>event</span></div>
            <div id="report"></div>
            <script id="data" type="application/json">%DATA%</script>
            <script>
            const data = JSON.parse(document.getElementById('data').textContent);
            const root = document.getElementById('report');
            function draw(canvas, s, kind) {
              const ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
              canvas.width = w * ratio; canvas.height = h * ratio;
              const c = canvas.getContext('2d'); c.scale(ratio, ratio);
              const t0 = s.t[0], t1 = s.t[s.t.length - 1] === t0 ? t0 + 1 : s.t[s.t.length - 1];
              const x = t => 4 + (w - 8) * (t - t0) / (t1 - t0);
              let lo = 0, hi = 1;
              if (kind === 'values') {
                const all = s.v.concat(s.p).filter(v => v !== null);
                lo = Math.min(...all); hi = Math.max(...all); if (hi === lo) { hi = lo + 1; }
              }
              const y = v => h - 4 - (h - 8) * (v - lo) / (hi - lo);
              if (kind === 'values') {
                c.fillStyle = 'rgba(56,161,105,.25)';
                for (const [a, b] of s.w) { c.fillRect(x(a), 0, Math.max(1, x(b) - x(a)), h); }
              }
              const line = (ys, color, dash) => {
                c.strokeStyle = color; c.lineWidth = 1; c.setLineDash(dash); c.beginPath(); let up = false;
                for (let i = 0; i < s.t.length; i++) {
                  if (ys[i] === null) { up = false; continue; }
                  if (up) { c.lineTo(x(s.t[i]), y(ys[i])); } else { c.moveTo(x(s.t[i]), y(ys[i])); up = true; }
                }
                c.stroke(); c.setLineDash([]);
              };
              if (kind === 'values') {
                line(s.v, '#2b6cb0', []); line(s.p, '#dd8a1a', [3, 2]);
                c.fillStyle = '#d62728';
                const index = new Map(s.t.map((t, i) => [t, i]));
                for (const t of s.a) { const i = index.get(t); if (i !== undefined && s.v[i] !== null) { c.beginPath(); c.arc(x(t), y(s.v[i]), 3, 0, 7); c.fill(); } }
              } else {
                c.fillStyle = 'rgba(214,39,40,.15)';
                for (const [a, b] of s.e) { c.fillRect(x(a), 0, Math.max(2, x(b) - x(a)), h); }
                line(s.s, '#6b46c1', []);
                c.strokeStyle = '#d62728'; c.beginPath(); c.moveTo(0, y(data.threshold)); c.lineTo(w, y(data.threshold)); c.stroke();
              }
            }
            for (const s of data.series) {
              const div = document.createElement('div'); div.className = 'series';
              const first = new Date(s.t[0]).toISOString().slice(0, 16).replace('T', ' ');
              const last = new Date(s.t[s.t.length - 1]).toISOString().slice(0, 16).replace('T', ' ');
              div.innerHTML = '<h2></h2><div class="meta"></div>';
              div.querySelector('h2').textContent = s.name;
              div.querySelector('.meta').textContent = s.rows + ' readings, ' + first + ' to ' + last + ' UTC, '
                  + s.flagged + ' flagged'
                  + (s.flagged ? ' (' + Object.entries(s.bySignal).map(([k, n]) => n + ' ' + k.replace('_', ' ')).join(', ') + ')' : '')
                  + (s.w.length ? ', ' + s.w.length + ' labelled window(s)' : '');
              const values = document.createElement('canvas'); values.style.height = '140px';
              const scores = document.createElement('canvas'); scores.style.height = '50px';
              div.append(values, scores); root.append(div);
              draw(values, s, 'values'); draw(scores, s, 'scores');
            }
            </script></body></html>
            """;
}
