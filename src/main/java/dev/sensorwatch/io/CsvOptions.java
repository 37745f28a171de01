package dev.sensorwatch.io;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to read a generic CSV series file ({@link SeriesFormat#CSV}): which columns hold the time,
 * the channels and the sensor id, the delimiter, and the zone of zone-less timestamps.
 *
 * <p>Column names are matched exactly against the header cells with surrounding white space
 * removed. What is not given is found in the file:
 *
 * <ul>
 *   <li>timestamp column: the first column named one of {@link #TIMESTAMP_NAMES} (ignoring case),
 *       else the first column that is neither the sensor-id column nor a named channel;
 *   <li>channels: every other column, except the sensor-id column and columns with a blank name,
 *       whose first value that is neither empty nor {@code NaN} parses as a number (a column with
 *       no such value is not a channel);
 *   <li>delimiter: tab if the header line has more tabs than commas and than semicolons outside
 *       quotes, else semicolon if it has more semicolons than commas, else comma.
 * </ul>
 *
 * @param timestampColumn the name of the timestamp column, or empty to find it
 * @param channelColumns  the names of the channel columns in channel order, or empty to find them
 * @param sensorColumn    the name of the sensor-id column of a multi-sensor file, or empty; see
 *                        {@link SeriesReader#readBySensor}
 * @param delimiter       the cell delimiter, or empty to detect comma, semicolon or tab
 * @param zone            the zone of timestamps that carry no offset
 */
public record CsvOptions(
        Optional<String> timestampColumn,
        List<String> channelColumns,
        Optional<String> sensorColumn,
        Optional<Character> delimiter,
        ZoneId zone) {

    /** Column names, compared ignoring case, that mark the timestamp column when none is named. */
    public static final List<String> TIMESTAMP_NAMES = List.of("timestamp", "time", "ts", "date", "datetime");

    private static final CsvOptions DEFAULTS =
            new CsvOptions(Optional.empty(), List.of(), Optional.empty(), Optional.empty(), ZoneOffset.UTC);

    /**
     * Checks and normalises the options: names are stripped of surrounding white space.
     *
     * @throws IllegalArgumentException if a name is blank or used twice, or the delimiter is a
     *     quote or a line break
     */
    public CsvOptions {
        Objects.requireNonNull(timestampColumn, "timestampColumn");
        Objects.requireNonNull(channelColumns, "channelColumns");
        Objects.requireNonNull(sensorColumn, "sensorColumn");
        Objects.requireNonNull(delimiter, "delimiter");
        Objects.requireNonNull(zone, "zone");
        timestampColumn = timestampColumn.map(name -> checkName(name, "timestamp column"));
        sensorColumn = sensorColumn.map(name -> checkName(name, "sensor-id column"));
        channelColumns = channelColumns.stream().map(name -> checkName(name, "channel column")).toList();
        Set<String> seen = new HashSet<>();
        for (String channel : channelColumns) {
            if (!seen.add(channel)) {
                throw new IllegalArgumentException("channel column '" + channel + "' is named twice");
            }
        }
        if (timestampColumn.isPresent() && seen.contains(timestampColumn.get())) {
            throw new IllegalArgumentException(
                    "column '" + timestampColumn.get() + "' cannot be both the timestamp and a channel");
        }
        if (sensorColumn.isPresent() && seen.contains(sensorColumn.get())) {
            throw new IllegalArgumentException(
                    "column '" + sensorColumn.get() + "' cannot be both the sensor id and a channel");
        }
        if (sensorColumn.isPresent() && sensorColumn.equals(timestampColumn)) {
            throw new IllegalArgumentException(
                    "column '" + sensorColumn.get() + "' cannot be both the sensor id and the timestamp");
        }
        if (delimiter.isPresent()) {
            char d = delimiter.get();
            if (d == '"' || d == '\r' || d == '\n') {
                throw new IllegalArgumentException(
                        "the delimiter cannot be a double quote or a line break; use ',' ';' or a tab");
            }
        }
    }

    /**
     * The delimiter {@code text} names: one character, or (ignoring case) {@code tab} or
     * {@code \t} (a backslash and a t, as a shell passes {@code '\t'}), {@code comma},
     * {@code semicolon}, {@code pipe} or {@code space}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static char parseDelimiter(String text) {
        if (text.length() == 1) {
            return text.charAt(0);
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "tab", "\\t" -> '\t';
            case "comma" -> ',';
            case "semicolon" -> ';';
            case "pipe" -> '|';
            case "space" -> ' ';
            default -> throw new IllegalArgumentException("the delimiter must be one character, or tab (also \\t),"
                    + " comma, semicolon, pipe or space; got '" + text + "'");
        };
    }

    /** How messages show {@code delimiter}: {@code tab} or {@code space}, else the character in quotes. */
    public static String delimiterName(char delimiter) {
        return switch (delimiter) {
            case '\t' -> "tab";
            case ' ' -> "space";
            default -> "'" + delimiter + "'";
        };
    }

    /** Returns the options that find everything in the file and read zone-less times as UTC. */
    public static CsvOptions defaults() {
        return DEFAULTS;
    }

    /** Returns a copy that reads the time from the column named {@code name}. */
    public CsvOptions withTimestampColumn(String name) {
        return new CsvOptions(Optional.of(name), channelColumns, sensorColumn, delimiter, zone);
    }

    /** Returns a copy that reads exactly the channels named, in that order (empty: find them). */
    public CsvOptions withChannelColumns(List<String> names) {
        return new CsvOptions(timestampColumn, names, sensorColumn, delimiter, zone);
    }

    /** Returns a copy that groups rows by the sensor id in the column named {@code name}. */
    public CsvOptions withSensorColumn(String name) {
        return new CsvOptions(timestampColumn, channelColumns, Optional.of(name), delimiter, zone);
    }

    /** Returns a copy that splits cells at {@code delimiter} instead of detecting it. */
    public CsvOptions withDelimiter(char delimiter) {
        return new CsvOptions(timestampColumn, channelColumns, sensorColumn, Optional.of(delimiter), zone);
    }

    /** Returns a copy that reads timestamps without an offset in {@code zone}. */
    public CsvOptions withZone(ZoneId zone) {
        return new CsvOptions(timestampColumn, channelColumns, sensorColumn, delimiter, zone);
    }

    /**
     * Tells whether these options find everything in the file and read zone-less times as UTC
     * (any zone id that normalises to UTC counts): the only options the NAB format takes.
     */
    public boolean isDefault() {
        return timestampColumn.isEmpty() && channelColumns.isEmpty() && sensorColumn.isEmpty()
                && delimiter.isEmpty() && zone.normalized().equals(ZoneOffset.UTC);
    }

    /** Tells whether {@code headerName} is one of {@link #TIMESTAMP_NAMES}, ignoring case and spaces. */
    static boolean isTimestampName(String headerName) {
        return TIMESTAMP_NAMES.contains(headerName.strip().toLowerCase(Locale.ROOT));
    }

    private static String checkName(String name, String what) {
        Objects.requireNonNull(name, what);
        String stripped = name.strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " name is blank");
        }
        return stripped;
    }
}
