/**
 * The embedded single-node KRaft broker and admin helpers (topics, consumer lag).
 */
package dev.sensorwatch.kafka;
