/**
 * The Kafka Streams side: the topology factory, processors, state stores, serdes, the JSON form of
 * the output records, the event-time timestamp extractor and error handlers, the dead letters and
 * their reasons ({@link dev.sensorwatch.stream.DeadLetterReason}: the stream's own, such as a
 * record that cannot be decoded, and the detector's rejections wrapped), the metrics, the fleet
 * view's stores ({@link dev.sensorwatch.stream.FleetViewStores}), the runner with explicit
 * start-up and shut-down ({@link dev.sensorwatch.stream.StreamsRunner}), the wait for a backfill to
 * catch up ({@link dev.sensorwatch.stream.CatchUp}), and the {@link dev.sensorwatch.stream.Replayer}
 * that publishes series files as readings.
 *
 * <p>Detection logic lives in {@code dev.sensorwatch.detect} and must not move here: this package
 * decodes, routes, stores and forwards, and asks the detector whether and how a reading scores.
 * Starting brokers and creating topics is {@code dev.sensorwatch.kafka}'s; options and printing
 * are the command line's.
 */
package dev.sensorwatch.stream;
