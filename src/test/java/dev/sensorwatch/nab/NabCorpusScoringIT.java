package dev.sensorwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sensorwatch.io.CsvOptions;
import dev.sensorwatch.io.NabLabels;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.io.SeriesReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scorer on the real NAB corpus and labels, with detectors whose answer is known. */
class NabCorpusScoringIT {

    static final Path NAB = Path.of("..", "shared", "data", "nab");
    static List<SeriesFile> files;
    static Map<String, List<NabLabels.Window>> labels;

    @BeforeAll
    static void readCorpus() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(NAB.resolve("data")), "NAB corpus not found at " + NAB.toAbsolutePath());
        labels = NabLabels.read(NAB.resolve("labels").resolve("combined_windows.json"));
        files = new ArrayList<>();
        Path root = NAB.resolve("data");
        for (Path file : SeriesReader.listSeriesFiles(root)) {
            files.add(SeriesReader.read(root, file, SeriesFormat.NAB, CsvOptions.defaults()));
        }
    }

    static List<ScoredSeries> corpus(Function<SeriesFile, double[]> detector) {
        List<ScoredSeries> corpus = new ArrayList<>();
        for (SeriesFile file : files) {
            List<ScoredSeries.Window> windows = labels.get(file.relativePath()).stream()
                    .map(w -> new ScoredSeries.Window(w.startMillis(), w.endMillis())).toList();
            corpus.add(new ScoredSeries(file.relativePath(), file.eventTimesMillis(), detector.apply(file), windows));
        }
        return corpus;
    }

    @Test
    void theCorpusHas116Windows() {
        assertThat(corpus(f -> new double[f.rows()]).stream().mapToInt(s -> s.windows().size()).sum()).isEqualTo(116);
    }

    @Test
    void nullAndPerfectDetectorsScoreZeroAndHundred() {
        List<ScoredSeries> perfect = corpus(file -> {
            double[] scores = new double[file.rows()];
            for (NabLabels.Window w : labels.get(file.relativePath())) {
                for (int i = 0; i < file.rows(); i++) {
                    if (file.eventTimeMillis(i) >= w.startMillis()) {
                        scores[i] = 1.0;
                        break;
                    }
                }
            }
            return scores;
        });
        List<ScoredSeries> nothing = corpus(file -> new double[file.rows()]);
        for (NabProfile profile : NabProfile.ALL) {
            assertThat(NabScorer.score(perfect, profile).normalized()).as(profile.name()).isCloseTo(100.0, within(1e-9));
            assertThat(NabScorer.scoreAt(nothing, profile, 0.5).normalized()).as(profile.name()).isZero();
        }
    }

    @Test
    void randomScoresLandFarBelowEitherBound() {
        Random random = new Random(1);
        List<ScoredSeries> noise = corpus(file -> random.doubles(file.rows()).toArray());
        for (NabProfile profile : NabProfile.ALL) {
            double score = NabScorer.score(noise, profile).normalized();
            assertThat(score).as(profile.name()).isBetween(0.0, 40.0);
        }
    }
}
