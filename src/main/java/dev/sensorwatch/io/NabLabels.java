package dev.sensorwatch.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the ground truth of the NAB corpus, {@code labels/combined_windows.json}: for each data
 * file, by its path relative to the {@code data} folder ({@code realKnownCause/nyc_taxi.csv},
 * the same as {@link SeriesFile#relativePath()} when reading with that folder as root), the
 * anomaly windows as epoch milliseconds.
 */
public final class NabLabels {

    private static final JsonFactory JSON = new JsonFactory();

    private NabLabels() {}

    /**
     * One anomaly window; NAB windows include both ends.
     *
     * @param startMillis the first instant of the window, epoch milliseconds
     * @param endMillis   the last instant of the window, epoch milliseconds, not before the start
     */
    public record Window(long startMillis, long endMillis) {

        /**
         * Checks that the window does not end before it starts.
         *
         * @throws IllegalArgumentException if {@code endMillis < startMillis}
         */
        public Window {
            if (endMillis < startMillis) {
                throw new IllegalArgumentException(
                        "window ends (" + endMillis + ") before it starts (" + startMillis + ")");
            }
        }

        /** Tells whether {@code timeMillis} lies in the window, both ends included. */
        public boolean contains(long timeMillis) {
            return timeMillis >= startMillis && timeMillis <= endMillis;
        }
    }

    /**
     * Reads a NAB window file: a JSON object mapping each data file to a list of
     * {@code [start, end]} pairs of timestamps {@code yyyy-MM-dd HH:mm:ss}, with or without a
     * fraction such as {@code .000000}, read as UTC by {@link Timestamps#parseNabMillis}.
     *
     * @param json the window file, such as {@code labels/combined_windows.json}
     * @return data file to its windows in file order, both unmodifiable, in the order of the file
     * @throws DataFileException if the file is not valid JSON of that shape, with file and line
     * @throws IOException       if the file cannot be read
     */
    public static Map<String, List<Window>> read(Path json) throws IOException {
        Map<String, List<Window>> labels = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(json); JsonParser parser = JSON.createParser(in)) {
            expect(json, parser, parser.nextToken(), JsonToken.START_OBJECT, "an object of data files");
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String file = parser.currentName();
                long line = line(parser);
                expect(json, parser, parser.nextToken(), JsonToken.START_ARRAY, "a list of windows for " + file);
                List<Window> windows = new ArrayList<>();
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    expect(json, parser, token, JsonToken.START_ARRAY, "a [start, end] window for " + file);
                    long start = time(json, parser, file);
                    long end = time(json, parser, file);
                    expect(json, parser, parser.nextToken(), JsonToken.END_ARRAY,
                            "the end of a [start, end] window for " + file);
                    if (end < start) {
                        throw new DataFileException(json, line(parser),
                                "a window of " + file + " ends before it starts; swap its ends");
                    }
                    windows.add(new Window(start, end));
                }
                if (labels.put(file, List.copyOf(windows)) != null) {
                    throw new DataFileException(json, line, "data file " + file + " is listed twice; merge its windows");
                }
            }
            expect(json, parser, token, JsonToken.END_OBJECT, "a data file name or the end of the object");
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new DataFileException(json, line, "is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return Collections.unmodifiableMap(labels);
    }

    private static long time(Path json, JsonParser parser, String file) throws IOException {
        expect(json, parser, parser.nextToken(), JsonToken.VALUE_STRING, "a timestamp string in a window of " + file);
        try {
            return Timestamps.parseNabMillis(parser.getText());
        } catch (DateTimeException e) {
            throw new DataFileException(json, line(parser), "a window of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void expect(Path json, JsonParser parser, JsonToken actual, JsonToken expected, String what)
            throws DataFileException {
        if (actual != expected) {
            throw new DataFileException(json, line(parser), "expected " + what + " but found " + describe(actual));
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the file";
        }
        switch (token) {
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case FIELD_NAME:
                return "a field name";
            default:
                return token.asString() == null ? token.name() : token.asString();
        }
    }

    private static long line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }
}
