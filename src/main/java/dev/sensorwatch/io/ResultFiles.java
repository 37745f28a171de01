package dev.sensorwatch.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads the result files {@code score} writes, in their input's layout: each row's time and its anomaly score or a 0/1 column. */
public final class ResultFiles {

    private ResultFiles() {
    }

    /**
     * One result file's rows.
     *
     * @param times  epoch milliseconds per row
     * @param scores anomaly score per row; NaN where the cell is empty (not scored)
     */
    public record Rows(long[] times, double[] scores) {
    }

    /**
     * Reads the timestamp and {@code anomaly_score} columns of a result file.
     *
     * @throws DataFileException if a column is missing or a cell does not parse, with file and line
     * @throws IOException       if the file cannot be read
     */
    public static Rows read(Path file) throws IOException {
        double[][] scores = new double[1][];
        long[] times = read(file, ScoreCsvWriter.SCORE_COLUMN, rows -> scores[0] = new double[rows], (row, score, line) -> {
            try {
                scores[0][row] = score.isEmpty() ? Double.NaN : Double.parseDouble(score);
            } catch (NumberFormatException e) {
                throw new DataFileException(file, line, "anomaly score '" + score + "' is not a number", e);
            }
        });
        return new Rows(times, scores[0]);
    }

    /**
     * One result file's times and one 0/1 column ({@code in_event}, {@code is_anomaly}); an empty
     * cell (a row not scored) reads as 0.
     *
     * @param times epoch milliseconds per row
     * @param flags the column per row
     */
    public record Flags(long[] times, boolean[] flags) {
    }

    /**
     * Reads the {@code timestamp} column and the 0/1 column {@code column} of a result file.
     *
     * @throws DataFileException if a column is missing or a cell is not 0, 1 or empty, with file and line
     * @throws IOException       if the file cannot be read
     */
    public static Flags readFlags(Path file, String column) throws IOException {
        boolean[][] flags = new boolean[1][];
        long[] times = read(file, column, rows -> flags[0] = new boolean[rows], (row, flag, line) -> {
            if (!flag.isEmpty() && !flag.equals("0") && !flag.equals("1")) {
                throw new DataFileException(file, line, column + " '" + flag + "' is not 0, 1 or empty");
            }
            flags[0][row] = flag.equals("1");
        });
        return new Flags(times, flags[0]);
    }

    /** Takes one cell of a result file's column. */
    private interface Cell {
        void accept(int row, String text, long line) throws DataFileException;
    }

    /**
     * Reads a result file in its input's layout: each row's time, returned, and its cell of
     * {@code column}, given to {@code cell} after {@code allocate} learned the row count.
     */
    private static long[] read(Path file, String column, IntConsumer allocate, Cell cell)
            throws IOException {
        char delimiter = delimiterOf(file);
        try (Reader reader = Files.newBufferedReader(file);
             CSVParser parser = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
                     .get().parse(reader)) {
            List<String> header = parser.getHeaderNames();
            String time = timeColumn(header);
            if (time == null || !header.contains(column)) {
                throw new DataFileException(file, 1, "a result file needs a timestamp column (one of "
                        + CsvOptions.TIMESTAMP_NAMES + ") and the column " + column + ", found " + header);
            }
            List<CSVRecord> records = parser.getRecords();
            long[] times = new long[records.size()];
            allocate.accept(records.size());
            for (int i = 0; i < records.size(); i++) {
                CSVRecord record = records.get(i);
                long line = record.getRecordNumber() + 1;
                try {
                    times[i] = Timestamps.parseMillis(record.get(time), ZoneOffset.UTC);
                } catch (DateTimeException e) {
                    throw new DataFileException(file, line, "timestamp '" + record.get(time) + "' does not parse", e);
                }
                cell.accept(i, record.get(column), line);
            }
            return times;
        }
    }

    /** The delimiter of a result file, which {@code score} writes as its input's: ';' if its header has more of them than commas. */
    private static char delimiterOf(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String header = reader.readLine();
            if (header == null) {
                return ',';
            }
            long semicolons = header.chars().filter(c -> c == ';').count();
            long commas = header.chars().filter(c -> c == ',').count();
            return semicolons > commas ? ';' : ',';
        }
    }

    /** The timestamp column of a header: the first named as {@link CsvOptions#TIMESTAMP_NAMES} are, ignoring case. */
    private static String timeColumn(List<String> header) {
        for (String name : header) {
            if (CsvOptions.TIMESTAMP_NAMES.contains(name.strip().toLowerCase(Locale.ROOT))) {
                return name;
            }
        }
        return null;
    }
}
