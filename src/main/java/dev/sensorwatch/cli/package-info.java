/**
 * The picocli commands and what they share: option mixins and converters, the settings from
 * config files and the environment, and the printing of results. Each command is thin: it parses
 * and checks its options, calls services from {@code batch}, {@code nab}, {@code stream},
 * {@code detect}, {@code kafka} and {@code io}, and prints what they return. Helpers two commands
 * need have one home here ({@code Converters}, {@code Durations},
 * {@code LocalFiles}, {@code ScoreFiles},
 * {@code EvaluationTables}) rather than in one of the commands.
 *
 * <p>What must not live here: algorithms (scoring loops, evaluation, waiting on lag), arithmetic,
 * topology code, and commands that call other commands through argument strings.
 */
package dev.sensorwatch.cli;
