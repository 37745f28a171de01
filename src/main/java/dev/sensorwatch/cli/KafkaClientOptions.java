package dev.sensorwatch.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.UnmatchedArgsBinding;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command that talks to Kafka shares: the cluster address and any Kafka
 * client setting ({@code --kafka.KEY=VALUE}, e.g. {@code --kafka.security.protocol=SASL_SSL}).
 */
@Command(footer = {"", "Kafka client settings: --kafka.KEY=VALUE, e.g. --kafka.security.protocol=SASL_SSL; also",
    "kafka.KEY=VALUE in the config file or SENSORWATCH_KAFKA_KEY in the environment (dots as underscores)."})
final class KafkaClientOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Kafka cluster to connect to (env SENSORWATCH_BOOTSTRAP_SERVER).")
    String bootstrapServer;

    /** The arguments no option of the command matched: the {@code --kafka.KEY=VALUE} settings, checked later. */
    List<String> kafkaArguments = new ArrayList<>();

    /**
     * Lets the command that mixes these options in accept the arguments it does not know and
     * collects them here. (Picocli ignores {@code @Unmatched} fields of mixins, so this binds them
     * explicitly; without it every {@code --kafka.KEY=VALUE} argument is rejected as unknown.)
     */
    @Spec(Spec.Target.MIXEE)
    void collectUnmatchedOf(CommandSpec command) {
        command.addUnmatchedArgsBinding(UnmatchedArgsBinding.forStringArrayConsumer(new ISetter() {
            @Override
            public <T> T set(T value) {
                kafkaArguments = value == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList((String[]) value));
                return null;
            }
        }));
    }

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
