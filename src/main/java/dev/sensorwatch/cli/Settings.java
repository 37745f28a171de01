package dev.sensorwatch.cli;

import dev.sensorwatch.kafka.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
     * Fails if the config file has a key no command knows, so that a typo is not silently
     * ignored.
     */
    void checkKnownKeys(CommandSpec root) {
        Set<String> known = new TreeSet<>();
        collect(root, known);
        Set<String> unknown = new TreeSet<>();
        for (String key : fileValues.stringPropertyNames()) {
            if (!key.startsWith(KAFKA_PREFIX) && !known.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("config file " + file + " has unknown keys " + unknown
                    + "; known keys are " + known + " and kafka.* client settings");
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
     * The Kafka client settings from the file, the environment and then {@code commandLine}
     * ({@code --kafka.KEY=VALUE} arguments), later sources winning; keys without the prefix.
     *
     * @throws IllegalArgumentException for an argument that is neither a known option nor
     *                                  {@code --kafka.KEY=VALUE}
     */
    Map<String, String> kafkaSettings(Iterable<String> commandLine) {
        Map<String, String> settings = new TreeMap<>();
        for (String key : fileValues.stringPropertyNames()) {
            if (key.startsWith(KAFKA_PREFIX)) {
                settings.put(key.substring(KAFKA_PREFIX.length()), fileValues.getProperty(key));
            }
        }
        String envPrefix = ENV_PREFIX + "KAFKA_";
        environment.forEach((key, value) -> {
            if (key.startsWith(envPrefix) && key.length() > envPrefix.length()) {
                settings.put(key.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        for (String arg : commandLine) {
            String prefix = "--" + KAFKA_PREFIX;
            int equals = arg.indexOf('=');
            if (!arg.startsWith(prefix) || equals <= prefix.length()) {
                // an option's value is not repeated: it may be a secret given under a misspelt name
                String shown = arg.startsWith("-") && equals > 0 ? arg.substring(0, equals) + "=..." : arg;
                throw new IllegalArgumentException("unknown option or argument '" + shown
                        + "'; Kafka client settings are given as --kafka.KEY=VALUE (see --help)");
            }
            settings.put(arg.substring(prefix.length(), equals), arg.substring(equals + 1));
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
