/**
 * The Kafka Streams side: the topology factory, processors, state stores, serdes, the JSON form of
 * the output records, the event-time timestamp extractor and error handlers. Detection logic
 * lives in {@code dev.sensorwatch.detect}.
 */
package dev.sensorwatch.stream;
