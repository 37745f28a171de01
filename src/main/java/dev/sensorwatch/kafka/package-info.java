/**
 * The embedded single-node KRaft broker (optionally with a SASL listener) and admin helpers: topics,
 * consumer lag, the start-up check of address and credentials, the redaction of secret settings, the
 * names of the settings Kafka's clients understand, and the log filter that drops the Kafka warnings
 * of conditions Kafka handles itself.
 */
package dev.sensorwatch.kafka;
