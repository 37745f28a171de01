package dev.sensorwatch.it;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The integration scenarios on Apache Kafka's own container image through Testcontainers, as a
 * user's test suite would run them. Skipped, and reported as skipped, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerBrokerScenariosIT extends BrokerScenarios {

    /** Kafka's official image; KRaft single node as Testcontainers configures it. */
    static final String IMAGE = "apache/kafka:4.1.0";

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(IMAGE);

    @Override
    String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
