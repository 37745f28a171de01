package dev.sensorwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabLabelsTest {

    @TempDir
    Path root;

    static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    Path json(String text) throws IOException {
        return Files.writeString(root.resolve("windows.json"), text);
    }

    @Test
    void readsWindowsWithAndWithoutFractions() throws IOException {
        Path file = json("""
                {
                    "artificialNoAnomaly/art_flatline.csv": [],
                    "realKnownCause/nyc_taxi.csv": [
                        ["2014-10-30 15:30:00.000000", "2014-11-03 22:30:00.000000"],
                        ["2014-12-25 00:00:00", "2014-12-26 12:00:00"]
                    ]
                }
                """);
        Map<String, List<NabLabels.Window>> labels = NabLabels.read(file);

        assertThat(labels.keySet()).containsExactly("artificialNoAnomaly/art_flatline.csv", "realKnownCause/nyc_taxi.csv");
        assertThat(labels.get("artificialNoAnomaly/art_flatline.csv")).isEmpty();
        assertThat(labels.get("realKnownCause/nyc_taxi.csv")).containsExactly(
                new NabLabels.Window(millis("2014-10-30T15:30:00Z"), millis("2014-11-03T22:30:00Z")),
                new NabLabels.Window(millis("2014-12-25T00:00:00Z"), millis("2014-12-26T12:00:00Z")));
        NabLabels.Window window = labels.get("realKnownCause/nyc_taxi.csv").get(1);
        assertThat(window.contains(window.startMillis())).isTrue();
        assertThat(window.contains(window.endMillis())).isTrue();
        assertThat(window.contains(window.endMillis() + 1)).isFalse();
        assertThatThrownBy(() -> labels.put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void reportsWhatIsWrongWithFileAndLine() throws IOException {
        Path notJson = json("{\n  \"a.csv\": [\n    [\"2014-10-30 15:30:00\", \n");
        assertThatThrownBy(() -> NabLabels.read(notJson))
                .isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(notJson + ":4: is not valid JSON: ");

        Path flat = json("{\n  \"a.csv\": [\"2014-10-30 15:30:00\", \"2014-10-30 16:30:00\"]\n}\n");
        assertThatThrownBy(() -> NabLabels.read(flat))
                .hasMessage(flat + ":2: expected a [start, end] window for a.csv but found a string");

        Path three = json("{\"a.csv\": [[\"2014-10-30 15:30:00\", \"2014-10-30 16:30:00\", \"x\"]]}");
        assertThatThrownBy(() -> NabLabels.read(three))
                .hasMessage(three + ":1: expected the end of a [start, end] window for a.csv but found a string");

        Path badTime = json("{\n\"a.csv\": [\n[\"2014-10-30T15:30:00Z\", \"2014-10-30 16:30:00\"]]}");
        assertThatThrownBy(() -> NabLabels.read(badTime))
                .hasMessage(badTime + ":3: a window of a.csv: '2014-10-30T15:30:00Z' is not a NAB timestamp; "
                        + Timestamps.ACCEPTED_NAB);

        Path backwards = json("{\"a.csv\": [[\"2014-10-30 16:30:00\", \"2014-10-30 15:30:00\"]]}");
        assertThatThrownBy(() -> NabLabels.read(backwards))
                .hasMessage(backwards + ":1: a window of a.csv ends before it starts; swap its ends");

        Path twice = json("{\"a.csv\": [],\n \"a.csv\": []}");
        assertThatThrownBy(() -> NabLabels.read(twice)).hasMessage(twice + ":2: data file a.csv is listed twice; merge its windows");

        Path list = json("[]");
        assertThatThrownBy(() -> NabLabels.read(list)).hasMessage(list + ":1: expected an object of data files but found [");
    }
}
