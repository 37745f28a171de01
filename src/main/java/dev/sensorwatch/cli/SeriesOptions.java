package dev.sensorwatch.cli;

import dev.sensorwatch.io.CsvOptions;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.io.SeriesReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How {@code score} and {@code replay} read sensor files. */
final class SeriesOptions {

    @Option(names = "--format", paramLabel = "nab|csv", defaultValue = "csv", converter = FormatConverter.class,
            description = "nab: NAB's timestamp,value files; csv: a timestamp column and numeric channel columns. Default: ${DEFAULT-VALUE}.")
    SeriesFormat format;

    @Option(names = "--timestamp-column", paramLabel = "NAME",
            description = "csv: the timestamp column (default: timestamp/time/ts/date/datetime, else the first).")
    String timestampColumn;

    @Option(names = "--channels", paramLabel = "NAME", split = ",",
            description = "csv: the channel columns, in order (default: every numeric column).")
    List<String> channels;

    @Option(names = "--sensor-column", paramLabel = "NAME",
            description = "csv: a column holding the sensor id, for files with several sensors.")
    String sensorColumn;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "csv: cell delimiter: one character, or tab (also \\t), comma, semicolon, pipe or space"
                    + " (default: comma, semicolon or tab, detected from the header).")
    String delimiter;

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
            description = "Time zone of timestamps without an offset. Default: ${DEFAULT-VALUE}.")
    String zone;

    /** The folder sensor ids are relative to: {@code input} itself, or a file's folder. */
    static Path root(Path input) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("--input " + input + " does not exist");
        }
        return Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    }

    /** The CSV files of {@code input}, in a stable order; an error if there are none. */
    static List<Path> files(Path input) throws IOException {
        List<Path> files = SeriesReader.listSeriesFiles(input);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no *.csv files in " + input);
        }
        return files;
    }

    /** Every series of the files of {@code input} ({@link #files}), read with these options, in order. */
    List<SeriesFile> read(Path input) throws IOException {
        return read(input, format, csvOptions());
    }

    /** Every series of the files of {@code input} ({@link #files}), read in {@code format} with {@code options}, in order. */
    static List<SeriesFile> read(Path input, SeriesFormat format, CsvOptions options) throws IOException {
        Path root = root(input);
        List<SeriesFile> all = new ArrayList<>();
        for (Path file : files(input)) {
            all.addAll(SeriesReader.readAll(root, file, format, options));
        }
        return all;
    }

    /** The reader options of the defaults of these flags: everything found in the file, zone-less times in UTC. */
    static CsvOptions defaultCsvOptions() {
        return CsvOptions.defaults().withZone(ZoneId.of("UTC"));
    }

    /** The reader options these flags describe. */
    CsvOptions csvOptions() {
        CsvOptions options = CsvOptions.defaults();
        if (timestampColumn != null) {
            options = options.withTimestampColumn(timestampColumn);
        }
        if (channels != null && !channels.isEmpty()) {
            options = options.withChannelColumns(channels);
        }
        if (sensorColumn != null) {
            options = options.withSensorColumn(sensorColumn);
        }
        if (delimiter != null) {
            try {
                options = options.withDelimiter(CsvOptions.parseDelimiter(delimiter));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--delimiter: " + e.getMessage(), e);
            }
        }
        try {
            options = options.withZone(ZoneId.of(zone));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--zone: unknown time zone '" + zone + "'", e);
        }
        return options;
    }

    /** Accepts nab or csv in any case. */
    static final class FormatConverter implements CommandLine.ITypeConverter<SeriesFormat> {
        @Override
        public SeriesFormat convert(String value) {
            try {
                return SeriesFormat.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected nab or csv, got '" + value + "'");
            }
        }
    }
}
