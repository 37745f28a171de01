package dev.sensorwatch.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in {@code ops/prometheus}: every alert has a unit test, and, where Prometheus'
 * {@code promtool} is installed (Debian: {@code apt-get install prometheus}), the rules check and
 * their unit tests pass.
 */
class AlertRulesTest {

    static final Path RULES = Path.of("ops/prometheus/alerts.yml");
    static final Path TESTS = Path.of("ops/prometheus/alerts.test.yml");

    @Test
    void everyAlertHasAUnitTestThatExpectsItToFire() throws Exception {
        Set<String> alerts = names(Pattern.compile("(?m)^\\s+- alert: (\\w+)"), Files.readString(RULES));
        Set<String> firing = names(Pattern.compile("(?m)alertname: (\\w+)\\s+exp_alerts:\\s+- exp_labels"),
                Files.readString(TESTS));
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(8);
        assertThat(firing).as("alerts a unit test expects to fire").containsAll(alerts);
    }

    @Test
    void promtoolPassesTheRulesAndTheirUnitTests() throws Exception {
        Path promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(promtool != null, "promtool is not installed; the alert rules were not run");
        assertThat(run(promtool, "check", "rules", RULES.getFileName().toString())).contains("SUCCESS");
        assertThat(run(promtool, "test", "rules", TESTS.getFileName().toString())).contains("SUCCESS")
                .doesNotContain("FAILED");
    }

    private static String run(Path promtool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(RULES.getParent().toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
        return output;
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
