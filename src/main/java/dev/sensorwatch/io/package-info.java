/**
 * Readers and writers of files: series in CSV and the NAB corpus layout (finding the files,
 * parsing the cells, inferring which columns are times and channels, reading the timestamps),
 * NAB's label windows, the score result files, and the HTML report with the uPlot charting library
 * it inlines ({@link dev.sensorwatch.io.ChartAssets}).
 *
 * <p>What must not live here: scoring or evaluation (that is {@code dev.sensorwatch.batch},
 * {@code dev.sensorwatch.detect} and {@code dev.sensorwatch.nab}), anything from Kafka, and option
 * parsing or printing to the console (the command line's). A file that cannot be read is a
 * {@link dev.sensorwatch.io.DataFileException} naming the file and, where it applies, the line.
 */
package dev.sensorwatch.io;
