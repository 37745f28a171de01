package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code docs/cli-reference.md} is every command's {@code --help}, generated from the commands
 * themselves, so the reference cannot drift from the code. After changing an option, regenerate it:
 * {@code ./mvnw -q test -Dtest=CliReferenceTest -Dcli.reference.write=true}.
 */
class CliReferenceTest {

    static final Path REFERENCE = Path.of("docs/cli-reference.md");

    @Test
    void theCliReferenceIsEveryCommandsHelp() throws Exception {
        String generated = reference();
        if (Boolean.getBoolean("cli.reference.write")) {
            Files.writeString(REFERENCE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("%s is out of date; regenerate it with"
                        + " ./mvnw -q test -Dtest=CliReferenceTest -Dcli.reference.write=true", REFERENCE)
                .isEqualTo(generated);
    }

    /** The reference: the top command's help, then each command's (and subcommand's), in order. */
    static String reference() {
        StringBuilder doc = new StringBuilder("""
                # CLI reference

                Every command's `--help`, generated from the commands themselves (`CliReferenceTest`
                checks that this file matches them). [cli.md](cli.md) explains the common tasks; the
                defaults below hold unless a config file or `SENSORWATCH_*` variable sets them.
                """);
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of());
        collect(new CommandLine(new Main()), new ArrayList<>(), commands);
        for (List<String> path : commands) {
            doc.append("\n## sensorwatch").append(path.isEmpty() ? "" : " " + String.join(" ", path)).append("\n\n```\n");
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            StringWriter out = new StringWriter();
            int code = Main.execute(args.toArray(String[]::new), Map.of(), new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true));
            assertThat(code).as("%s --help", path).isZero();
            doc.append(out.toString().stripTrailing()).append("\n```\n");
        }
        return doc.toString();
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        command.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand
                    || !sub.getCommandName().equals(name)) { // skip help and aliases
                return;
            }
            List<String> here = new ArrayList<>(path);
            here.add(name);
            into.add(here);
            collect(sub, here, into);
        });
    }
}
