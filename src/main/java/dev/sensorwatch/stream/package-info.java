/**
 * The Kafka Streams side: the topology factory, processors, state stores, serdes, the JSON form of
 * the output records, the event-time timestamp extractor and error handlers, the runner with
 * explicit start-up and shut-down ({@link dev.sensorwatch.stream.StreamsRunner}), the wait for a
 * backfill to catch up ({@link dev.sensorwatch.stream.CatchUp}), and the
 * {@link dev.sensorwatch.stream.Replayer} that publishes series files as readings. Detection logic
 * lives in {@code dev.sensorwatch.detect}; options and printing on the command line.
 */
package dev.sensorwatch.stream;
