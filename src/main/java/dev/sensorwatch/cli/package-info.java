/**
 * The picocli commands. Each command is thin: it parses and checks its options, then wires the
 * parts from {@code stream}, {@code detect}, {@code kafka} and {@code io}. No arithmetic and no
 * topology code lives here.
 */
package dev.sensorwatch.cli;
