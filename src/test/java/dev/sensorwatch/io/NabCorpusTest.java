package dev.sensorwatch.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the real NAB corpus in {@code ../shared/data/nab}, or in the folder named by the system
 * property {@code nab.dir}; skipped, with a reason, when it is not there.
 */
class NabCorpusTest {

    static final String PROPERTY = "nab.dir";
    static final Path DEFAULT_FOLDER = Path.of("..", "shared", "data", "nab");

    static Path nab;

    @BeforeAll
    static void findCorpus() {
        String given = System.getProperty(PROPERTY);
        if (given == null || given.isBlank()) {
            nab = DEFAULT_FOLDER;
            Assumptions.assumeTrue(Files.isDirectory(nab.resolve("data")),
                    "no NAB corpus at " + nab.toAbsolutePath() + "; name its folder with -D" + PROPERTY);
        } else {
            nab = Path.of(given);
            if (!Files.isDirectory(nab.resolve("data"))) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + given + " has no data folder");
            }
        }
    }

    @Test
    void listsTheFiftyEightDataFiles() throws IOException {
        List<Path> files = SeriesReader.listSeriesFiles(nab.resolve("data"));
        assertThat(files).hasSize(58);
        List<String> names = files.stream().map(f -> SeriesReader.relativePath(nab.resolve("data"), f)).toList();
        assertThat(names).isSorted().doesNotHaveDuplicates().contains("realKnownCause/nyc_taxi.csv")
                .noneMatch(name -> name.endsWith(".md"));
    }

    @Test
    void labelsHaveOneHundredSixteenWindowsForTheListedFiles() throws IOException {
        Map<String, List<NabLabels.Window>> labels = NabLabels.read(nab.resolve("labels/combined_windows.json"));
        assertThat(labels).hasSize(58);
        assertThat(labels.values().stream().mapToInt(List::size).sum()).isEqualTo(116);
        List<String> names = SeriesReader.listSeriesFiles(nab.resolve("data")).stream()
                .map(f -> SeriesReader.relativePath(nab.resolve("data"), f)).toList();
        assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void readsEveryDataFileAndEveryWindowLiesInItsFile() throws IOException {
        Path data = nab.resolve("data");
        Map<String, List<NabLabels.Window>> labels = NabLabels.read(nab.resolve("labels/combined_windows.json"));
        long started = System.nanoTime();
        List<SeriesFile> all = new ArrayList<>();
        for (Path file : SeriesReader.listSeriesFiles(data)) {
            all.add(SeriesReader.read(data, file, SeriesFormat.NAB, CsvOptions.defaults()));
        }
        long elapsed = System.nanoTime() - started;
        int rows = all.stream().mapToInt(SeriesFile::rows).sum();
        System.out.printf("read %d NAB files, %d rows, in %.0f ms%n", all.size(), rows, elapsed / 1e6);

        assertThat(all).hasSize(58);
        assertThat(rows).isEqualTo(365_558);
        int repeated = 0;
        List<String> backwards = new ArrayList<>();
        for (SeriesFile series : all) {
            assertThat(series.channels()).isEqualTo(1);
            for (int r = 0; r < series.rows(); r++) {
                assertThat(series.value(r, 0)).as("%s row %d", series.name(), r).isFinite();
                if (r > 0 && series.eventTimeMillis(r) == series.eventTimeMillis(r - 1)) {
                    repeated++;
                } else if (r > 0 && series.eventTimeMillis(r) < series.eventTimeMillis(r - 1)) {
                    backwards.add(series.name() + ":" + series.lineNumber(r));
                }
            }
            long first = series.eventTimeMillis(0);
            long last = series.eventTimeMillis(series.rows() - 1);
            assertThat(labels.get(series.relativePath())).as(series.name()).isNotNull()
                    .allSatisfy(w -> assertThat(w.startMillis()).isBetween(first, last))
                    .allSatisfy(w -> assertThat(w.endMillis()).isBetween(first, last));
        }
        // NAB's data is not strictly increasing in time: consumers of these series must cope
        // with repeated timestamps and with one step back (an hour, at a clock change)
        System.out.printf("rows repeating the previous timestamp: %d; going back in time: %s%n", repeated, backwards);
        assertThat(repeated).isEqualTo(37);
        assertThat(backwards).containsExactly("realKnownCause/machine_temperature_system_failure.csv:10151");
    }
}
