/**
 * One sensor's detector: normalisation, prediction, online learning, and turning the prediction
 * error into an anomaly score. Pure Java on top of {@code dev.sensorwatch.lstm}; nothing from
 * Kafka or Avro.
 */
package dev.sensorwatch.detect;
