package dev.sensorwatch.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One sensor's time series as read from a file: the file's header and raw cells (so that a result
 * file can repeat the input's columns), the event time of every row and its channel values.
 *
 * <p>Instances are immutable; accessors of arrays return copies, and the per-row accessors
 * ({@link #eventTimeMillis(int)}, {@link #value(int, int)}, {@link #row(int, double[])}) read
 * without copying. Rows keep the file's order. A missing, empty or {@code NaN} channel value is
 * {@link Double#NaN}; what to do with it is up to the caller.
 *
 * <p>A series is either a whole file, whose {@link #sensorId()} is its {@link #relativePath()},
 * or the rows of one sensor of a multi-sensor file ({@link SeriesReader#readBySensor}), whose
 * sensor id is the value of the sensor-id column and whose {@link #name()} is
 * {@code relativePath#sensorId}.
 */
public final class SeriesFile {

    private final String relativePath;
    private final String sensorId;
    private final int sensorColumn;
    private final char delimiter;
    private final List<String> header;
    private final List<List<String>> rawRows;
    private final long[] lineNumbers;
    private final int timestampColumn;
    private final int[] channelColumns;
    private final List<String> channelNames;
    private final long[] eventTimesMillis;
    private final double[] values;

    /**
     * Creates a series; {@link SeriesReader} is the usual way to get one. Takes its own copies.
     *
     * @param relativePath     the file's path relative to the input root, '/'-separated
     * @param sensorId         the sensor id: the relative path, or the sensor-id cell of the rows
     * @param sensorColumn     the index of the sensor-id column for one sensor's rows of a
     *                         multi-sensor file, else -1
     * @param delimiter        the cell delimiter of the file
     * @param header           the header cells as read
     * @param rawRows          the data rows' cells as read, each as long as the header
     * @param lineNumbers      the 1-based line in the file where each row starts
     * @param timestampColumn  the index of the timestamp column
     * @param channelColumns   the indexes of the channel columns, in channel order
     * @param eventTimesMillis the epoch milliseconds of each row
     * @param values           the channel values, row-major, {@code channelColumns.length} per row
     * @throws IllegalArgumentException if the parts do not fit together
     */
    SeriesFile(String relativePath, String sensorId, int sensorColumn, char delimiter,
            List<String> header, List<List<String>> rawRows, long[] lineNumbers,
            int timestampColumn, int[] channelColumns, long[] eventTimesMillis, double[] values) {
        this.relativePath = checkRelativePath(relativePath);
        this.sensorId = Objects.requireNonNull(sensorId, "sensorId");
        this.delimiter = delimiter;
        this.header = List.copyOf(header);
        int columns = this.header.size();
        if (sensorColumn < -1 || sensorColumn >= columns) {
            throw new IllegalArgumentException("sensor column " + sensorColumn + " is not in the header");
        }
        this.sensorColumn = sensorColumn;
        List<List<String>> rows = new ArrayList<>(rawRows.size());
        for (List<String> row : rawRows) {
            if (row.size() != columns) {
                throw new IllegalArgumentException(
                        "a row has " + row.size() + " cells, the header " + columns);
            }
            rows.add(List.copyOf(row));
        }
        this.rawRows = List.copyOf(rows);
        int n = this.rawRows.size();
        if (lineNumbers.length != n || eventTimesMillis.length != n) {
            throw new IllegalArgumentException("need one line number and one event time per row");
        }
        if (timestampColumn < 0 || timestampColumn >= columns) {
            throw new IllegalArgumentException("timestamp column " + timestampColumn + " is not in the header");
        }
        this.timestampColumn = timestampColumn;
        List<String> names = new ArrayList<>(channelColumns.length);
        for (int column : channelColumns) {
            if (column < 0 || column >= columns || column == timestampColumn) {
                throw new IllegalArgumentException("channel column " + column + " is not a value column");
            }
            names.add(this.header.get(column).strip());
        }
        if (values.length != (long) n * channelColumns.length) {
            throw new IllegalArgumentException("need " + channelColumns.length + " values per row");
        }
        this.lineNumbers = lineNumbers.clone();
        this.channelColumns = channelColumns.clone();
        this.channelNames = List.copyOf(names);
        this.eventTimesMillis = eventTimesMillis.clone();
        this.values = values.clone();
    }

    /** Returns the file's path relative to the input root, '/'-separated: the default sensor id. */
    public String relativePath() {
        return relativePath;
    }

    /**
     * Returns the id of the sensor these rows belong to: the relative path for a whole file, the
     * sensor-id cell for one sensor's rows of a multi-sensor file.
     */
    public String sensorId() {
        return sensorId;
    }

    /**
     * Returns the index of the sensor-id column if this series is one sensor's rows of a
     * multi-sensor file, else empty.
     */
    public OptionalInt sensorColumn() {
        return sensorColumn < 0 ? OptionalInt.empty() : OptionalInt.of(sensorColumn);
    }

    /**
     * Returns a name for messages and reports: the relative path for a whole file,
     * {@code relativePath#sensorId} for one sensor's rows of a multi-sensor file.
     */
    public String name() {
        return sensorColumn < 0 ? relativePath : relativePath + "#" + sensorId;
    }

    /** Returns the cell delimiter of the file, which a result file repeats. */
    public char delimiter() {
        return delimiter;
    }

    /** Returns the header cells exactly as read (unmodifiable). */
    public List<String> header() {
        return header;
    }

    /** Returns the data rows' cells exactly as read, each as long as the header (unmodifiable). */
    public List<List<String>> rawRows() {
        return rawRows;
    }

    /** Returns the 1-based line in the file where row {@code row} starts, for messages. */
    public long lineNumber(int row) {
        return lineNumbers[row];
    }

    /** Returns the index of the timestamp column in the header. */
    public int timestampColumn() {
        return timestampColumn;
    }

    /** Returns the header indexes of the channel columns, in channel order (a copy). */
    public int[] channelColumns() {
        return channelColumns.clone();
    }

    /** Returns the names of the channels, the stripped header cells, in channel order. */
    public List<String> channelNames() {
        return channelNames;
    }

    /** Returns the number of data rows. */
    public int rows() {
        return eventTimesMillis.length;
    }

    /** Returns the number of channels, the values per row. */
    public int channels() {
        return channelColumns.length;
    }

    /** Returns the event time of row {@code row} in epoch milliseconds. */
    public long eventTimeMillis(int row) {
        return eventTimesMillis[row];
    }

    /** Returns the event times of all rows in epoch milliseconds (a copy). */
    public long[] eventTimesMillis() {
        return eventTimesMillis.clone();
    }

    /** Returns the value of channel {@code channel} in row {@code row}; NaN where it is missing. */
    public double value(int row, int channel) {
        if (channel < 0 || channel >= channelColumns.length) {
            throw new IndexOutOfBoundsException("channel " + channel + " of " + channelColumns.length);
        }
        Objects.checkIndex(row, rows());
        return values[row * channelColumns.length + channel];
    }

    /**
     * Copies the {@link #channels()} values of row {@code row} into the start of {@code into} and
     * returns it, so that a scoring loop allocates nothing.
     *
     * @throws IllegalArgumentException if {@code into} is shorter than {@link #channels()}
     */
    public double[] row(int row, double[] into) {
        int d = channelColumns.length;
        if (into.length < d) {
            throw new IllegalArgumentException("need room for " + d + " values, got " + into.length);
        }
        Objects.checkIndex(row, rows());
        System.arraycopy(values, row * d, into, 0, d);
        return into;
    }

    /** Returns all values, row-major with {@link #channels()} per row (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** Returns the name, the number of rows and the channel names, for logs. */
    @Override
    public String toString() {
        return name() + " (" + rows() + " rows, channels " + channelNames + ")";
    }

    private static String checkRelativePath(String path) {
        Objects.requireNonNull(path, "relativePath");
        if (path.isEmpty() || path.startsWith("/")
                || Arrays.stream(path.split("/", -1)).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            throw new IllegalArgumentException(
                    "'" + path + "' is not a relative '/'-separated path inside the input root");
        }
        return path;
    }
}
