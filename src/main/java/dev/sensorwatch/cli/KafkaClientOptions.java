package dev.sensorwatch.cli;

import dev.sensorwatch.kafka.ClusterCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
@Command(footer = {"", "Kafka client settings: --kafka.KEY=VALUE (e.g. --kafka.security.protocol=SSL);",
    "kafka.KEY=VALUE in the config file; SENSORWATCH_KAFKA_KEY in the environment",
    "(dots as underscores). A setting Kafka does not know is an error."})
final class KafkaClientOptions {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientOptions.class);

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Kafka cluster to connect to (env SENSORWATCH_BOOTSTRAP_SERVER).")
    String bootstrapServer;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Converters.DurationConverter.class,
            description = "How long the cluster may take to answer the start-up check of address, security protocol"
                    + " and credentials (e.g. 10s, 1m). Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    /** The arguments no option of the command matched: the {@code --kafka.KEY=VALUE} settings, checked later. */
    List<String> kafkaArguments = new ArrayList<>();

    /** The command these options are mixed into, for the names of its options. */
    private CommandSpec command;

    /**
     * Lets the command that mixes these options in accept the arguments it does not know and
     * collects them here. (Picocli ignores {@code @Unmatched} fields of mixins, so this binds them
     * explicitly; without it every {@code --kafka.KEY=VALUE} argument is rejected as unknown.)
     */
    @Spec(Spec.Target.MIXEE)
    void collectUnmatchedOf(CommandSpec command) {
        this.command = command;
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
        List<String> optionNames = new ArrayList<>();
        if (command != null) {
            command.options().forEach(option -> optionNames.add(option.longestName()));
        }
        return settings.kafkaSettings(kafkaArguments, optionNames);
    }

    /**
     * The {@code --bootstrap-server} of a command that needs one, once the {@code kafka.*} settings
     * are found valid (so that a misspelt option is named rather than reported as missing).
     *
     * @throws IllegalArgumentException if it is not given, or a setting is invalid
     */
    String requiredBootstrap(Settings settings) {
        settings(settings);
        if (bootstrapServer == null || bootstrapServer.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-server is required (or SENSORWATCH_BOOTSTRAP_SERVER, or"
                    + " bootstrap-server= in the config file)");
        }
        return bootstrapServer;
    }

    /**
     * Client properties for {@code bootstrap} with every {@code kafka.*} setting on top, once the
     * cluster has answered a client with exactly these properties (see {@link ClusterCheck}).
     *
     * @throws IllegalStateException if the cluster cannot be reached or refuses the credentials
     */
    Properties connect(Settings settings, String bootstrap) {
        Properties props = clientProperties(settings, bootstrap);
        Collection<Node> nodes = ClusterCheck.verify(props, connectTimeout);
        LOG.info("Connected to the Kafka cluster at {} ({} node(s), security.protocol={})", bootstrap, nodes.size(),
                props.getProperty("security.protocol", "PLAINTEXT"));
        return props;
    }

    /** Client properties for {@code bootstrap} with every {@code kafka.*} setting on top. */
    Properties clientProperties(Settings settings, String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.putAll(settings(settings));
        return props;
    }
}
