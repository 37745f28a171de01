package dev.sensorwatch.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sensorwatch} command line: {@code java -jar target/sensorwatch.jar COMMAND}. */
@Command(name = "sensorwatch",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Streaming LSTM anomaly detector for sensor fleets on Apache Kafka.",
        subcommands = {RunCommand.class, BrokerCommand.class, ReplayCommand.class, DumpCommand.class,
            ScoreCommand.class, DemoCommand.class, EvaluateCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Every option can also be set in a config file (--config-file FILE, keys are the long option"
            + " names without dashes) or in the environment (SENSORWATCH_OPTION_NAME): the command line wins, then the"
            + " environment, then the file. An unknown key or SENSORWATCH_ variable is an error."})
public final class Main implements Runnable {

    @CommandLine.Option(names = Settings.CONFIG_FILE_OPTION, paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Java properties file with option values (env SENSORWATCH_CONFIG_FILE).")
    String configFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Settings settings;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        int code = execute(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /**
     * Runs {@code args} with {@code environment} as the process environment.
     *
     * @return the exit code: 0 success, 1 failure at run time, 2 invalid usage or configuration
     */
    public static int execute(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        // The subcommands' -V/--version would print nothing without the provider of the top command.
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        commandLine.setOut(out);
        commandLine.setErr(err);
        try {
            main.settings = Settings.load(args, environment);
            main.settings.checkKnownKeys(commandLine.getCommandSpec());
        } catch (IllegalArgumentException e) {
            err.println("sensorwatch: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        commandLine.setDefaultValueProvider(main.settings);
        CommandLine.IParameterExceptionHandler parseErrors = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine cmd = exception.getCommandLine();
            boolean missing = exception instanceof CommandLine.MissingParameterException;
            if (exception instanceof CommandLine.UnmatchedArgumentException || missing && !cmd.getUnmatchedArguments().isEmpty()) {
                // picocli reports a missing required option before an unknown one (remkop/picocli#2496),
                // though the unknown one is often the required one misspelt: report both
                reportUnknown(cmd, cmd.getUnmatchedArguments());
                if (missing) {
                    cmd.getErr().println(cmd.getColorScheme().errorText(exception.getMessage()));
                }
                cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
                return CommandLine.ExitCode.USAGE;
            }
            return parseErrors.handleParseException(exception, arguments);
        });
        commandLine.setExecutionExceptionHandler((exception, cmd, parsed) -> {
            if (exception instanceof IllegalArgumentException || exception instanceof UsageException) {
                String name = cmd.getCommandSpec().qualifiedName(); // "sensorwatch bench smap", say
                cmd.getErr().println(cmd.getColorScheme().errorText(name + ": " + exception.getMessage()));
                cmd.getErr().println("Try '" + name + " --help'.");
                return CommandLine.ExitCode.USAGE;
            }
            cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName()
                    + " failed: " + exception.getMessage()));
            LoggerFactory.getLogger(Main.class).debug("failure", exception);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return commandLine.execute(args);
    }

    /**
     * Names the arguments no option matched, without the value of an {@code --option=value} (it
     * may be a secret under a misspelt name), and the nearest option or command to each.
     */
    private static void reportUnknown(CommandLine cmd, List<String> unmatched) {
        List<String> names = new ArrayList<>();
        cmd.getCommandSpec().options().forEach(option -> names.addAll(List.of(option.names())));
        names.addAll(cmd.getSubcommands().keySet());
        List<String> shown = new ArrayList<>();
        List<String> hints = new ArrayList<>();
        for (String arg : unmatched) {
            int equals = arg.indexOf('=');
            String name = arg.startsWith("-") && equals > 0 ? arg.substring(0, equals) : arg;
            shown.add("'" + (name.equals(arg) ? arg : name + "=...") + "'");
            String nearest = arg.startsWith("-") || unmatched.size() == 1 ? Names.nearest(name, names) : null;
            if (nearest != null) {
                hints.add(nearest + " for " + name);
            }
        }
        if (hints.size() == 1) {
            hints.set(0, hints.get(0).substring(0, hints.get(0).indexOf(" for ")));
        }
        String what = unmatched.stream().anyMatch(a -> a.startsWith("-")) ? "option" : "argument";
        cmd.getErr().println(cmd.getColorScheme().errorText("Unknown " + what + (unmatched.size() == 1 ? "" : "s")
                + ": " + String.join(", ", shown)));
        if (!hints.isEmpty()) {
            cmd.getErr().println("Did you mean " + String.join(", ", hints) + "?");
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A problem with what the user asked for, reported as usage error (exit code 2). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Prints the version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sensorwatch " + (version == null ? "development build" : version)};
        }
    }
}
