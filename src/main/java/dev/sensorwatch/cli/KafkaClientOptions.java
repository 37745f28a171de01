package dev.sensorwatch.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The options every command that talks to Kafka shares: the cluster address and any Kafka
 * client setting ({@code --kafka.KEY=VALUE}, e.g. {@code --kafka.security.protocol=SASL_SSL}).
 */
final class KafkaClientOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Kafka cluster to connect to (env SENSORWATCH_BOOTSTRAP_SERVER).")
    String bootstrapServer;

    @Unmatched
    List<String> kafkaArguments = new ArrayList<>();

    /** The client settings from every source; see {@link Settings#kafkaSettings}. */
    Map<String, String> settings(Settings settings) {
        return settings.kafkaSettings(kafkaArguments);
    }

    /** Client properties for {@code bootstrap} with every {@code kafka.*} setting on top. */
    Properties clientProperties(Settings settings, String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.putAll(settings(settings));
        return props;
    }
}
