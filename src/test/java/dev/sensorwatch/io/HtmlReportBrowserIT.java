package dev.sensorwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's script runs in a real browser: headless Chromium draws the charts without an error,
 * the two panes of a series zoom together, and hovering shows the reading's values. Skipped where
 * no Chromium is installed.
 */
class HtmlReportBrowserIT {

    /** Appended to the page: zooms the values pane, hovers it, and writes what happened into the page. */
    private static final String PROBE = """
            <script>
            setTimeout(async () => {
              const out = [];
              try {
                const [values, score] = document.querySelector('.charts').charts;
                const t = values.data[0];
                const min = t[Math.floor(t.length / 4)], max = t[Math.floor(t.length / 2)];
                values.setScale('x', { min, max });
                await new Promise(r => setTimeout(r, 50));
                out.push('zoom ' + (score.scales.x.min === min && score.scales.x.max === max));
                const over = values.root.querySelector('.u-over');
                const r = over.getBoundingClientRect();
                over.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + r.width / 2, clientY: r.top + 10, bubbles: true }));
                await new Promise(r => setTimeout(r, 50));
                out.push('info ' + document.querySelector('.info').textContent);
                out.push('legend ' + [...values.root.querySelectorAll('.u-legend .u-label')].map(e => e.textContent).join('|'));
              } catch (e) { out.push('probe failed: ' + e); }
              const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = out.join('\\n');
              document.body.append(pre);
            }, 500);
            </script></body>""";

    static Optional<Path> chromium() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .flatMap(dir -> Stream.of("chromium", "chromium-browser", "google-chrome").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    @Test
    void drawsTheChartsAndTheirPanesZoomTogether(@TempDir Path dir) throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "no chromium on the PATH");
        String html = HtmlReport.render("browser", 0.99, true,
                List.of(HtmlReportTest.series("a/pump.csv", 2_000, 1_200, "temperature", "pressure", "flow"),
                        HtmlReportTest.series("b/one.csv", 300, 100)));
        Path page = dir.resolve("report.html");
        Files.writeString(page, html.replace("</body>", PROBE));

        Process process = new ProcessBuilder(chromium.get().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1400,1800", "--virtual-time-budget=5000",
                "--dump-dom", page.toUri().toString())
                .redirectOutput(dir.resolve("dom.html").toFile())
                .redirectError(dir.resolve("chromium.log").toFile())
                .start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s");
        }
        String dom = Files.readString(dir.resolve("dom.html"), StandardCharsets.UTF_8);

        assertThat(dom).as(Files.readString(dir.resolve("chromium.log")))
                .contains("data-ready=\"yes\"").doesNotContain("data-errors");
        assertThat(dom).contains("data-drawn=\"2\"", "class=\"uplot", "Events of a/pump.csv", "level shift", "flow (",
                "labelled window");
        assertThat(dom).contains("zoom true", "info 2014-").contains("score ", "signal ", "top channel ")
                .contains("legend time (UTC)|temperature|pressure|flow|prediction temperature");
    }
}
