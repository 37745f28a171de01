package dev.sensorwatch.io;

/** The layout of a sensor time-series file, which tells {@link SeriesReader} how to read it. */
public enum SeriesFormat {

    /**
     * The Numenta Anomaly Benchmark layout: comma-separated, header exactly {@code timestamp,value},
     * timestamps {@code yyyy-MM-dd HH:mm:ss} (optionally with a fraction) in UTC, one channel
     * {@code value}. Takes no {@link CsvOptions} other than the defaults.
     */
    NAB,

    /**
     * Any CSV file with a header line; the timestamp, channel and sensor-id columns, the delimiter
     * and the time zone come from {@link CsvOptions}, or are found as described there.
     */
    CSV
}
