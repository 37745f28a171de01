/**
 * Batch scoring: series read from files, each scored from its first row by its own fresh
 * {@link dev.sensorwatch.detect.SensorDetector}, in parallel, with the result files written as the
 * series finish ({@link dev.sensorwatch.batch.BatchScorer}). The same readings give the same
 * scores, bit for bit, whatever the number of threads. {@code score}, {@code bench nab} and
 * {@code bench smap} run on it, and so do the tests of detection quality.
 *
 * <p>What must not live here: anything from Kafka or Avro (the stream processor is
 * {@code dev.sensorwatch.stream}), option parsing or printing (the command line's), or detection
 * logic ({@code dev.sensorwatch.detect}). Reading and writing the file formats is
 * {@code dev.sensorwatch.io}'s work.
 */
package dev.sensorwatch.batch;
