/**
 * One sensor's detector: an ensemble of predictors (an online LSTM on the reading-to-reading
 * changes, the last value, a daily profile), a weekly profile, online learning, and the scorer that turns
 * prediction errors and readings into an anomaly score. Pure Java on top of {@code dev.sensorwatch.lstm}; nothing from
 * Kafka or Avro.
 */
package dev.sensorwatch.detect;
