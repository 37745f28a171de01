package dev.sensorwatch.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The cells of a series file as {@link SeriesReader} reads them: the header, the data rows (each of
 * the header's width) and each row's first line in the file. Knows nothing of what the columns
 * mean; {@link ColumnLayout} finds that.
 *
 * @param file       the file as it was named to the reader
 * @param delimiter  the delimiter the file was read with
 * @param header     the first non-blank record, as it came
 * @param headerLine the 1-based line of the header
 * @param rows       the data rows, in file order
 * @param lines      the 1-based first line of each row
 */
record CsvTable(Path file, char delimiter, List<String> header, long headerLine,
        List<List<String>> rows, long[] lines) {

    /**
     * Reads {@code file} with the delimiter its format and options give: a comma for NAB, else the
     * options' delimiter or, without one, the one {@link #detectDelimiter} finds.
     *
     * @throws DataFileException        if the content is not CSV of one width under one unique header
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if NAB is given options
     */
    static CsvTable read(Path file, SeriesFormat format, CsvOptions options) throws IOException {
        return parse(file, delimiterFor(file, format, options));
    }

    /** Returns "column N 'name'", naming a column in a message. */
    String columnLabel(int column) {
        return "column " + (column + 1) + " '" + header.get(column).strip() + "'";
    }

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

    private static CsvTable parse(Path file, char delimiter) throws IOException {
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
        return new CsvTable(file, delimiter, header, headerLine, List.copyOf(rows), Arrays.copyOf(lines, rows.size()));
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
}
