/**
 * The LSTM arithmetic: shapes, immutable weights and their versioned binary form, the mutable
 * per-sensor state, the forward step, backpropagation through time, Adam and the trainer.
 *
 * <p>All parameters of a cell live in one flat {@code double[]} whose layout is described by
 * {@link dev.sensorwatch.lstm.LstmShape}; gradients and optimiser moments use the same layout.
 * Matrix-vector work runs on ojAlgo's array kernels ({@code AXPY}, {@code DOT}) over the
 * column-major gate matrix.
 *
 * <p>What must not live here: anything from Kafka or Avro, I/O, logging, or per-sensor
 * bookkeeping (that is {@code dev.sensorwatch.detect}). Weights are immutable and shareable;
 * every mutable workspace ({@link dev.sensorwatch.lstm.LstmCell.Workspace},
 * {@link dev.sensorwatch.lstm.Bptt}) belongs to one thread and is allocated once.
 */
package dev.sensorwatch.lstm;
