package dev.sensorwatch.cli;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.stream.OutputFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class MainTest {

    @TempDir
    Path dir;

    /** What one {@link Main#execute} call returned and printed. */
    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Run execute(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = Main.execute(args, environment, o, e);
        }
        return new Run(code, out.toString(), err.toString());
    }

    static Run execute(String... args) {
        return execute(Map.of(), args);
    }

    Path smallCsv() throws IOException {
        StringBuilder text = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 20; i++) {
            text.append(String.format("2014-04-01 00:%02d:00,%d.5%n", i, i % 7));
        }
        Path file = dir.resolve("small.csv");
        Files.writeString(file, text);
        return file;
    }

    Path configFile(String content) throws IOException {
        Path file = dir.resolve("sensorwatch.properties");
        Files.writeString(file, content);
        return file;
    }

    // ---------------------------------------------------------------- help and version

    @Test
    void topLevelHelpListsEveryCommandAndTheConfigFile() {
        Run run = execute("--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Usage: sensorwatch", "--config-file", "--version",
                "run", "broker", "replay", "dump", "score", "demo", "SENSORWATCH_");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void withoutCommandPrintsUsageAndSucceeds() {
        Run run = execute();
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Usage: sensorwatch", "score");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run    | --bootstrap-server,--input-topic,--output-topic,--anomalies-topic,--dead-letter-topic,--threshold,--max-future-skew,--output-format,--application-id,--state-dir,--metrics-port,--[no-]create-topics,--reset,--config-file,--kafka.KEY=VALUE",
        "broker | --port,--dir,--config-file",
        "replay | --bootstrap-server,--input,--topic,--speed,--format,--delimiter,--zone,--config-file,--kafka.KEY=VALUE",
        "dump   | --bootstrap-server,--topic,--format,--idle-timeout,--output,--config-file,--kafka.KEY=VALUE",
        "score  | --input,--output,--threshold,--threads,--format,--channels,--timestamp-column,--config-file",
        "demo   | --input,--labels,--threshold,--speed,--timeout,--quiet,--output-format,--config-file",
    })
    void commandHelpExitsZeroAndNamesTheKeyOptions(String command, String options) {
        Run run = execute(command, "--help");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("Usage: sensorwatch " + command).contains(options.split(","));
        assertThat(run.err()).isEmpty();

        Run viaHelp = execute("help", command);
        assertThat(viaHelp.code()).isZero();
        assertThat(viaHelp.out()).isEqualTo(run.out());
    }

    /**
     * Each command's description is one paragraph that picocli wraps: a description given as
     * several lines is printed line by line and then wrapped again, which leaves lines that stop
     * mid-sentence.
     */
    @Test
    void everyCommandDescriptionIsOneParagraph() {
        List<CommandLine> all = new ArrayList<>(List.of(new CommandLine(new Main())));
        for (int i = 0; i < all.size(); i++) {
            CommandLine command = all.get(i);
            all.addAll(command.getSubcommands().values().stream().filter(c -> c != command).toList());
            if (command.getCommandName().equals("help")) {
                continue;
            }
            assertThat(command.getCommandSpec().usageMessage().description())
                    .as(command.getCommandSpec().qualifiedName()).hasSizeLessThanOrEqualTo(1);
        }
        assertThat(all).hasSizeGreaterThan(10);
    }

    @Test
    void helpShowsDefaultsFromTheEnvironmentAndTheConfigFile() throws IOException {
        Path file = configFile("threshold=0.97\napplication-id=from-file\n");
        Run run = execute(Map.of("SENSORWATCH_APPLICATION_ID", "from-env"), "run", "--config-file", file.toString(), "--help");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("Default: 0.97", "Default: from-env").doesNotContain("from-file");
    }

    @Test
    void versionPrintsTheName() {
        Run run = execute("--version");
        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("sensorwatch ");
        for (String command : List.of("run", "broker", "replay", "dump", "score", "demo")) {
            Run sub = execute(command, "--version");
            assertThat(sub.code()).isZero();
            assertThat(sub.out()).as(command).isEqualTo(run.out());
        }
    }

    // ---------------------------------------------------------------- usage errors (exit 2)

    @Test
    void unknownOptionIsAUsageError() throws IOException {
        Run run = execute("score", "--input", smallCsv().toString(), "--output", dir.resolve("out").toString(), "--bogus");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option", "--bogus");
        assertThat(dir.resolve("out")).doesNotExist();

        // picocli reports missing required options before unknown ones (remkop/picocli#2496)
        Run alone = execute("score", "--bogus");
        assertThat(alone.code()).isEqualTo(2);
        assertThat(alone.err()).contains("--input");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run run = execute("scour");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("scour");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Run run = execute("score", "--output", dir.resolve("out").toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option", "--input");
    }

    @Test
    void badNumberIsAUsageError() throws IOException {
        Run run = execute("score", "--input", smallCsv().toString(), "--output", dir.resolve("out").toString(),
                "--threshold", "abc");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--threshold", "abc");
    }

    @Test
    void thresholdOutOfRangeIsAUsageErrorAndWritesNothing() throws IOException {
        Path out = dir.resolve("out");
        Run run = execute("score", "--input", smallCsv().toString(), "--output", out.toString(), "--threshold", "1.5");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--threshold", "1.5", "(0, 1]", "sensorwatch score --help");
        assertThat(out).doesNotExist();
    }

    @Test
    void negativeDetectorCacheStopsRunBeforeContactingKafka() {
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> execute(
                "run", "--bootstrap-server", "127.0.0.1:1", "--metrics-port", "-1", "--detector-cache", "-1"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--detector-cache", "-1");
    }

    @Test
    void aCheckpointIntervalOutOfRangeStopsRunBeforeContactingKafka() {
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> execute(
                "run", "--bootstrap-server", "127.0.0.1:1", "--metrics-port", "-1", "--checkpoint-every", "0"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--checkpoint-every must be in [1, 4096] readings, got 0");
    }

    @Test
    void aLearningIntervalOutOfRangeIsAUsageErrorForScoreAndRun() throws IOException {
        Path out = dir.resolve("out");
        Run score = execute("score", "--input", smallCsv().toString(), "--output", out.toString(), "--update-every", "16");
        assertThat(score.code()).isEqualTo(2);
        assertThat(score.err()).contains("--update-every: learning steps must come every 1 to 15 readings", "got 16");
        assertThat(out).doesNotExist();
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> execute(
                "run", "--bootstrap-server", "127.0.0.1:1", "--metrics-port", "-1", "--update-every", "0"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--update-every: learning steps must come every 1 to 15 readings", "got 0");
    }

    @Test
    void badFormatIsAUsageError() throws IOException {
        Run score = execute("score", "--input", smallCsv().toString(), "--output", dir.resolve("out").toString(),
                "--format", "xml");
        assertThat(score.code()).isEqualTo(2);
        assertThat(score.err()).contains("--format", "xml", "nab or csv");

        Run replay = execute("replay", "--bootstrap-server", "127.0.0.1:1", "--input", smallCsv().toString(),
                "--format", "xml");
        assertThat(replay.code()).isEqualTo(2);
        assertThat(replay.err()).contains("--format", "xml");
    }

    @Test
    void badDumpFormatFailsBeforeContactingKafka() {
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> execute(
                "dump", "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--format", "xml"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--format", "xml", "csv or json");
    }

    @Test
    void zeroReplaySpeedIsAUsageError() throws IOException {
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> execute(
                "replay", "--bootstrap-server", "127.0.0.1:1", "--input", smallCsv().toString(), "--speed", "0"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--speed", "'0'");
    }

    @Test
    void badIdleTimeoutIsAUsageError() {
        Run run = execute("dump", "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--idle-timeout", "forever");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--idle-timeout", "forever");
    }

    @Test
    void idleTimeoutAcceptsTheDocumentedForms() {
        Converters.DurationConverter converter = new Converters.DurationConverter();
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("P1D")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void metricsPortOutOfRangeFailsBeforeAnyBrokerIsStarted() {
        Path brokerDir = dir.resolve("broker");
        Path stateDir = dir.resolve("state");
        // Without --bootstrap-server, run would start an embedded broker: it must not get that far.
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("run", "--embedded-broker",
                "--metrics-port", "70000", "--broker-port", "0", "--broker-dir", brokerDir.toString(),
                "--state-dir", stateDir.toString()));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--metrics-port", "70000");
        assertThat(run.out()).doesNotContain("Embedded Kafka broker");
        assertThat(brokerDir).doesNotExist();
        assertThat(stateDir).doesNotExist();
    }

    @Test
    void runThresholdOutOfRangeFailsBeforeAnyBrokerIsStarted() {
        Path brokerDir = dir.resolve("broker");
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("run", "--embedded-broker",
                "--threshold", "0", "--broker-port", "0", "--broker-dir", brokerDir.toString()));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--threshold");
        assertThat(brokerDir).doesNotExist();
    }

    @Test
    void brokerPortOutOfRangeIsAUsageError() {
        Path brokerDir = dir.resolve("broker");
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("broker",
                "--port", "65536", "--dir", brokerDir.toString()));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--port", "65536");
        assertThat(brokerDir).doesNotExist();
    }

    @Test
    void missingConfigFileIsAUsageError() {
        Path missing = dir.resolve("nope.properties");
        Run run = execute("score", "--config-file", missing.toString(), "--help");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(missing.toString(), "does not exist");

        Run fromEnv = execute(Map.of("SENSORWATCH_CONFIG_FILE", missing.toString()), "score", "--help");
        assertThat(fromEnv.code()).isEqualTo(2);
        assertThat(fromEnv.err()).contains(missing.toString(), "does not exist");

        Run equalsForm = execute("--config-file=" + missing, "score", "--help");
        assertThat(equalsForm.code()).isEqualTo(2);
        assertThat(equalsForm.err()).contains(missing.toString());
    }

    @Test
    void configFileWithUnknownKeyIsAUsageErrorNamingTheKey() throws IOException {
        Path file = configFile("threshold=0.9\ntreshold=0.95\nkafka.security.protocol=SSL\n");
        Run run = execute("score", "--config-file", file.toString(), "--help");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("has unknown key treshold (did you mean threshold?)", file.toString());
    }

    @Test
    void configFileWithKnownAndKafkaKeysIsAccepted() throws IOException {
        Path file = configFile("threshold=0.9\nbootstrap-server=h:9092\nmetrics-port=-1\nkafka.security.protocol=SSL\n");
        Run run = execute("score", "--config-file", file.toString(), "--help");
        assertThat(run.code()).as(run.all()).isZero();
    }

    @Test
    void kafkaArgumentWithoutValueIsAUsageError() {
        Path brokerDir = dir.resolve("broker");
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("run", "--embedded-broker",
                "--kafka.security.protocol", "--broker-port", "0", "--broker-dir", brokerDir.toString()));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--kafka.security.protocol", "--kafka.KEY=VALUE");
        assertThat(brokerDir).doesNotExist();

        Run dump = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("dump",
                "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--kafka.=x"));
        assertThat(dump.code()).isEqualTo(2);
        assertThat(dump.err()).contains("--kafka.KEY=VALUE");
    }

    @Test
    void kafkaArgumentsAreAcceptedByTheKafkaCommands() throws IOException {
        Run replay = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("replay",
                "--kafka.security.protocol=SSL", "--bootstrap-server", "127.0.0.1:1", "--input", smallCsv().toString(),
                "--kafka.acks=all", "--speed", "0"));
        assertThat(replay.code()).isEqualTo(2);
        assertThat(replay.err()).contains("--speed").doesNotContain("Unknown option");

        Path brokerDir = dir.resolve("broker");
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("run", "--embedded-broker",
                "--kafka.security.protocol=SSL", "--metrics-port", "-2", "--broker-dir", brokerDir.toString()));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--metrics-port").doesNotContain("Unknown option");
        assertThat(brokerDir).doesNotExist();

        Run score = execute("score", "--input", smallCsv().toString(), "--output", dir.resolve("o").toString(),
                "--kafka.acks=all");
        assertThat(score.code()).isEqualTo(2);
        assertThat(score.err()).contains("Unknown option", "'--kafka.acks=...'").doesNotContain("all");
    }

    @Test
    void unknownOptionOfAKafkaCommandIsAUsageError() {
        Path brokerDir = dir.resolve("broker");
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("run", "--embedded-broker",
                "--bogus", "--broker-port", "0", "--broker-dir", brokerDir.toString()));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--bogus");
        assertThat(brokerDir).doesNotExist();
    }

    @Test
    void aMisspeltOptionIsNamedWithItsNearestEvenWhenARequiredOptionIsMissing() throws IOException {
        Run run = execute("score", "--inptu", "x");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown options: '--inptu', 'x'", "Did you mean --input?",
                "Missing required option", "--input=PATH", "Try 'sensorwatch score --help'.");

        Run misspelt = execute("score", "--input", smallCsv().toString(), "--output", dir.resolve("o").toString(),
                "--treshold=0.9");
        assertThat(misspelt.code()).isEqualTo(2);
        assertThat(misspelt.err()).contains("Unknown option: '--treshold=...'", "Did you mean --threshold?");
        assertThat(dir.resolve("o")).doesNotExist();

        Run kafkaCommand = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("dump",
                "--bootstrap-servr", "127.0.0.1:1", "--topic", "t"));
        assertThat(kafkaCommand.code()).isEqualTo(2);
        assertThat(kafkaCommand.err()).contains("'--bootstrap-servr'", "did you mean --bootstrap-server?");
    }

    @Test
    void anUnknownSensorwatchVariableIsAUsageErrorNamingTheNearestWithoutItsValue() {
        Run run = execute(Map.of("SENSORWATCH_BOOTSTRAP_SERVERS", "kafka-secret-host:9092"), "run", "--metrics-port", "-1");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown environment variable SENSORWATCH_BOOTSTRAP_SERVERS",
                "did you mean SENSORWATCH_BOOTSTRAP_SERVER?").doesNotContain("kafka-secret-host");
        assertThat(run.out()).doesNotContain("Embedded Kafka broker");

        Run far = execute(Map.of("SENSORWATCH_COLOUR", "1"), "score", "--help");
        assertThat(far.code()).isEqualTo(2);
        assertThat(far.err()).contains("SENSORWATCH_COLOUR").doesNotContain("did you mean");
    }

    @Test
    void variablesKubernetesAndDockerDefineForAServiceNamedSensorwatchAreLeftAlone() {
        Map<String, String> env = Map.of(
                "SENSORWATCH_SERVICE_HOST", "10.0.0.7",
                "SENSORWATCH_SERVICE_PORT", "9464",
                "SENSORWATCH_SERVICE_PORT_METRICS", "9464",
                "SENSORWATCH_METRICS_PORT_9464_TCP_ADDR", "10.0.0.8",
                "SENSORWATCH_PORT_9464_TCP", "tcp://10.0.0.7:9464",
                "SENSORWATCH_WEB_PORT", "tcp://10.0.0.9:80");
        Run run = execute(env, "score", "--help");
        assertThat(run.code()).as(run.all()).isZero();
        // a name of that shape with another value is a typo like any other
        Run typo = execute(Map.of("SENSORWATCH_METRIC_PORT", "9000"), "score", "--help");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("did you mean SENSORWATCH_METRICS_PORT?");
    }

    @Test
    void anUnknownKafkaSettingFromAnySourceIsAUsageErrorNamingTheNearest() throws IOException {
        Run argument = execute("run", "--kafka.bootstrap.server=h:1", "--metrics-port", "-1");
        assertThat(argument.code()).isEqualTo(2);
        assertThat(argument.err()).contains("unknown Kafka client setting --kafka.bootstrap.server",
                "did you mean --kafka.bootstrap.servers?");
        assertThat(argument.out()).doesNotContain("Embedded Kafka broker");

        Run variable = execute(Map.of("SENSORWATCH_KAFKA_SECURTY_PROTOCOL", "SSL"), "score", "--help");
        assertThat(variable.code()).isEqualTo(2);
        assertThat(variable.err()).contains("SENSORWATCH_KAFKA_SECURTY_PROTOCOL",
                "did you mean SENSORWATCH_KAFKA_SECURITY_PROTOCOL?");

        Path file = configFile("kafka.secruity.protocol=SSL\nkafka.producer.linger.ms=5\n");
        Run inFile = execute("score", "--config-file", file.toString(), "--help");
        assertThat(inFile.code()).isEqualTo(2);
        assertThat(inFile.err()).contains(file.toString(), "unknown Kafka client setting kafka.secruity.protocol",
                "did you mean kafka.security.protocol?").doesNotContain("linger");
    }

    @Test
    void kafkaSettingsAreCheckedAgainstKafkasOwnDefinitionsWithStreamsPrefixes() {
        Settings settings = Settings.load(new String[0], Map.of());
        List<String> valid = List.of("--kafka.acks=all", "--kafka.num.stream.threads=2", "--kafka.max.poll.records=5",
                "--kafka.producer.linger.ms=5", "--kafka.main.consumer.max.poll.records=10",
                "--kafka.restore.consumer.fetch.max.bytes=1", "--kafka.admin.retries=3",
                "--kafka.topic.segment.bytes=1048576", "--kafka.ssl.truststore.type=PEM");
        assertThat(settings.kafkaSettings(valid)).hasSize(valid.size());
        for (String bad : List.of("--kafka.producer.max.poll.records=5", "--kafka.lingr.ms=5", "--kafka.topic.acks=1")) {
            assertThatThrownBy(() -> settings.kafkaSettings(List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown Kafka client setting " + bad.replaceFirst("=.*", ""));
        }
        assertThatThrownBy(() -> settings.kafkaSettings(List.of("--kafka.lingr.ms=5")))
                .hasMessageContaining("did you mean --kafka.linger.ms?");
    }

    @Test
    void aVariableNamesAKafkaSettingWhoseNameHasUnderscoresOfItsOwn() {
        Settings settings = Settings.load(new String[0], Map.of("SENSORWATCH_KAFKA_RACK_AWARE_ASSIGNMENT_TRAFFIC_COST", "5",
                "SENSORWATCH_KAFKA_MAX_POLL_RECORDS", "7"));
        assertThat(settings.kafkaSettings(List.of())).containsExactlyInAnyOrderEntriesOf(
                Map.of("rack.aware.assignment.traffic_cost", "5", "max.poll.records", "7"));
        Run run = execute(Map.of("SENSORWATCH_KAFKA_RACK_AWARE_ASSIGNMENT_TRAFFIC_COST", "5"), "score", "--help");
        assertThat(run.code()).as(run.all()).isZero();
    }

    @Test
    void settingsThatOptionsSetAreRefusedAsKafkaSettings() {
        Settings settings = Settings.load(new String[0], Map.of());
        for (String[] keyAndOption : new String[][] {{"bootstrap.servers", "--bootstrap-server"},
            {"application.id", "--application-id"}, {"state.dir", "--state-dir"}}) {
            assertThatThrownBy(
                    () -> settings.kafkaSettings(List.of("--kafka." + keyAndOption[0] + "=x")))
                    .hasMessageContaining(keyAndOption[0] + " is set by " + keyAndOption[1]);
        }
        Run run = execute(Map.of("SENSORWATCH_KAFKA_BOOTSTRAP_SERVERS", "h:1"), "run", "--metrics-port", "-1");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("bootstrap.servers is set by --bootstrap-server (SENSORWATCH_BOOTSTRAP_SERVER");
    }

    @Test
    void runNeedsAClusterOrAnExplicitEmbeddedBroker() {
        Path brokerDir = dir.resolve("broker");
        Run none = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("run", "--metrics-port", "-1",
                "--broker-port", "0", "--broker-dir", brokerDir.toString()));
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("run needs the Kafka cluster", "--bootstrap-server", "--embedded-broker");
        assertThat(brokerDir).doesNotExist();

        Run empty = execute(Map.of("SENSORWATCH_BOOTSTRAP_SERVER", ""), "run", "--metrics-port", "-1",
                "--broker-dir", brokerDir.toString());
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("--bootstrap-server is empty");

        Run both = execute("run", "--embedded-broker", "--bootstrap-server", "h:1", "--metrics-port", "-1",
                "--broker-dir", brokerDir.toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("exclude each other");
        assertThat(brokerDir).doesNotExist();
    }

    @Test
    void aRefusedConnectionFailsSoonWithOneLine() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        // generous bound: the point is "not the 30 s default", not a speed target
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("run", "--bootstrap-server", address,
                "--metrics-port", "-1", "--state-dir", dir.resolve("state").toString()));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip().lines()).containsExactly("sensorwatch run failed: cannot connect to the Kafka"
                + " cluster at " + address + ": connection refused; check --bootstrap-server (host and port of a"
                + " running broker)");
    }

    @Test
    void delimiterTakesTabByNameOrAsBackslashT() throws IOException {
        StringBuilder text = new StringBuilder("timestamp\tvalue\n");
        for (int i = 0; i < 20; i++) {
            text.append(String.format("2014-04-01 00:%02d:00\t%d.5%n", i, i % 7));
        }
        Path tsv = dir.resolve("small.tsv");
        Files.writeString(tsv, text);
        for (String delimiter : List.of("tab", "\\t", "\t")) {
            Path out = dir.resolve("out-" + delimiter.length());
            Run run = execute("score", "--input", tsv.toString(), "--output", out.toString(), "--delimiter", delimiter,
                    "--threads", "1");
            assertThat(run.code()).as(delimiter + ": " + run.all()).isZero();
            assertThat(out.resolve("small.tsv")).exists();
        }
        Run bad = execute("score", "--input", tsv.toString(), "--output", dir.resolve("o").toString(),
                "--delimiter", "tabs");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--delimiter", "tab (also \\t)", "'tabs'");
    }

    @Test
    void aFileWithOnlyAHeaderSaysSo() throws IOException {
        Path file = dir.resolve("empty.csv");
        Files.writeString(file, "timestamp,value\n");
        Run run = execute("score", "--input", file.toString(), "--output", dir.resolve("o").toString());
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("empty.csv:1: the file has a header line but no rows of readings");
    }

    @Test
    void missingInputIsAUsageError() {
        Run run = execute("score", "--input", dir.resolve("absent").toString(), "--output", dir.resolve("o").toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--input", "does not exist");
    }

    // ---------------------------------------------------------------- precedence

    static OptionSpec option(String command, String name) {
        return new CommandLine(new Main()).getSubcommands().get(command).getCommandSpec().findOption(name);
    }

    @Test
    void optionValuesComeFromFileThenEnvironment() throws IOException {
        Path file = configFile("threshold=0.9\napplication-id=from-file\n");
        OptionSpec threshold = option("run", "--threshold");
        String[] args = {"run", "--config-file", file.toString()};

        assertThat(Settings.load(new String[] {"run"}, Map.of()).defaultValue(threshold)).isNull();
        assertThat(Settings.load(args, Map.of()).defaultValue(threshold)).isEqualTo("0.9");
        Settings both = Settings.load(args, Map.of("SENSORWATCH_THRESHOLD", "0.95"));
        assertThat(both.defaultValue(threshold)).isEqualTo("0.95");
        assertThat(both.defaultValue(option("run", "--application-id"))).isEqualTo("from-file");
        assertThat(both.defaultValue(option("run", "--state-dir"))).isNull();
    }

    @Test
    void configFileFromEnvironmentIsUsedUnlessTheCommandLineNamesAnother() throws IOException {
        Path envFile = dir.resolve("env.properties");
        Files.writeString(envFile, "threshold=0.8\n");
        Path argFile = configFile("threshold=0.9\n");
        OptionSpec threshold = option("score", "--threshold");
        Map<String, String> env = Map.of("SENSORWATCH_CONFIG_FILE", envFile.toString());
        assertThat(Settings.load(new String[] {"score"}, env).defaultValue(threshold)).isEqualTo("0.8");
        assertThat(Settings.load(new String[] {"score", "--config-file", argFile.toString()}, env)
                .defaultValue(threshold)).isEqualTo("0.9");
        assertThat(Settings.load(new String[] {"--config-file=" + argFile, "score"}, env)
                .defaultValue(threshold)).isEqualTo("0.9");
    }

    /** Parses {@code args} as {@link Main#execute} does and returns the score command's threshold. */
    static double parsedThreshold(Map<String, String> env, String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        main.settings = Settings.load(args, env);
        main.settings.checkKnownKeys(commandLine.getCommandSpec());
        commandLine.setDefaultValueProvider(main.settings);
        commandLine.parseArgs(args);
        return ((ScoreCommand) commandLine.getSubcommands().get("score").getCommand()).detector.threshold;
    }

    @Test
    void commandLineWinsOverEnvironmentWhichWinsOverFile() throws IOException {
        Path file = configFile("threshold=0.9\n");
        String f = file.toString();
        Map<String, String> env = Map.of("SENSORWATCH_THRESHOLD", "0.95");
        assertThat(parsedThreshold(Map.of(), "score", "--input", "x", "--output", "y")).isEqualTo(DetectorConfig.DEFAULT_THRESHOLD);
        assertThat(parsedThreshold(Map.of(), "score", "--config-file", f, "--input", "x", "--output", "y"))
                .isEqualTo(0.9);
        assertThat(parsedThreshold(env, "score", "--config-file", f, "--input", "x", "--output", "y"))
                .isEqualTo(0.95);
        assertThat(parsedThreshold(env, "score", "--config-file", f, "--input", "x", "--output", "y",
                "--threshold", "0.97")).isEqualTo(0.97);
        assertThat(parsedThreshold(Map.of(), "score", "--config-file", f, "--threshold=0.97", "--input", "x",
                "--output", "y")).isEqualTo(0.97);
    }

    @Test
    void precedenceIsVisibleInScoreResults() throws IOException {
        // With threshold 1e-9 the first scored reading opens an event that never ends (one flag); with 1.0 none.
        StringBuilder text = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 400; i++) {
            text.append(String.format("2014-04-01 %02d:%02d:00,%.4f%n", i / 60, i % 60, 10 + Math.sin(i / 3.0)));
        }
        Path input = dir.resolve("series.csv");
        Files.writeString(input, text);
        Path file = configFile("threshold=1e-9\n");
        Map<String, String> env = Map.of("SENSORWATCH_THRESHOLD", "1.0");

        Path fromFile = dir.resolve("file");
        assertThat(execute("score", "--config-file", file.toString(), "--input", input.toString(),
                "--output", fromFile.toString(), "--threads", "1").code()).isZero();
        Path fromEnv = dir.resolve("env");
        assertThat(execute(env, "score", "--config-file", file.toString(), "--input", input.toString(),
                "--output", fromEnv.toString(), "--threads", "1").code()).isZero();
        Path fromArgs = dir.resolve("args");
        assertThat(execute(env, "score", "--config-file", file.toString(), "--input", input.toString(),
                "--output", fromArgs.toString(), "--threads", "1", "--threshold", "1e-9").code()).isZero();

        assertThat(flagged(fromFile.resolve("series.csv"))).isEqualTo(1);
        assertThat(flagged(fromEnv.resolve("series.csv"))).isZero();
        assertThat(flagged(fromArgs.resolve("series.csv"))).isEqualTo(flagged(fromFile.resolve("series.csv")));
    }

    static long flagged(Path result) throws IOException {
        List<String> lines = Files.readAllLines(result);
        int column = List.of(lines.get(0).split(",", -1)).indexOf("is_anomaly");
        return lines.stream().skip(1).filter(line -> line.split(",", -1)[column].equals("1")).count();
    }

    @Test
    void requiredOptionsCanComeFromTheConfigFileOrTheEnvironment() throws IOException {
        Path input = smallCsv();
        Path out = dir.resolve("from-file");
        Path file = configFile("input=" + input.toString().replace("\\", "/") + "\noutput=" + out.toString().replace("\\", "/") + "\n");
        Run fromFile = execute("score", "--config-file", file.toString(), "--threads", "1");
        assertThat(fromFile.code()).as(fromFile.all()).isZero();
        assertThat(out.resolve("small.csv")).exists();

        Path envOut = dir.resolve("from-env");
        Run fromEnv = execute(Map.of("SENSORWATCH_INPUT", input.toString(), "SENSORWATCH_OUTPUT", envOut.toString()),
                "score", "--threads", "1");
        assertThat(fromEnv.code()).as(fromEnv.all()).isZero();
        assertThat(envOut.resolve("small.csv")).exists();
    }

    static RunCommand parsedRun(Map<String, String> env, String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        main.settings = Settings.load(args, env);
        commandLine.setDefaultValueProvider(main.settings);
        commandLine.parseArgs(args);
        return commandLine.getSubcommands().get("run").getCommand();
    }

    @Test
    void flagsFollowTheSamePrecedence() {
        assertThat(parsedRun(Map.of(), "run").createTopics).isTrue();
        assertThat(parsedRun(Map.of(), "run", "--no-create-topics").createTopics).isFalse();
        assertThat(parsedRun(Map.of("SENSORWATCH_CREATE_TOPICS", "false"), "run").createTopics).isFalse();
        assertThat(parsedRun(Map.of("SENSORWATCH_CREATE_TOPICS", "false"), "run", "--create-topics").createTopics).isTrue();
        assertThat(parsedRun(Map.of("SENSORWATCH_CREATE_TOPICS", "true"), "run", "--no-create-topics").createTopics).isFalse();
        assertThat(parsedRun(Map.of(), "run").reset).isFalse();
        assertThat(parsedRun(Map.of("SENSORWATCH_RESET", "true"), "run").reset).isTrue();
        assertThat(parsedRun(Map.of(), "run", "--reset").reset).isTrue();
        assertThat(parsedRun(Map.of("SENSORWATCH_METRICS_PORT", "-1"), "run").metricsPort).isEqualTo(-1);
        assertThat(parsedRun(Map.of("SENSORWATCH_METRICS_PORT", "-1"), "run", "--metrics-port", "9000").metricsPort)
                .isEqualTo(9000);
    }

    @Test
    void outputFormatIsAvroByDefaultAndComesFromArgumentsEnvironmentOrConfigFile() throws IOException {
        OutputFormat byDefault = parsedRun(Map.of(), "run").common.topology().outputFormat();
        assertThat(byDefault).isEqualTo(OutputFormat.AVRO);
        assertThat(parsedRun(Map.of(), "run", "--output-format", "json").common.topology().outputFormat())
                .isEqualTo(OutputFormat.JSON);
        assertThat(parsedRun(Map.of("SENSORWATCH_OUTPUT_FORMAT", "JSON"), "run").common.topology().outputFormat())
                .isEqualTo(OutputFormat.JSON);
        assertThat(parsedRun(Map.of("SENSORWATCH_OUTPUT_FORMAT", "json"), "run", "--output-format", "avro")
                .common.topology().outputFormat()).isEqualTo(OutputFormat.AVRO);
        Path file = configFile("output-format=json\n");
        assertThat(parsedRun(Map.of(), "run", "--config-file", file.toString()).common.topology().outputFormat())
                .isEqualTo(OutputFormat.JSON);
        for (String command : List.of("run", "demo")) {
            Run run = execute(command, "--output-format", "xml");
            assertThat(run.code()).as(run.all()).isEqualTo(2);
            assertThat(run.err()).contains("--output-format", "avro or json");
        }
    }

    @Test
    void maxFutureSkewTakesDurationsDaysOrOffAndDefaultsToOneDay() {
        assertThat(parsedRun(Map.of(), "run").common.topology().maxFutureSkew()).isEqualTo(Duration.ofDays(1));
        assertThat(parsedRun(Map.of(), "run", "--max-future-skew", "12h").common.topology().maxFutureSkew())
                .isEqualTo(Duration.ofHours(12));
        assertThat(parsedRun(Map.of(), "run", "--max-future-skew", "PT36H").common.topology().maxFutureSkew())
                .isEqualTo(Duration.ofHours(36));
        assertThat(parsedRun(Map.of("SENSORWATCH_MAX_FUTURE_SKEW", "2d"), "run").common.topology().maxFutureSkew())
                .isEqualTo(Duration.ofDays(2));
        assertThat(parsedRun(Map.of(), "run", "--max-future-skew", "off").common.topology().maxFutureSkewMillis())
                .isEqualTo(Long.MAX_VALUE);
        for (String bad : List.of("-1d", "0s", "soon", "1x")) {
            Run run = execute("run", "--max-future-skew", bad, "--bootstrap-server", "127.0.0.1:1");
            assertThat(run.code()).as(bad + ": " + run.all()).isEqualTo(2);
            assertThat(run.err()).contains("--max-future-skew", bad);
        }
    }

    @Test
    void environmentNamesFollowTheOptionNames() {
        assertThat(Settings.environmentName("--bootstrap-server")).isEqualTo("SENSORWATCH_BOOTSTRAP_SERVER");
        assertThat(Settings.environmentName("bootstrap-server")).isEqualTo("SENSORWATCH_BOOTSTRAP_SERVER");
        assertThat(Settings.environmentName("--threshold")).isEqualTo("SENSORWATCH_THRESHOLD");
        Settings settings = Settings.load(new String[0], Map.of("SENSORWATCH_BOOTSTRAP_SERVER", "h:1"));
        assertThat(settings.defaultValue(option("run", "--bootstrap-server"))).isEqualTo("h:1");
        assertThat(settings.defaultValue(option("dump", "--bootstrap-server"))).isEqualTo("h:1");
    }

    @Test
    void kafkaSettingsMergeFileThenEnvironmentThenArguments() throws IOException {
        Path file = configFile("kafka.client.id=file\nkafka.acks=file\nkafka.linger.ms=file\nthreshold=0.9\n");
        Map<String, String> env = new HashMap<>();
        env.put("SENSORWATCH_KAFKA_ACKS", "env");
        env.put("SENSORWATCH_KAFKA_LINGER_MS", "env");
        env.put("SENSORWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("SENSORWATCH_KAFKA_", "ignored");
        env.put("SENSORWATCH_THRESHOLD", "0.5");
        Settings settings = Settings.load(new String[] {"--config-file", file.toString()}, env);

        Map<String, String> merged = settings.kafkaSettings(List.of("--kafka.linger.ms=arg",
                "--kafka.sasl.jaas.config=a=\"b\" c=d"));
        assertThat(merged).containsExactlyInAnyOrderEntriesOf(Map.of(
                "client.id", "file",
                "acks", "env",
                "linger.ms", "arg",
                "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "a=\"b\" c=d"));
    }

    @Test
    void kafkaArgumentsReachTheCommand() {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.parseArgs("run", "--kafka.security.protocol=SSL", "--bootstrap-server", "h:1",
                "--kafka.acks=all");
        RunCommand run = commandLine.getSubcommands().get("run").getCommand();
        Settings settings = Settings.load(new String[0], Map.of("SENSORWATCH_KAFKA_ACKS", "1"));
        assertThat(run.kafka.bootstrapServer).isEqualTo("h:1");
        assertThat(run.kafka.settings(settings)).containsExactlyInAnyOrderEntriesOf(
                Map.of("security.protocol", "SSL", "acks", "all"));
        assertThat(run.kafka.clientProperties(settings, "h:1"))
                .containsEntry("bootstrap.servers", "h:1").containsEntry("acks", "all");
    }

    @Test
    void kafkaSettingsRejectOtherArguments() {
        Settings settings = Settings.load(new String[0], Map.of());
        for (String bad : List.of("--kafka.acks", "--kafka.=1", "--bogus=1", "positional", "-x")) {
            assertThatThrownBy(() -> settings.kafkaSettings(List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.replaceFirst("=.*", ""));
        }
    }

    @Test
    void aMisspeltKafkaSettingIsNamedButItsValueIsNotRepeated() {
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute("dump",
                "--bootstrap-server", "127.0.0.1:1", "--topic", "t",
                "--kafka-sasl-jaas-config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"u\" password=\"hunter2\";"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--kafka-sasl-jaas-config", "--kafka.KEY=VALUE");
        assertThat(run.all()).doesNotContain("hunter2");
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void maskedHidesSecretValues() {
        Map<String, String> settings = Map.of(
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"hunter2\";",
                "ssl.truststore.password", "hunter2",
                "ssl.key.password", "hunter2",
                "sasl.oauthbearer.client.credentials.client.secret", "hunter2",
                "SASL.LOGIN.TOKEN", "hunter2",
                "security.protocol", "SASL_SSL",
                "acks", "all");
        Map<String, String> masked = Settings.masked(settings);
        assertThat(masked).hasSameSizeAs(settings).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("acks", "all").containsEntry("sasl.jaas.config", "[hidden]")
                .containsEntry("ssl.truststore.password", "[hidden]").containsEntry("SASL.LOGIN.TOKEN", "[hidden]");
        assertThat(masked.toString()).doesNotContain("hunter2");
        assertThat(settings).containsEntry("ssl.key.password", "hunter2"); // the input is left alone
    }

    @ParameterizedTest
    @CsvSource({"run", "replay", "dump", "score", "demo", "broker"})
    void helpNeverShowsSecrets(String command) throws IOException {
        Path file = configFile("kafka.ssl.truststore.password=hunter2\n");
        Map<String, String> env = Map.of(
                "SENSORWATCH_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";",
                "SENSORWATCH_KAFKA_SASL_MECHANISM", "PLAIN");
        Run run = execute(env, command, "--config-file", file.toString(), "--help");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.all()).doesNotContain("hunter2");
        Run top = execute(env, "--config-file", file.toString(), "--help");
        assertThat(top.all()).doesNotContain("hunter2");
    }

    @Test
    void usageErrorsNeverShowSecrets() {
        Map<String, String> env = Map.of("SENSORWATCH_KAFKA_SASL_JAAS_CONFIG", "password=\"hunter2\";");
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> execute(env, "dump",
                "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--idle-timeout", "forever"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.all()).doesNotContain("hunter2");
    }
}
