/**
 * Scoring detectors by the rules of the Numenta Anomaly Benchmark (NAB v1.1): application
 * profiles, the scaled-sigmoid reward of early detections, the probationary period, the corpus-wide
 * threshold sweep and the normalised score. Pure computation: reading result files and labels is
 * {@code dev.sensorwatch.io}'s work, printing tables the command line's.
 */
package dev.sensorwatch.nab;
