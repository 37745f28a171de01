/**
 * The embedded single-node KRaft broker (optionally with a SASL listener) and admin helpers: topics,
 * consumer lag, the start-up check of address and credentials, and the redaction of secret settings.
 */
package dev.sensorwatch.kafka;
