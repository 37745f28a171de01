package dev.sensorwatch.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Signals that a data file (a series CSV or a label file) could be read but its content is wrong;
 * the message starts with {@code file:line:} and says what to fix.
 */
public final class DataFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file as it was named to the reader. */
    private final String file;

    /** The 1-based line, or 0 when the problem is not on one line. */
    private final long line;

    /**
     * Creates the exception for a problem on {@code line} of {@code file}.
     *
     * @param file    the file as it was named to the reader
     * @param line    the 1-based line, or 0 when the problem is with the file as a whole
     * @param problem what is wrong and what to do about it
     */
    public DataFileException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    /**
     * Creates the exception for a problem on {@code line} of {@code file}, caused by {@code cause}.
     *
     * @param file    the file as it was named to the reader
     * @param line    the 1-based line, or 0 when the problem is with the file as a whole
     * @param problem what is wrong and what to do about it
     * @param cause   the underlying exception, or null
     */
    public DataFileException(Path file, long line, String problem, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
        this.file = file.toString();
        this.line = line;
    }

    /** Returns the file as it was named to the reader, for tools that point at the problem. */
    public String file() {
        return file;
    }

    /** Returns the 1-based line of the problem, or 0 when it concerns the whole file. */
    public long line() {
        return line;
    }
}
