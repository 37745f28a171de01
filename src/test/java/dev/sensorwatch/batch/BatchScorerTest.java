package dev.sensorwatch.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.SensorDetector;
import dev.sensorwatch.io.CsvOptions;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.io.SeriesReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch scorer: input order kept, and the same bits with one thread or several. */
class BatchScorerTest {

    @TempDir
    Path dir;

    @Test
    void oneThreadAndSeveralWriteTheSameBytesAndKeepTheInputOrder() throws Exception {
        Path input = Files.createDirectories(dir.resolve("in"));
        List<Path> files = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            StringBuilder text = new StringBuilder("timestamp,value\n");
            for (int i = 0; i < 400; i++) {
                double value = i == 300 + s ? 90.0 : 10.0 * Math.sin((i + 7 * s) / 11.0);
                text.append(String.format("2024-01-01T%02d:%02d:00Z,%s%n", i / 60, i % 60, i == 200 ? "NaN" : value));
            }
            Path file = input.resolve("sensor-" + s + ".csv");
            Files.writeString(file, text);
            files.add(file);
        }

        List<BatchScorer.Result> one = scoreInto(input, files, dir.resolve("one"), 1);
        List<BatchScorer.Result> three = scoreInto(input, files, dir.resolve("three"), 3);

        assertThat(three).extracting(r -> r.file().name())
                .containsExactly("sensor-0.csv", "sensor-1.csv", "sensor-2.csv", "sensor-3.csv");
        for (int s = 0; s < 4; s++) {
            assertThat(three.get(s).scores()).isEqualTo(one.get(s).scores());
            assertThat(three.get(s).skipped()).isEqualTo(1);
            String name = "sensor-" + s + ".csv";
            assertThat(Files.readAllBytes(dir.resolve("three").resolve(name)))
                    .isEqualTo(Files.readAllBytes(dir.resolve("one").resolve(name)));
        }
        // and the same as one detector run over the file by hand
        SeriesFile first = SeriesReader.read(input, files.get(0), SeriesFormat.CSV, CsvOptions.defaults());
        assertThat(BatchScorer.score(first, DetectorConfig.DEFAULTS, new SensorDetector.Workspace()).scores())
                .isEqualTo(one.get(0).scores());
    }

    private static List<BatchScorer.Result> scoreInto(Path input, List<Path> files, Path output, int threads)
            throws Exception {
        try (BatchScorer scorer = new BatchScorer(threads)) {
            List<SeriesFile> series = scorer.read(input, files, SeriesFormat.CSV, CsvOptions.defaults());
            List<String> heard = new ArrayList<>();
            List<BatchScorer.Result> results = scorer.scoreAll(series, DetectorConfig.DEFAULTS, output,
                    r -> heard.add(r.file().name()));
            assertThat(heard).isEqualTo(results.stream().map(r -> r.file().name()).toList());
            return results;
        }
    }

    @Test
    void aNegativeNumberOfThreadsIsRefused() {
        assertThatThrownBy(() -> new BatchScorer(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
