package dev.sensorwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

/** Which Kafka log lines {@link BenignKafkaLogFilter} drops: the benign ones as Kafka writes them, and nothing else. */
class BenignKafkaLogFilterTest {

    static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    static final String NETWORK = "org.apache.kafka.clients.NetworkClient";

    static boolean benign(String logger, String message) {
        return BenignKafkaLogFilter.isBenign(logger, message, null, null);
    }

    @Test
    void transactionRetriesAreDroppedOtherProduceErrorsAreNot() {
        String retry = "[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1] Got error produce"
                + " response with correlation id 14 on topic-partition anomaly-scores-1, retrying (2147483646 attempts"
                + " left). Error: ";
        assertThat(benign(SENDER, retry + "CONCURRENT_TRANSACTIONS")).isTrue();
        assertThat(benign(SENDER, retry + "OUT_OF_ORDER_SEQUENCE_NUMBER")).isTrue();
        assertThat(benign(SENDER, retry + "NOT_ENOUGH_REPLICAS")).isFalse();
        assertThat(benign(SENDER, "[Producer clientId=p] Some other warning")).isFalse();
    }

    @Test
    void theBrokersOutOfOrderSequenceErrorIsDroppedOtherAppendErrorsAreNot() {
        String logger = "kafka.server.ReplicaManager";
        String message = "[ReplicaManager broker=1] Error processing append operation on partition abc:anomaly-scores-1";
        assertThat(BenignKafkaLogFilter.isBenign(logger, message, null,
                new OutOfOrderSequenceException("Out of order sequence number for producer 7"))).isTrue();
        assertThat(BenignKafkaLogFilter.isBenign(logger, message, null, new IllegalStateException("disk"))).isFalse();
    }

    @Test
    void missingInternalTopicsAreDroppedAMissingInputTopicIsNot() {
        String prefix = "[Consumer clientId=app-StreamThread-1-consumer, groupId=app] The metadata response from the"
                + " cluster reported a recoverable issue with correlation id 2 : ";
        assertThat(benign(NETWORK, prefix + "{app-readings-by-sensor-repartition=UNKNOWN_TOPIC_OR_PARTITION}")).isTrue();
        assertThat(benign(NETWORK, prefix + "{app-store-changelog=LEADER_NOT_AVAILABLE,"
                + " app-x-repartition=UNKNOWN_TOPIC_OR_PARTITION}")).isTrue();
        assertThat(benign(NETWORK, prefix + "{sensor-readings=UNKNOWN_TOPIC_OR_PARTITION}")).isFalse();
        assertThat(benign(NETWORK, prefix + "{app-x-repartition=TOPIC_AUTHORIZATION_FAILED}")).isFalse();
        assertThat(benign(NETWORK, "[Consumer clientId=c] Connection to node 1 (/10.0.0.1:9092) could not be"
                + " established. Node may not be available.")).isFalse();
    }

    @Test
    void theStartUpChecksConnectionWarningsAreDroppedOtherClientsAreNot() {
        assertThat(benign(NETWORK, "[AdminClient clientId=" + BenignKafkaLogFilter.CLUSTER_CHECK_CLIENT + "] Connection"
                + " to node -1 (/127.0.0.1:9093) could not be established. Node may not be available.")).isTrue();
        assertThat(benign(NETWORK, "[AdminClient clientId=app-admin] Connection to node -1 (/127.0.0.1:9093) could"
                + " not be established. Node may not be available.")).isFalse();
    }

    @Test
    void theTemporaryStateDirectoryWarningIsDroppedOnlyForTheDemo() {
        String logger = "org.apache.kafka.streams.processor.internals.StateDirectory";
        String format = "Using an OS temp directory in the state.dir property can cause failures with writing the"
                + " checkpoint file due to the fact that this directory can be cleared by the OS. Resolved state.dir: [{}]";
        assertThat(BenignKafkaLogFilter.isBenign(logger, format,
                new Object[] {"/tmp/" + BenignKafkaLogFilter.DEMO_DIRECTORY_PREFIX + "123/state"}, null)).isTrue();
        assertThat(BenignKafkaLogFilter.isBenign(logger, format, new Object[] {"/tmp/my-state"}, null)).isFalse();
    }
}
