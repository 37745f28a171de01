package dev.sensorwatch.cli;

import dev.sensorwatch.kafka.KafkaSettingNames;
import dev.sensorwatch.kafka.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where option values come from, in increasing precedence: the built-in defaults, a config file
 * ({@code --config-file FILE} or {@code SENSORWATCH_CONFIG_FILE}; Java properties keyed by the
 * long option name without dashes, e.g. {@code bootstrap-server=host:9092}), the environment
 * ({@code SENSORWATCH_BOOTSTRAP_SERVER}), and the command line. Kafka client settings pass
 * through untouched under a {@code kafka.} prefix: {@code kafka.security.protocol=SASL_SSL} in
 * the file, {@code SENSORWATCH_KAFKA_SECURITY_PROTOCOL} in the environment, or
 * {@code --kafka.security.protocol=SASL_SSL} on the command line.
 */
final class Settings implements CommandLine.IDefaultValueProvider {

    static final String ENV_PREFIX = "SENSORWATCH_";
    static final String CONFIG_FILE_OPTION = "--config-file";
    static final String KAFKA_PREFIX = "kafka.";

    /**
     * The variables Kubernetes (service links) and Docker (links) define for a service named
     * sensorwatch…: {@code SENSORWATCH_SERVICE_HOST}, {@code SENSORWATCH_SERVICE_PORT_METRICS},
     * {@code SENSORWATCH_PORT_9464_TCP_ADDR}, …; and {@code SENSORWATCH_PORT} (or
     * {@code SENSORWATCH_X_PORT}) when its value is an address such as {@code tcp://10.0.0.7:9464}.
     */
    private static final Pattern SERVICE_LINK = Pattern.compile("SENSORWATCH_(?:[A-Z0-9_]+_)?(?:SERVICE_HOST"
            + "|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT_\\d+_(?:TCP|UDP|SCTP)(?:_PROTO|_PORT|_ADDR)?)");
    private static final Pattern SERVICE_LINK_PORT = Pattern.compile("SENSORWATCH_(?:[A-Z0-9_]+_)?PORT");
    private static final Pattern LINK_ADDRESS = Pattern.compile("(?:tcp|udp|sctp)://.*");

    private final Path file;
    private final Properties fileValues;
    private final Map<String, String> environment;

    private Settings(Path file, Properties fileValues, Map<String, String> environment) {
        this.file = file;
        this.fileValues = fileValues;
        this.environment = environment;
    }

    /**
     * Reads the config file named on the command line or in the environment, if any.
     *
     * @throws CommandLine.ParameterException-like {@link IllegalArgumentException} if it cannot be read
     */
    static Settings load(String[] args, Map<String, String> environment) {
        String name = environment.get(ENV_PREFIX + "CONFIG_FILE");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(CONFIG_FILE_OPTION) && i + 1 < args.length) {
                name = args[i + 1];
            } else if (args[i].startsWith(CONFIG_FILE_OPTION + "=")) {
                name = args[i].substring(CONFIG_FILE_OPTION.length() + 1);
            }
        }
        Properties values = new Properties();
        Path path = null;
        if (name != null && !name.isBlank()) {
            path = Path.of(name);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("config file " + path + " does not exist");
            }
            try (Reader reader = Files.newBufferedReader(path)) {
                values.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage(), e);
            }
        }
        return new Settings(path, values, environment);
    }

    /** Environment variable that sets the option {@code --name}. */
    static String environmentName(String optionName) {
        return ENV_PREFIX + optionName.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        String key = option.longestName().substring(2);
        String fromEnvironment = environment.get(environmentName(key));
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        return fileValues.getProperty(key);
    }

    /**
     * Fails if the config file has a key, or the environment a {@code SENSORWATCH_*} variable, that
     * no command knows, or a {@code kafka.*} setting Kafka does not know (see
     * {@link KafkaSettingNames}), so that a typo is not silently ignored; the message names the
     * nearest valid name. Variables shaped like the ones Kubernetes and Docker links define for a
     * service named {@code sensorwatch…} ({@code SENSORWATCH_SERVICE_HOST},
     * {@code SENSORWATCH_PORT_9464_TCP}, …) are left alone.
     *
     * @throws IllegalArgumentException naming every unknown key and variable
     */
    void checkKnownKeys(CommandSpec root) {
        Set<String> known = new TreeSet<>();
        collect(root, known);
        List<String> problems = new ArrayList<>();
        List<String> unknownKeys = new ArrayList<>();
        for (String key : new TreeSet<>(fileValues.stringPropertyNames())) {
            if (key.startsWith(KAFKA_PREFIX)) {
                String problem = kafkaKeyProblem(key.substring(KAFKA_PREFIX.length()), KAFKA_PREFIX, "");
                if (problem != null) {
                    problems.add("config file " + file + ": " + problem);
                }
            } else if (!known.contains(key)) {
                unknownKeys.add(key + Names.didYouMean(key, known));
            }
        }
        if (!unknownKeys.isEmpty()) {
            problems.add(0, "config file " + file + " has unknown key" + (unknownKeys.size() == 1 ? " " : "s ")
                    + String.join(", ", unknownKeys) + "; keys are long option names without dashes"
                    + " (bootstrap-server=...) and kafka.* client settings");
        }
        Set<String> knownVariables = new TreeSet<>();
        known.forEach(name -> knownVariables.add(environmentName(name)));
        String kafkaPrefix = ENV_PREFIX + "KAFKA_";
        for (String name : new TreeSet<>(environment.keySet())) {
            if (!name.startsWith(ENV_PREFIX) || knownVariables.contains(name)) {
                continue;
            }
            if (name.startsWith(kafkaPrefix)) {
                String key = kafkaKeyOfVariable(name.substring(kafkaPrefix.length()));
                String problem = key.isEmpty() ? "environment variable " + name + " names no Kafka setting"
                        : kafkaKeyProblem(key, kafkaPrefix, "env");
                if (problem != null) {
                    problems.add(problem);
                }
            } else if (!isServiceLink(name, environment.get(name))) {
                String nearest = Names.nearest(name.substring(ENV_PREFIX.length()),
                        knownVariables.stream().map(v -> v.substring(ENV_PREFIX.length())).toList());
                problems.add("unknown environment variable " + name
                        + (nearest == null ? "" : " (did you mean " + ENV_PREFIX + nearest + "?)")
                        + "; variables are SENSORWATCH_ plus an option name in upper snake case"
                        + " (SENSORWATCH_BOOTSTRAP_SERVER) or SENSORWATCH_KAFKA_ plus a Kafka client setting");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    private static void collect(CommandSpec spec, Set<String> known) {
        for (OptionSpec option : spec.options()) {
            if (option.longestName().startsWith("--")) {
                known.add(option.longestName().substring(2));
            }
        }
        spec.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), known));
    }

    /**
     * The Kafka setting an environment variable names, given the part after
     * {@code SENSORWATCH_KAFKA_}: lower case with dots for underscores, unless that is no known
     * setting but a known one has underscores of its own
     * ({@code RACK_AWARE_ASSIGNMENT_TRAFFIC_COST}: {@code rack.aware.assignment.traffic_cost}).
     */
    static String kafkaKeyOfVariable(String suffix) {
        String key = suffix.toLowerCase(Locale.ROOT).replace('_', '.');
        if (key.isEmpty() || KafkaSettingNames.isKnown(key)) {
            return key;
        }
        for (String name : KafkaSettingNames.all()) {
            if (name.indexOf('_') >= 0 && name.toUpperCase(Locale.ROOT).replace('.', '_').equals(suffix)) {
                return name;
            }
        }
        return key;
    }

    private static boolean isServiceLink(String name, String value) {
        return SERVICE_LINK.matcher(name).matches() || SERVICE_LINK_PORT.matcher(name).matches()
                && value != null && LINK_ADDRESS.matcher(value).matches();
    }

    /**
     * What is wrong with the Kafka setting {@code key} given with {@code prefix}, or {@code null} if
     * nothing is; {@code form} is "env" for an environment variable (then suggestions are variable
     * names), else the suggestion is {@code prefix + key}.
     */
    static String kafkaKeyProblem(String key, String prefix, String form) {
        String option = KafkaSettingNames.optionFor(key);
        if (option != null) {
            return key + " is set by " + option + " (" + environmentName(option) + ", "
                    + option.substring(2) + "= in the config file); give it there";
        }
        if (KafkaSettingNames.isKnown(key)) {
            return null;
        }
        String nearest = Names.nearest(key, KafkaSettingNames.all());
        String shown = form.equals("env") ? prefix + key.toUpperCase(Locale.ROOT).replace('.', '_') : prefix + key;
        String suggestion = nearest == null ? ""
                : form.equals("env") ? " (did you mean " + prefix + nearest.toUpperCase(Locale.ROOT).replace('.', '_') + "?)"
                : " (did you mean " + prefix + nearest + "?)";
        return "unknown Kafka client setting " + shown + suggestion
                + "; see Kafka's producer, consumer, admin client and Streams configuration";
    }

    /** {@link #kafkaSettings(Iterable, Collection)} without option names to suggest. */
    Map<String, String> kafkaSettings(Iterable<String> commandLine) {
        return kafkaSettings(commandLine, List.of());
    }

    /**
     * The Kafka client settings from the file, the environment and then {@code commandLine}
     * ({@code --kafka.KEY=VALUE} arguments), later sources winning; keys without the prefix.
     *
     * @throws IllegalArgumentException for an argument that is neither a known option nor
     *                                  {@code --kafka.KEY=VALUE} (naming the nearest of
     *                                  {@code optionNames}), or a setting Kafka does not know
     */
    Map<String, String> kafkaSettings(Iterable<String> commandLine, Collection<String> optionNames) {
        Map<String, String> settings = new TreeMap<>();
        for (String key : fileValues.stringPropertyNames()) {
            if (key.startsWith(KAFKA_PREFIX)) {
                settings.put(key.substring(KAFKA_PREFIX.length()), fileValues.getProperty(key));
            }
        }
        String envPrefix = ENV_PREFIX + "KAFKA_";
        environment.forEach((key, value) -> {
            if (key.startsWith(envPrefix) && key.length() > envPrefix.length()) {
                settings.put(kafkaKeyOfVariable(key.substring(envPrefix.length())), value);
            }
        });
        for (String arg : commandLine) {
            String prefix = "--" + KAFKA_PREFIX;
            int equals = arg.indexOf('=');
            if (!arg.startsWith(prefix) || equals <= prefix.length()) {
                // an option's value is not repeated: it may be a secret given under a misspelt name
                String shown = arg.startsWith("-") && equals > 0 ? arg.substring(0, equals) + "=..." : arg;
                String name = equals > 0 ? arg.substring(0, equals) : arg;
                String suggestion = arg.startsWith("--") ? Names.didYouMean(name, optionNames) : "";
                throw new IllegalArgumentException("unknown option or argument '" + shown + "'" + suggestion
                        + "; Kafka client settings are given as --kafka.KEY=VALUE (see --help)");
            }
            String key = arg.substring(prefix.length(), equals);
            String problem = kafkaKeyProblem(key, prefix, "");
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            settings.put(key, arg.substring(equals + 1));
        }
        return settings;
    }

    /** {@code settings} with the values of secret-looking keys masked, for logs. */
    static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> copy = new TreeMap<>();
        settings.forEach((key, value) -> copy.put(key, Secrets.isSecret(key) ? Secrets.HIDDEN : value));
        return copy;
    }
}
