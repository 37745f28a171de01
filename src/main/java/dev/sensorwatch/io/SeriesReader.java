package dev.sensorwatch.io;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads sensor time series from CSV files, in the NAB layout or as generic CSV, for the
 * {@code score} and {@code replay} commands, and lists the series files of an input folder.
 *
 * <p>Files are UTF-8 (a byte-order mark is skipped) and follow RFC 4180 quoting; line ends may be
 * LF, CRLF or CR. Blank lines are skipped. The first non-blank record is the header; every other
 * record must have as many cells as the header. Which columns hold time, channels and sensor id is
 * described on {@link SeriesFormat} and {@link CsvOptions}; timestamps are parsed by
 * {@link Timestamps}; channel values are decimal numbers (with optional exponent), and an empty
 * cell or {@code NaN} (any case) is a missing value, {@link Double#NaN}.
 *
 * <p>Problems with the content throw a {@link DataFileException} whose message starts with
 * {@code file:line:}, names the column and quotes the cell.
 *
 * <p>This class is the entry point and turns cells into readings; {@link SeriesFolder} finds the
 * files, {@link CsvTable} reads a file's cells and {@link ColumnLayout} decides which column holds
 * what.
 */
public final class SeriesReader {

    private static final double MAX_VALUES = Integer.MAX_VALUE - 8;

    private SeriesReader() {}

    /**
     * Returns the series files of an input: a regular file is returned alone, whatever its name; a
     * folder gives every {@code *.csv} file below it (the extension in any case), recursively,
     * leaving out hidden files and folders (names starting with '.'), sorted by their
     * '/'-separated path relative to {@code input} so that the order is the same on every machine.
     *
     * @param input a series file or a folder of them
     * @throws NoSuchFileException if {@code input} does not exist
     * @throws IOException         if a folder cannot be read
     */
    public static List<Path> listSeriesFiles(Path input) throws IOException {
        return SeriesFolder.listSeriesFiles(input);
    }

    /**
     * Returns the '/'-separated path of {@code file} relative to {@code root}, the default sensor
     * id and the path of its result file below the output root. When {@code root} is the file
     * itself (an input given as a single file), it is the file's name.
     *
     * @throws IllegalArgumentException if {@code file} is not inside {@code root}
     */
    public static String relativePath(Path root, Path file) {
        return SeriesFolder.relativePath(root, file);
    }

    /**
     * Reads a whole file as one series whose sensor id is its relative path. With a sensor-id
     * column in the options, that column is left out of the channels but the rows are not split;
     * {@link #readBySensor} splits them.
     *
     * @param root    the input root; {@link SeriesFile#relativePath()} is taken relative to it
     * @param file    the file, inside {@code root} or {@code root} itself
     * @param format  the file's layout
     * @param options the columns, delimiter and zone of a {@link SeriesFormat#CSV} file; must be
     *                {@link CsvOptions#defaults()} for {@link SeriesFormat#NAB}
     * @throws DataFileException        if the content is not a valid series, with file and line
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if NAB is given options, or the file is not inside the root
     */
    public static SeriesFile read(Path root, Path file, SeriesFormat format, CsvOptions options)
            throws IOException {
        String relativePath = relativePath(root, file);
        CsvTable table = CsvTable.read(file, format, options);
        ColumnLayout layout = ColumnLayout.of(table, format, options);
        int[] all = new int[table.rows().size()];
        Arrays.setAll(all, i -> i);
        return build(table, layout, relativePath, relativePath, -1, all);
    }

    /**
     * Reads a multi-sensor CSV file as one series per sensor: rows are grouped by the stripped
     * value of the options' sensor-id column, and the series come in the order in which their
     * sensors first appear in the file. Each keeps the file's order of its rows, the whole
     * header and its rows' raw cells; its {@link SeriesFile#sensorId()} is the sensor id, its
     * {@link SeriesFile#name()} {@code relativePath#sensorId}. Channels, when not named, are found
     * on the whole file, so every sensor has the same ones.
     *
     * @param root    the input root; {@link SeriesFile#relativePath()} is taken relative to it
     * @param file    the file, inside {@code root} or {@code root} itself
     * @param options the CSV options, which must name the sensor-id column
     * @throws DataFileException        if the content is not valid, or a sensor id is empty
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the options name no sensor-id column
     */
    public static List<SeriesFile> readBySensor(Path root, Path file, CsvOptions options) throws IOException {
        if (options.sensorColumn().isEmpty()) {
            throw new IllegalArgumentException(
                    "reading " + file + " by sensor needs the name of the sensor-id column in the CSV options");
        }
        String relativePath = relativePath(root, file);
        CsvTable table = CsvTable.read(file, SeriesFormat.CSV, options);
        ColumnLayout layout = ColumnLayout.of(table, SeriesFormat.CSV, options);
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < table.rows().size(); r++) {
            String id = table.rows().get(r).get(layout.sensorColumn()).strip();
            if (id.isEmpty()) {
                throw new DataFileException(file, table.lines()[r], table.columnLabel(layout.sensorColumn())
                        + ": the sensor id is empty; every row of a multi-sensor file needs one");
            }
            groups.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
        }
        List<SeriesFile> series = new ArrayList<>(groups.size());
        for (Map.Entry<String, List<Integer>> group : groups.entrySet()) {
            int[] rows = group.getValue().stream().mapToInt(Integer::intValue).toArray();
            series.add(build(table, layout, relativePath, group.getKey(), layout.sensorColumn(), rows));
        }
        return List.copyOf(series);
    }

    /**
     * Reads a file the way its options ask: one series per sensor when the options name a
     * sensor-id column ({@link #readBySensor}), else the whole file as one series ({@link #read}).
     *
     * @throws DataFileException if the content is not valid, with file and line
     * @throws IOException       if the file cannot be read
     */
    public static List<SeriesFile> readAll(Path root, Path file, SeriesFormat format, CsvOptions options)
            throws IOException {
        if (format == SeriesFormat.CSV && options.sensorColumn().isPresent()) {
            return readBySensor(root, file, options);
        }
        return List.of(read(root, file, format, options));
    }

    private static SeriesFile build(CsvTable table, ColumnLayout layout, String relativePath, String sensorId,
            int sensorColumn, int[] rows) throws DataFileException {
        int n = rows.length;
        int d = layout.channelColumns().length;
        if ((double) n * d > MAX_VALUES) {
            throw new DataFileException(table.file(), 0,
                    n + " rows of " + d + " channels are too many values for one series; split the file");
        }
        long[] times = new long[n];
        long[] lines = new long[n];
        double[] values = new double[n * d];
        List<List<String>> raw = new ArrayList<>(n);
        int tc = layout.timestampColumn();
        for (int i = 0; i < n; i++) {
            List<String> cells = table.rows().get(rows[i]);
            long line = table.lines()[rows[i]];
            String time = cells.get(tc);
            try {
                times[i] = layout.nab() ? Timestamps.parseNabMillis(time) : Timestamps.parseMillis(time, layout.zone());
            } catch (DateTimeException e) {
                throw new DataFileException(table.file(), line, table.columnLabel(tc) + ": " + e.getMessage(), e);
            }
            for (int j = 0; j < d; j++) {
                int column = layout.channelColumns()[j];
                values[i * d + j] = value(table, layout, line, column, cells.get(column));
            }
            raw.add(cells);
            lines[i] = line;
        }
        return new SeriesFile(relativePath, sensorId, sensorColumn, table.delimiter(), table.header(), raw,
                lines, tc, layout.channelColumns(), times, values);
    }

    private static double value(CsvTable table, ColumnLayout layout, long line, int column, String cell)
            throws DataFileException {
        String s = cell.strip();
        if (s.isEmpty() || s.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        if (ColumnLayout.isNumber(s)) {
            double value = Double.parseDouble(s);
            if (!Double.isInfinite(value)) {
                return value;
            }
            throw new DataFileException(table.file(), line, table.columnLabel(column) + ": '" + cell
                    + "' is beyond the range of a double; write a finite number, or leave the cell empty");
        }
        String why = layout.channelsFound()
                ? " (the column was taken as a channel because its first value is a number;"
                        + " name the channel columns in the CSV options to leave it out)"
                : "";
        throw new DataFileException(table.file(), line, table.columnLabel(column) + ": '" + cell
                + "' is not a number; write a number such as 12.5 or -3e-2, or leave a missing value"
                + " empty or NaN" + why);
    }
}
