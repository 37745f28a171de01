package dev.sensorwatch.io;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Which columns of a {@link CsvTable} hold time, channels and sensor id, and how to read the time:
 * as a {@link SeriesFormat} and {@link CsvOptions} say, or, for what they leave open, as the header
 * and the first values suggest.
 *
 * @param timestampColumn the timestamp column
 * @param channelColumns  the channel columns, in channel order
 * @param channelsFound   whether the channels were inferred (not named in the options)
 * @param sensorColumn    the sensor-id column, or -1
 * @param nab             whether timestamps are read as NAB writes them
 * @param zone            the zone of timestamps without an offset
 */
record ColumnLayout(int timestampColumn, int[] channelColumns, boolean channelsFound,
        int sensorColumn, boolean nab, ZoneId zone) {

    /**
     * Returns the layout of {@code table}: NAB's fixed {@code timestamp,value}; for CSV the columns
     * the options name, the timestamp column by name (or else the first column left) and as channels
     * every other column whose first value is a number.
     *
     * @throws DataFileException if a named column is missing, or no column is left for time or channels
     */
    static ColumnLayout of(CsvTable table, SeriesFormat format, CsvOptions options) throws DataFileException {
        List<String> names = table.header().stream().map(String::strip).toList();
        if (format == SeriesFormat.NAB) {
            if (!names.equals(List.of("timestamp", "value"))) {
                throw new DataFileException(table.file(), table.headerLine(), "the header is '"
                        + String.join(",", table.header()) + "' but a NAB file has the header"
                        + " 'timestamp,value'; read other files with the CSV format");
            }
            return new ColumnLayout(0, new int[] {1}, false, -1, true, ZoneOffset.UTC);
        }
        int sensor = -1;
        if (options.sensorColumn().isPresent()) {
            sensor = find(table, names, options.sensorColumn().get(), "sensor-id");
        }
        int[] channels = new int[options.channelColumns().size()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = find(table, names, options.channelColumns().get(i), "channel");
        }
        int timestamp = options.timestampColumn().isPresent()
                ? find(table, names, options.timestampColumn().get(), "timestamp")
                : findTimestamp(table, names, sensor, channels);
        boolean found = channels.length == 0;
        if (found) {
            channels = findChannels(table, names, timestamp, sensor);
        }
        return new ColumnLayout(timestamp, channels, found, sensor, false, options.zone());
    }

    /** A decimal number with optional sign, fraction and exponent, as {@link Double#parseDouble} reads it. */
    static boolean isNumber(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static int find(CsvTable table, List<String> names, String name, String what) throws DataFileException {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new DataFileException(table.file(), table.headerLine(), "there is no " + what + " column '"
                    + name + "'; the header has " + quoted(names) + " (delimiter "
                    + CsvOptions.delimiterName(table.delimiter()) + ")");
        }
        return index;
    }

    private static int findTimestamp(CsvTable table, List<String> names, int sensor, int[] channels)
            throws DataFileException {
        int fallback = -1;
        for (int c = 0; c < names.size(); c++) {
            if (c == sensor || contains(channels, c)) {
                continue;
            }
            if (CsvOptions.isTimestampName(names.get(c))) {
                return c;
            }
            if (fallback < 0) {
                fallback = c;
            }
        }
        if (fallback < 0) {
            throw new DataFileException(table.file(), table.headerLine(),
                    "no column is left for the timestamp; the header has " + quoted(names));
        }
        return fallback;
    }

    private static int[] findChannels(CsvTable table, List<String> names, int timestamp, int sensor)
            throws DataFileException {
        List<Integer> channels = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            if (c == timestamp || c == sensor || names.get(c).isEmpty()) {
                continue;
            }
            for (List<String> row : table.rows()) {
                String cell = row.get(c).strip();
                if (cell.isEmpty() || cell.equalsIgnoreCase("nan")) {
                    continue;
                }
                if (isNumber(cell)) {
                    channels.add(c);
                }
                break;
            }
        }
        if (channels.isEmpty()) {
            throw new DataFileException(table.file(), table.headerLine(), "found no channel column: no column"
                    + " besides the timestamp column '" + names.get(timestamp) + "' has a number as its first"
                    + " value; the header has " + quoted(names) + " (delimiter "
                    + CsvOptions.delimiterName(table.delimiter()) + "); name the channel columns in the CSV options");
        }
        return channels.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String quoted(List<String> names) {
        return names.stream().map(name -> "'" + name + "'").toList().toString();
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
