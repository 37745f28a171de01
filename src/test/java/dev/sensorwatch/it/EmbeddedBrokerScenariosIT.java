package dev.sensorwatch.it;

import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The integration scenarios on the embedded single-node KRaft broker; runs everywhere. */
class EmbeddedBrokerScenariosIT extends BrokerScenarios {

    @TempDir
    static Path brokerDir;
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String bootstrapServers() {
        return broker.bootstrapServers();
    }
}
