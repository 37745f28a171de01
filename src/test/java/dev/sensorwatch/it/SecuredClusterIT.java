package dev.sensorwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.sensorwatch.cli.Main;
import dev.sensorwatch.kafka.SecuredEmbeddedBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * {@code replay}, {@code run} and {@code dump} against a cluster that only lets authenticated clients
 * in over TLS: the embedded broker with a SASL_SSL listener (SCRAM-SHA-512, a certificate made for the
 * test), the commands given only that listener's address. With the right credentials and trust store —
 * on the command line, in the environment or in the config file — the session produces one score per
 * reading; without credentials, with a wrong password or without the trust store each command stops
 * within seconds with a message that names the problem. The password appears
 * nowhere: not in standard output or error, not in any log line (Kafka's own included), not in
 * {@code --help}.
 */
class SecuredClusterIT {

    static final long SEED = Long.getLong("secured.seed", System.nanoTime());
    static final String USER = "sensorwatch";
    static final Random PASSWORDS = new Random(SEED);
    /** Random (from the seed), so that finding it in a log cannot be a coincidence. */
    static final String PASSWORD = "pw-" + Long.toHexString(PASSWORDS.nextLong() | 1L << 62);
    static final String WRONG_PASSWORD = "wrong-" + Long.toHexString(PASSWORDS.nextLong() | 1L << 62);
    static final int SENSORS = 2;
    static final int ROWS = 300;
    /** How long a command may take to give up; generous next to its --connect-timeout. */
    static final Duration GIVE_UP = Duration.ofSeconds(20);

    @TempDir
    static Path work;
    static SecuredEmbeddedBroker broker;
    static ListAppender<ILoggingEvent> logs;
    static final Map<String, Level> savedLevels = new HashMap<>();
    static final Map<String, Boolean> savedAdditivity = new HashMap<>();

    final List<String> printed = new ArrayList<>();

    static Path trustedCertificate;

    @BeforeAll
    static void startBroker() throws Exception {
        System.out.println("SecuredClusterIT seed " + SEED + " (rerun with -Dsecured.seed=" + SEED + ")");
        String storePassword = "store-" + Long.toHexString(PASSWORDS.nextLong());
        Path keyStore = work.resolve("broker.p12");
        trustedCertificate = work.resolve("broker-ca.pem");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", storePassword, "-keypass", storePassword);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keyStore.toString(),
                "-storepass", storePassword, "-file", trustedCertificate.toString());
        broker = SecuredEmbeddedBroker.start(work.resolve("broker"), 0, Map.of(),
                SecuredEmbeddedBroker.SaslListener.withUsers(Map.of(USER, PASSWORD)).withTls(keyStore, storePassword));
        captureLogs();
    }

    /** Runs the JDK's keytool, failing with its output if it fails. */
    static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }

    @AfterAll
    static void stopBroker() {
        releaseLogs();
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * Every log event from here on goes to {@link #logs}: sensorwatch's at DEBUG, Kafka's at INFO (where
     * its clients print their configuration). Kafka's events stay off the console.
     */
    static void captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs = new ListAppender<>();
        logs.setContext(context);
        logs.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
        for (String name : List.of("org.apache.kafka", "kafka", "dev.sensorwatch")) {
            Logger logger = context.getLogger(name);
            savedLevels.put(name, logger.getLevel());
            savedAdditivity.put(name, logger.isAdditive());
            logger.setLevel(name.startsWith("dev") ? Level.DEBUG : Level.INFO);
            if (!name.startsWith("dev")) {
                logger.setAdditive(false);
                logger.addAppender(logs);
            }
        }
    }

    static void releaseLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
        savedLevels.forEach((name, level) -> {
            Logger logger = context.getLogger(name);
            logger.setLevel(level);
            logger.setAdditive(savedAdditivity.get(name));
            logger.detachAppender(logs);
        });
    }

    /** Whatever the commands printed and logged: none of it may contain a password. */
    @AfterEach
    void nothingShowsThePassword() {
        String logged = logged();
        synchronized (logs) {
            logs.list.clear(); // each test answers for its own lines
        }
        for (String text : List.of(String.join("\n", printed), logged)) {
            assertThat(text).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
        }
    }

    /** The captured log events, one text each with its stack trace. */
    static String logged() {
        List<String> logged = new ArrayList<>();
        synchronized (logs) {
            for (ILoggingEvent event : new ArrayList<>(logs.list)) {
                logged.add(event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())));
            }
        }
        return String.join("\n", logged);
    }

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    Run execute(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        printed.add(out.toString());
        printed.add(err.toString());
        return new Run(code, out.toString(), err.toString());
    }

    static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";";
    }

    /** Two sensors, {@value #ROWS} readings each, a noisy daily sine; seeded. */
    static Path readings() throws IOException {
        Random random = new Random(SEED + 1);
        Path dir = work.resolve("input");
        Files.createDirectories(dir);
        for (int s = 0; s < SENSORS; s++) {
            StringBuilder text = new StringBuilder("timestamp,value\n");
            for (int i = 0; i < ROWS; i++) {
                double value = 20 + 5 * Math.sin(2 * Math.PI * i / 96) + random.nextGaussian();
                text.append(1_600_000_000L + 900L * i).append(',').append(value).append('\n');
            }
            Files.writeString(dir.resolve("sensor-" + s + ".csv"), text);
        }
        return dir;
    }

    @Test
    void withCredentialsReplayRunAndDumpScoreEveryReading() throws IOException {
        String sasl = broker.saslBootstrapServers();
        Path input = readings();
        // credentials on the command line
        Run replay = assertTimeoutPreemptively(GIVE_UP.multipliedBy(2), () -> execute(Map.of(), "replay",
                "--bootstrap-server", sasl, "--format", "csv", "--input", input.toString(), "--topic", "sec-readings",
                "--partitions", "2", "--kafka.security.protocol=SASL_SSL", "--kafka.sasl.mechanism=SCRAM-SHA-512",
                "--kafka.sasl.jaas.config=" + jaas(PASSWORD), "--kafka.ssl.truststore.type=PEM",
                "--kafka.ssl.truststore.location=" + trustedCertificate));
        assertThat(replay.code()).as(replay.all()).isZero();
        assertThat(replay.out()).contains("Published " + SENSORS * ROWS);

        // credentials in the environment
        Map<String, String> env = Map.of(
                "SENSORWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SENSORWATCH_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "SENSORWATCH_KAFKA_SASL_JAAS_CONFIG", jaas(PASSWORD),
                "SENSORWATCH_KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "SENSORWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", trustedCertificate.toString());
        Run run = assertTimeoutPreemptively(GIVE_UP.multipliedBy(3), () -> execute(env, "run",
                "--bootstrap-server", sasl, "--application-id", "secured", "--input-topic", "sec-readings",
                "--output-topic", "sec-scores", "--anomalies-topic", "sec-anomalies", "--dead-letter-topic", "sec-dlq",
                "--partitions", "2", "--state-dir", work.resolve("state").toString(), "--metrics-port", "0",
                "--stop-when-caught-up"));
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("Caught up with sec-readings").contains("Metrics at http://127.0.0.1:");

        // credentials in the config file
        Path config = work.resolve("secured.properties");
        Files.writeString(config, "kafka.security.protocol=SASL_SSL\nkafka.sasl.mechanism=SCRAM-SHA-512\n"
                + "kafka.sasl.jaas.config=" + jaas(PASSWORD) + "\nkafka.ssl.truststore.type=PEM\n"
                + "kafka.ssl.truststore.location=" + trustedCertificate.toString().replace("\\", "\\\\") + "\n");
        Path dumped = work.resolve("scores.csv");
        Run dump = assertTimeoutPreemptively(GIVE_UP.multipliedBy(2), () -> execute(Map.of(), "dump",
                "--config-file", config.toString(), "--bootstrap-server", sasl, "--topic", "sec-scores",
                "--idle-timeout", "1s", "--output", dumped.toString()));
        assertThat(dump.code()).as(dump.all()).isZero();

        Map<String, Integer> scoresPerSensor = new TreeMap<>();
        for (CSVRecord row : parse(dumped)) {
            scoresPerSensor.merge(row.get("sensor_id"), 1, Integer::sum);
        }
        Map<String, Integer> expected = new TreeMap<>();
        for (int s = 0; s < SENSORS; s++) {
            expected.put("sensor-" + s + ".csv", ROWS);
        }
        assertThat(scoresPerSensor).isEqualTo(expected);
        // the check above means something: Kafka's clients did print their configuration, password type hidden
        assertThat(logged()).contains("sasl.jaas.config = [hidden]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"replay", "run", "dump"})
    void withoutCredentialsEachCommandStopsSoonWithAMessageNamingTheProblem(String command) throws IOException {
        Run run = assertTimeoutPreemptively(GIVE_UP, () -> execute(Map.of(), args(command, List.of())));
        assertThat(run.code()).as(run.all()).isEqualTo(1);
        assertThat(run.err()).contains("no answer from the Kafka cluster at " + broker.saslBootstrapServers(),
                "security.protocol=PLAINTEXT", "kafka.security.protocol", "kafka.sasl.*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"replay", "run", "dump"})
    void withAWrongPasswordEachCommandStopsSoonWithAMessageNamingTheProblem(String command) throws IOException {
        Run run = assertTimeoutPreemptively(GIVE_UP, () -> execute(Map.of(), args(command, List.of(
                "--kafka.security.protocol=SASL_SSL", "--kafka.sasl.mechanism=SCRAM-SHA-512",
                "--kafka.sasl.jaas.config=" + jaas(WRONG_PASSWORD), "--kafka.ssl.truststore.type=PEM",
                "--kafka.ssl.truststore.location=" + trustedCertificate))));
        assertThat(run.code()).as(run.all()).isEqualTo(1);
        assertThat(run.err()).contains("authentication failed at the Kafka cluster at " + broker.saslBootstrapServers(),
                "sasl.mechanism=SCRAM-SHA-512", "kafka.sasl.jaas.config");
    }

    @ParameterizedTest
    @ValueSource(strings = {"replay", "run", "dump"})
    void withoutTheTrustStoreEachCommandStopsSoonWithAMessageNamingTheProblem(String command) throws IOException {
        Run run = assertTimeoutPreemptively(GIVE_UP, () -> execute(Map.of(), args(command, List.of(
                "--kafka.security.protocol=SASL_SSL", "--kafka.sasl.mechanism=SCRAM-SHA-512",
                "--kafka.sasl.jaas.config=" + jaas(PASSWORD)))));
        assertThat(run.code()).as(run.all()).isEqualTo(1);
        assertThat(run.err()).contains("TLS handshake with the Kafka cluster at " + broker.saslBootstrapServers()
                + " failed", "kafka.ssl.truststore");
    }

    @ParameterizedTest
    @ValueSource(strings = {"replay", "run", "dump"})
    void aSaslProtocolWithoutCredentialsIsAUsageError(String command) throws IOException {
        Run run = assertTimeoutPreemptively(GIVE_UP, () -> execute(Map.of(), args(command, List.of(
                "--kafka.security.protocol=SASL_SSL", "--kafka.ssl.truststore.type=PEM",
                "--kafka.ssl.truststore.location=" + trustedCertificate))));
        assertThat(run.code()).as(run.all()).isEqualTo(2);
        assertThat(run.err()).contains("security.protocol=SASL_SSL needs credentials", "kafka.sasl.jaas.config");
    }

    @ParameterizedTest
    @ValueSource(strings = {"replay", "run", "dump"})
    void helpShowsNoSecretGivenAnywhere(String command) throws IOException {
        Path config = work.resolve("help.properties");
        Files.writeString(config, "kafka.ssl.truststore.password=" + PASSWORD + "\n");
        Run help = execute(Map.of("SENSORWATCH_KAFKA_SASL_JAAS_CONFIG", jaas(PASSWORD)), command,
                "--config-file", config.toString(), "--kafka.sasl.jaas.config=" + jaas(PASSWORD), "--help");
        assertThat(help.code()).as(help.all()).isZero();
        assertThat(help.out()).contains("--bootstrap-server", "--connect-timeout");
    }

    /**
     * The command's arguments against the SASL listener. Without any security settings the start-up check
     * can only time out, so it gets a short timeout; with them the cluster answers (and refuses) at once,
     * and a longer timeout keeps a slow machine from turning that answer into a timeout.
     */
    String[] args(String command, List<String> security) throws IOException {
        List<String> args = new ArrayList<>(List.of(command, "--bootstrap-server", broker.saslBootstrapServers(),
                "--connect-timeout", security.isEmpty() ? "3s" : "15s"));
        switch (command) {
            case "replay" -> args.addAll(List.of("--format", "csv", "--input", readings().toString(),
                    "--topic", "refused-readings"));
            case "run" -> args.addAll(List.of("--application-id", "refused", "--input-topic", "refused-readings",
                    "--output-topic", "refused-scores", "--anomalies-topic", "refused-anomalies",
                    "--dead-letter-topic", "refused-dlq", "--state-dir", work.resolve("refused-state").toString(),
                    "--metrics-port", "-1", "--stop-when-caught-up"));
            case "dump" -> args.addAll(List.of("--topic", "refused-scores", "--idle-timeout", "1s"));
            default -> throw new IllegalArgumentException(command);
        }
        args.addAll(security);
        return args.toArray(String[]::new);
    }

    static List<CSVRecord> parse(Path file) throws IOException {
        try (var reader = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
    }
}
