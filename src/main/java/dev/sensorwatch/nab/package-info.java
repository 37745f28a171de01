/**
 * Scoring detectors by the rules of the Numenta Anomaly Benchmark (NAB v1.1): application
 * profiles, the scaled-sigmoid reward of early detections, the probationary period, the corpus-wide
 * threshold sweep and the normalised score; event-wise and row-wise evaluation of flags against
 * labelled windows; and both applied to a results folder against a labels file
 * ({@link dev.sensorwatch.nab.NabEvaluation}, {@link dev.sensorwatch.nab.FlagEvaluation}).
 *
 * <p>What must not live here: the file formats (read through {@code dev.sensorwatch.io}), printing
 * tables and naming options (the command line's), scoring series (that is
 * {@code dev.sensorwatch.batch}), anything from Kafka.
 */
package dev.sensorwatch.nab;
