/**
 * Kafka administration: the embedded single-node KRaft broker of {@code broker}, {@code demo} and
 * {@code run --embedded-broker} (with a general hook for further listeners, {@code
 * EmbeddedKafkaBroker.Listener}), creating topics ({@code Topics}, the one way, for a cluster and the
 * embedded broker alike), waiting for a condition on a cluster ({@code Poll}, the one poll loop),
 * consumer lag, the start-up check of address and credentials, the redaction of secret settings, the
 * names of the settings Kafka's clients understand, and the log filter that drops the Kafka warnings
 * of conditions Kafka handles itself.
 *
 * <p>Nothing here knows readings, scores or detectors. Test-only broker set-ups (users, SCRAM
 * credentials, certificates: {@code SecuredEmbeddedBroker}) live in the test sources, not here.
 */
package dev.sensorwatch.kafka;
