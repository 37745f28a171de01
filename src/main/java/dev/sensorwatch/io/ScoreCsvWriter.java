package dev.sensorwatch.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;

/**
 * Writes the result file of a scored series: the input's header and raw cells, then the columns
 * {@value #SCORE_COLUMN} and {@value #ANOMALY_COLUMN} ({@code 1} or {@code 0}), then any extra
 * numeric columns, then any extra text columns.
 *
 * <p>Numbers are written as {@link Double#toString(double)} writes them, which
 * {@link Double#parseDouble} (and {@link SeriesReader}) reads back to the same bits; infinities
 * are written as {@code Infinity} and {@code -Infinity}. A row whose score is NaN (not scored,
 * for example because a reading was missing) gets empty score and label cells, and a NaN in an
 * extra column is an empty cell. The file uses the input's delimiter, RFC 4180 quoting where a
 * cell needs it, UTF-8 and {@code \n} line ends.
 */
public final class ScoreCsvWriter {

    /** The name of the column holding each row's anomaly score. */
    public static final String SCORE_COLUMN = "anomaly_score";

    /** The name of the column holding each row's label: 1 for an anomaly, 0 for none. */
    public static final String ANOMALY_COLUMN = "is_anomaly";

    private ScoreCsvWriter() {}

    /**
     * Returns where the result file of {@code file} goes below {@code outputRoot}, mirroring the
     * input layout: {@code outputRoot/<relative path>}. One sensor's rows of a multi-sensor file
     * go to a file of their own beside it, {@code <stem>#<sensor id>.csv} (for
     * {@code plant/fleet.csv} and sensor {@code pump 7}: {@code plant/fleet#pump%207.csv}), where
     * every byte of the sensor id's UTF-8 other than {@code A-Z a-z 0-9 . _ -} is written
     * {@code %XX}, so distinct ids get distinct files that are safe on every file system.
     */
    public static Path outputPathFor(Path outputRoot, SeriesFile file) {
        String relative = file.relativePath();
        if (file.sensorColumn().isPresent()) {
            String id = encode(file.sensorId());
            int slash = relative.lastIndexOf('/');
            int dot = relative.lastIndexOf('.');
            boolean csv = dot > slash + 1 && relative.substring(dot).toLowerCase(Locale.ROOT).equals(".csv");
            relative = csv
                    ? relative.substring(0, dot) + "#" + id + relative.substring(dot)
                    : relative + "#" + id + ".csv";
        }
        Path out = outputRoot;
        for (String part : relative.split("/")) {
            out = out.resolve(part);
        }
        return out;
    }

    /**
     * Writes the result file of {@code file} to {@code out}, creating its parent folders and
     * replacing an existing file.
     *
     * @param out          the result file, usually {@link #outputPathFor}
     * @param file         the scored series, whose header and raw rows are repeated
     * @param scores       one anomaly score per row; NaN for a row that was not scored
     * @param anomalies    one label per row, written 1 or 0 (ignored where the score is NaN)
     * @param extraColumns more columns after the label, name to one value per row, in the map's
     *                     iteration order: pass a {@link java.util.LinkedHashMap} (or an empty map)
     * @throws IllegalArgumentException if an array's length is not {@link SeriesFile#rows()}, or a
     *     column name is blank or already used (in the input or the result columns)
     * @throws IOException              if the file cannot be written
     */
    public static void write(Path out, SeriesFile file, double[] scores, boolean[] anomalies,
            Map<String, double[]> extraColumns) throws IOException {
        write(out, file, scores, anomalies, extraColumns, Map.of());
    }

    /**
     * Writes the result file as {@link #write(Path, SeriesFile, double[], boolean[], Map)} does,
     * with text columns after the numeric ones; a null text cell is written empty.
     *
     * @param textColumns more columns after the numeric ones, name to one cell per row, in the
     *                    map's iteration order
     * @throws IllegalArgumentException as the other {@code write} does, for these columns too
     * @throws IOException              if the file cannot be written
     */
    public static void write(Path out, SeriesFile file, double[] scores, boolean[] anomalies,
            Map<String, double[]> extraColumns, Map<String, String[]> textColumns) throws IOException {
        int n = file.rows();
        checkLength(SCORE_COLUMN, scores.length, n);
        checkLength(ANOMALY_COLUMN, anomalies.length, n);
        Set<String> names = new HashSet<>();
        for (String name : file.header()) {
            names.add(name.strip());
        }
        List<String> header = new ArrayList<>(file.header());
        List<double[]> extras = new ArrayList<>(extraColumns.size());
        addColumn(header, names, SCORE_COLUMN, file);
        addColumn(header, names, ANOMALY_COLUMN, file);
        for (Map.Entry<String, double[]> column : extraColumns.entrySet()) {
            addColumn(header, names, column.getKey(), file);
            checkLength(column.getKey(), column.getValue().length, n);
            extras.add(column.getValue());
        }
        List<String[]> texts = new ArrayList<>(textColumns.size());
        for (Map.Entry<String, String[]> column : textColumns.entrySet()) {
            addColumn(header, names, column.getKey(), file);
            checkLength(column.getKey(), column.getValue().length, n);
            texts.add(column.getValue());
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        CSVFormat csv = CSVFormat.RFC4180.builder().setDelimiter(file.delimiter()).setRecordSeparator('\n').get();
        // CSVFormat.printRecord rather than CSVPrinter: the latter's class file carries an
        // annotation whose class is not on the class path, which -Xlint:all reports.
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            csv.printRecord(writer, header.toArray());
            int inputColumns = file.header().size();
            Object[] cells = new Object[header.size()];
            for (int r = 0; r < n; r++) {
                List<String> raw = file.rawRows().get(r);
                for (int c = 0; c < inputColumns; c++) {
                    cells[c] = raw.get(c);
                }
                double score = scores[r];
                cells[inputColumns] = number(score);
                cells[inputColumns + 1] = Double.isNaN(score) ? "" : anomalies[r] ? "1" : "0";
                for (int e = 0; e < extras.size(); e++) {
                    cells[inputColumns + 2 + e] = number(extras.get(e)[r]);
                }
                for (int t = 0; t < texts.size(); t++) {
                    String cell = texts.get(t)[r];
                    cells[inputColumns + 2 + extras.size() + t] = cell == null ? "" : cell;
                }
                csv.printRecord(writer, cells);
            }
        }
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : Double.toString(value);
    }

    private static void checkLength(String column, int length, int rows) {
        if (length != rows) {
            throw new IllegalArgumentException(
                    "column '" + column + "' has " + length + " values but the series has " + rows + " rows");
        }
    }

    private static void addColumn(List<String> header, Set<String> names, String name, SeriesFile file) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an extra column of " + file.name() + " has a blank name");
        }
        if (!names.add(name.strip())) {
            throw new IllegalArgumentException("the result of " + file.name() + " already has a column '" + name
                    + "' (the input has one, or it is named twice); rename the input column or the extra column");
        }
        header.add(name);
    }

    /** Percent-encodes every UTF-8 byte of {@code text} outside {@code A-Z a-z 0-9 . _ -}. */
    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
