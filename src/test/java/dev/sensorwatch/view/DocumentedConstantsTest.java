package dev.sensorwatch.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Tuning;
import dev.sensorwatch.stream.FleetViewStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The numbers users read in the README, the docs, the schemas' field docs, the alert rules and the
 * dashboard are the code's: the default threshold, the readings that end an event, and the fleet
 * view's bounds. Each has one source in the code; this test fails when a text drifts from it.
 */
class DocumentedConstantsTest {

    static final List<Path> TEXTS = texts();

    @Test
    void everyMentionOfTheDefaultThresholdIsTheDetectorsDefault() throws IOException {
        List<String> mentions = mentions(Pattern.compile(
                "threshold\\W{0,3}(?:\\(default |default |at the default |of |is )?(0\\.\\d{2,3})\\b"
                        + "|(0\\.\\d{3}) \\(the default threshold"));
        assertThat(mentions).isNotEmpty().allSatisfy(m -> assertThat(m).endsWith(": " + DetectorConfig.DEFAULT_THRESHOLD_TEXT));
    }

    @Test
    void everyMentionOfTheReadingsThatEndAnEventIsTheDetectors() throws IOException {
        List<String> mentions = mentions(Pattern.compile("(\\d+) readings in a row"));
        assertThat(mentions).isNotEmpty().allSatisfy(m -> assertThat(m).endsWith(": " + Tuning.EVENT_QUIET));
    }

    @Test
    void theFleetViewsBoundsAreTheStoresBounds() throws IOException {
        String operations = Files.readString(Path.of("docs/operations.md"));
        assertThat(operations).contains("its latest " + FleetViewStores.RECENT_SCORES + " readings")
                .contains("ring of its latest " + FleetViewStores.RECENT_SCORES + " scores")
                .contains("latest " + FleetViewStores.EVENTS + " events");
    }

    /** Every match of {@code pattern}'s first non-null group in the texts, as {@code file: value}. */
    private static List<String> mentions(Pattern pattern) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path text : TEXTS) {
            Matcher m = pattern.matcher(Files.readString(text).replaceAll("\\s+", " "));
            while (m.find()) {
                String value = m.group(1) != null ? m.group(1) : m.group(2);
                found.add(text + ": " + value);
            }
        }
        return found;
    }

    private static List<Path> texts() {
        List<Path> texts = new ArrayList<>(List.of(Path.of("README.md")));
        for (String dir : List.of("docs", "ops", "schemas")) {
            try (Stream<Path> files = Files.walk(Path.of(dir))) {
                files.filter(f -> f.toString().matches(".*\\.(md|yml|json|avsc)$")).forEach(texts::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return texts;
    }
}
