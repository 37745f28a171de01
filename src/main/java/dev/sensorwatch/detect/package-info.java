/**
 * One sensor's detector. Without a training period: an ensemble of predictors (an online LSTM on
 * the reading-to-reading changes, the last value, a daily profile), a weekly profile, online
 * learning, and the scorer that turns prediction errors and readings into an anomaly score
 * ({@link dev.sensorwatch.detect.SensorDetector}, {@link dev.sensorwatch.detect.AnomalyScorer}).
 * With one ({@link dev.sensorwatch.detect.TrainingPeriod}): a model trained and calibrated on the
 * sensor's history ({@link dev.sensorwatch.detect.TrainedModel}, {@link dev.sensorwatch.detect.TailLevel})
 * that judges later readings over all channels jointly. Pure Java on top of
 * {@code dev.sensorwatch.lstm} and ojAlgo; nothing from Kafka or Avro.
 */
package dev.sensorwatch.detect;
