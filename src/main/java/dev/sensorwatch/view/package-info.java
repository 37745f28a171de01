/**
 * What an operator sees of a running instance besides its topics: the fleet view (its pages,
 * JSON API and the interactive queries behind them, routed to the instance that holds a sensor)
 * and the process metrics {@code run} exports. It reads the stores the topology writes
 * ({@link dev.sensorwatch.stream.FleetViewStores}) and never writes to them; detection lives in
 * {@code dev.sensorwatch.detect}, the topology in {@code dev.sensorwatch.stream}.
 */
package dev.sensorwatch.view;
