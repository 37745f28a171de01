package dev.sensorwatch.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

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
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        if (!Files.isDirectory(input)) {
            throw new NoSuchFileException(input.toString(), null, "no such file or folder");
        }
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(input, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return !dir.equals(input) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = file.getFileName().toString();
                if (!isHidden(file) && name.toLowerCase(Locale.ROOT).endsWith(".csv") && Files.isRegularFile(file)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Map<Path, String> keys = new HashMap<>();
        for (Path file : found) {
            keys.put(file, relativePath(input, file));
        }
        found.sort(Comparator.comparing(keys::get));
        return List.copyOf(found);
    }

    /**
     * Returns the '/'-separated path of {@code file} relative to {@code root}, the default sensor
     * id and the path of its result file below the output root. When {@code root} is the file
     * itself (an input given as a single file), it is the file's name.
     *
     * @throws IllegalArgumentException if {@code file} is not inside {@code root}
     */
    public static String relativePath(Path root, Path file) {
        Path base = root.toAbsolutePath().normalize();
        Path target = file.toAbsolutePath().normalize();
        if (base.equals(target)) {
            Path name = target.getFileName();
            if (name == null) {
                throw new IllegalArgumentException(file + " is not a file");
            }
            return name.toString();
        }
        if (!target.startsWith(base)) {
            throw new IllegalArgumentException(file + " is not inside the input root " + root);
        }
        Path relative = base.relativize(target);
        StringBuilder path = new StringBuilder();
        for (Path part : relative) {
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(part);
        }
        return path.toString();
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
        Table table = parse(file, delimiterFor(file, format, options));
        Layout layout = layout(table, format, options);
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
        Table table = parse(file, delimiterFor(file, SeriesFormat.CSV, options));
        Layout layout = layout(table, SeriesFormat.CSV, options);
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < table.rows().size(); r++) {
            String id = table.rows().get(r).get(layout.sensorColumn()).strip();
            if (id.isEmpty()) {
                throw new DataFileException(file, table.lines()[r], columnLabel(table, layout.sensorColumn())
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

    /** The cells of a file: header, data rows of the header's width, and each row's first line. */
    private record Table(Path file, char delimiter, List<String> header, long headerLine,
            List<List<String>> rows, long[] lines) {}

    /** Which columns hold what, and how to read the time. */
    private record Layout(int timestampColumn, int[] channelColumns, boolean channelsFound,
            int sensorColumn, boolean nab, ZoneId zone) {}

    private static char delimiterFor(Path file, SeriesFormat format, CsvOptions options) throws IOException {
        if (format == SeriesFormat.NAB) {
            if (!options.isDefault()) {
                throw new IllegalArgumentException("the NAB format takes no CSV options, but got " + options
                        + " for " + file + "; use the CSV format to choose columns, delimiter or zone");
            }
            return ',';
        }
        Optional<Character> given = options.delimiter();
        return given.isPresent() ? given.get() : detectDelimiter(file);
    }

    /**
     * Tab if the first non-blank line has more tabs than commas and than semicolons outside quotes,
     * else semicolon if it has more semicolons than commas, else comma.
     */
    private static char detectDelimiter(Path file) throws IOException {
        try (BufferedReader reader = open(file)) {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && line.isBlank());
            if (line == null) {
                return ',';
            }
            int commas = 0;
            int semicolons = 0;
            int tabs = 0;
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && c == ',') {
                    commas++;
                } else if (!quoted && c == ';') {
                    semicolons++;
                } else if (!quoted && c == '\t') {
                    tabs++;
                }
            }
            if (tabs > commas && tabs > semicolons) {
                return '\t';
            }
            return semicolons > commas ? ';' : ',';
        } catch (CharacterCodingException e) {
            throw new DataFileException(file, 0, "is not UTF-8 text; save it as UTF-8", e);
        }
    }

    private static BufferedReader open(Path file) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        try {
            reader.mark(1);
            int first = reader.read();
            if (first != '\uFEFF') {
                reader.reset();
            }
            return reader;
        } catch (IOException e) {
            reader.close();
            throw e;
        }
    }

    private static Table parse(Path file, char delimiter) throws IOException {
        CSVFormat csv = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(false).get();
        List<String> header = null;
        long headerLine = 0;
        List<List<String>> rows = new ArrayList<>();
        long[] lines = new long[1024];
        long previousEnd = 0;
        try (BufferedReader reader = open(file); CSVParser parser = CSVParser.parse(reader, csv)) {
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                long start = previousEnd + 1;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                } catch (UncheckedIOException e) {
                    throw notCsv(file, start, e.getCause());
                }
                previousEnd = parser.getCurrentLineNumber();
                CSVRecord record = records.next();
                String[] cells = record.values();
                if (cells.length == 0 || cells.length == 1 && cells[0].isEmpty()) {
                    continue; // a blank line
                }
                if (header == null) {
                    header = List.of(cells);
                    headerLine = start;
                    continue;
                }
                if (cells.length != header.size()) {
                    throw new DataFileException(file, start, "the row has " + cells.length
                            + " cells but the header has " + header.size() + " columns; give every row one"
                            + " cell per header column (check the delimiter " + CsvOptions.delimiterName(delimiter)
                            + " and the quotes)");
                }
                if (rows.size() == lines.length) {
                    lines = Arrays.copyOf(lines, lines.length * 2);
                }
                lines[rows.size()] = start;
                rows.add(List.of(cells));
            }
        } catch (UncheckedIOException e) {
            throw notCsv(file, previousEnd + 1, e.getCause());
        } catch (CharacterCodingException e) {
            throw notCsv(file, previousEnd + 1, e);
        }
        if (header == null) {
            throw new DataFileException(file, 0, "the file is empty; a series file starts with a header line");
        }
        checkHeader(file, headerLine, header);
        if (rows.isEmpty()) {
            throw new DataFileException(file, headerLine, "the file has a header line but no rows of readings;"
                    + " a series file needs at least one row below its header");
        }
        return new Table(file, delimiter, header, headerLine, List.copyOf(rows), Arrays.copyOf(lines, rows.size()));
    }

    private static DataFileException notCsv(Path file, long line, IOException cause) {
        if (cause instanceof CharacterCodingException) {
            return new DataFileException(file, line, "is not UTF-8 text; save the file as UTF-8", cause);
        }
        return new DataFileException(file, line,
                "is not valid CSV (" + cause.getMessage() + "); check the quotes", cause);
    }

    private static void checkHeader(Path file, long headerLine, List<String> header) throws DataFileException {
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c).strip();
            if (name.isEmpty()) {
                continue;
            }
            Integer before = seen.putIfAbsent(name, c);
            if (before != null) {
                throw new DataFileException(file, headerLine, "the header names column '" + name + "' twice"
                        + " (columns " + (before + 1) + " and " + (c + 1) + "); give each column its own name");
            }
        }
    }

    private static Layout layout(Table table, SeriesFormat format, CsvOptions options) throws DataFileException {
        List<String> names = table.header().stream().map(String::strip).toList();
        if (format == SeriesFormat.NAB) {
            if (!names.equals(List.of("timestamp", "value"))) {
                throw new DataFileException(table.file(), table.headerLine(), "the header is '"
                        + String.join(",", table.header()) + "' but a NAB file has the header"
                        + " 'timestamp,value'; read other files with the CSV format");
            }
            return new Layout(0, new int[] {1}, false, -1, true, ZoneOffset.UTC);
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
        return new Layout(timestamp, channels, found, sensor, false, options.zone());
    }

    private static int find(Table table, List<String> names, String name, String what) throws DataFileException {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new DataFileException(table.file(), table.headerLine(), "there is no " + what + " column '"
                    + name + "'; the header has " + quoted(names) + " (delimiter "
                    + CsvOptions.delimiterName(table.delimiter()) + ")");
        }
        return index;
    }

    private static int findTimestamp(Table table, List<String> names, int sensor, int[] channels)
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

    private static int[] findChannels(Table table, List<String> names, int timestamp, int sensor)
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

    private static SeriesFile build(Table table, Layout layout, String relativePath, String sensorId,
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
                throw new DataFileException(table.file(), line, columnLabel(table, tc) + ": " + e.getMessage(), e);
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

    private static double value(Table table, Layout layout, long line, int column, String cell)
            throws DataFileException {
        String s = cell.strip();
        if (s.isEmpty() || s.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        if (isNumber(s)) {
            double value = Double.parseDouble(s);
            if (!Double.isInfinite(value)) {
                return value;
            }
            throw new DataFileException(table.file(), line, columnLabel(table, column) + ": '" + cell
                    + "' is beyond the range of a double; write a finite number, or leave the cell empty");
        }
        String why = layout.channelsFound()
                ? " (the column was taken as a channel because its first value is a number;"
                        + " name the channel columns in the CSV options to leave it out)"
                : "";
        throw new DataFileException(table.file(), line, columnLabel(table, column) + ": '" + cell
                + "' is not a number; write a number such as 12.5 or -3e-2, or leave a missing value"
                + " empty or NaN" + why);
    }

    /** A decimal number with optional sign, fraction and exponent, as {@link Double#parseDouble} reads it. */
    private static boolean isNumber(String s) {
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String columnLabel(Table table, int column) {
        return "column " + (column + 1) + " '" + table.header().get(column).strip() + "'";
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

    /** Tells whether a file or folder is hidden, by the Unix convention of a leading '.'. */
    private static boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
