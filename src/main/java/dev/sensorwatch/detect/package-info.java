/**
 * One sensor's detector ({@link dev.sensorwatch.detect.SensorDetector}), in named parts:
 *
 * <ul>
 *   <li>predictors: one small interface, {@link dev.sensorwatch.detect.Predictor}, implemented by
 *       the online members (the LSTM on the reading-to-reading changes, the last value, the daily
 *       profile), chosen per reading by the {@link dev.sensorwatch.detect.Ensemble}; a new
 *       predictor implements it and gets a {@link dev.sensorwatch.detect.Member};
 *   <li>scoring: the online scorer's signals ({@link dev.sensorwatch.detect.AnomalyScorer},
 *       {@link dev.sensorwatch.detect.Signal}) and the weekly profile beside them;
 *   <li>the event rule ({@link dev.sensorwatch.detect.EventRule}): one alarm per disturbance, and
 *       the events of a scored series read back from its rows ({@link dev.sensorwatch.detect.Events});
 *   <li>learning from history ({@link dev.sensorwatch.detect.TrainingPeriod}): a model trained
 *       and calibrated on the sensor's training period ({@link dev.sensorwatch.detect.TrainedModel},
 *       {@link dev.sensorwatch.detect.TailLevel}) that judges later readings over all channels
 *       jointly ({@link dev.sensorwatch.detect.HistoryDetector});
 *   <li>what is stored ({@link dev.sensorwatch.detect.DetectorState}), as plain values;
 *   <li>why the detector cannot score a reading ({@link dev.sensorwatch.detect.Rejection}: a value
 *       it cannot use, another channel count, an event time not after the last).
 * </ul>
 *
 * <p>Pure Java on top of {@code dev.sensorwatch.lstm} and ojAlgo; nothing from Kafka or Avro, and
 * nothing about records: what a record that cannot be decoded, has no key or carries a far-future
 * event time is, is the stream layer's vocabulary ({@code dev.sensorwatch.stream.DeadLetterReason}).
 */
package dev.sensorwatch.detect;
