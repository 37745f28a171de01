package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session a user scripts, through the real commands on a real broker: {@code replay} the
 * shipped NAB sample, {@code run} until caught up, {@code dump} the scores topic — and the
 * dumped scores equal, bit for bit, what {@code score} writes for the same files.
 */
class CliSessionIT {

    @TempDir
    static Path work;
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(work.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static Path sample() throws URISyntaxException {
        return Path.of(CliSessionIT.class.getResource("/demo/nab/index.txt").toURI()).getParent();
    }

    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code of %s; err: %s", List.of(args), err).isZero();
        return out.toString();
    }

    @Test
    void dumpedScoresOfAReplayEqualTheScoreCommandsBitForBit() throws Exception {
        session("session");
    }

    /**
     * The same with a training period, each sensor's state decoded from the store at every reading
     * (no detector cache): the training buffer, the trained model and its running state all go
     * through the store and its changelog, and the scores still equal {@code score}'s.
     */
    @Test
    void withATrainingPeriodTheDumpedScoresEqualTheScoreCommandsBitForBit() throws Exception {
        Map<String, List<String>> signals = session("trained", "--learn-first", "500", "--detector-cache", "0");
        for (List<String> sensor : signals.values()) {
            assertThat(sensor.subList(0, 500)).containsOnly("training");
            assertThat(sensor.subList(500, sensor.size())).doesNotContain("training");
        }
    }

    /**
     * The same with the output topics in JSON: {@code dump} reads them, and the numbers come
     * through the JSON text bit for bit; a plain consumer parses each record with Jackson.
     */
    @Test
    void withJsonRecordsTheDumpedScoresEqualTheScoreCommandsBitForBit() throws Exception {
        session("json", "--output-format", "json");
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("isolation.level", "read_committed");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("json-scores", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            var records = consumer.poll(Duration.ofSeconds(10));
            assertThat(records.isEmpty()).isFalse();
            ObjectMapper json = new ObjectMapper();
            for (var record : records) {
                JsonNode score = json.readTree(record.value());
                assertThat(score.get("sensorId").asText()).isEqualTo(record.key());
                assertThat(score.get("observed").get("value").isNumber()).as(record.value()).isTrue();
            }
        }
    }

    /** Replays the sample, runs and dumps with {@code options}, compares with {@code score}; returns each sensor's signals. */
    private Map<String, List<String>> session(String name, String... options) throws Exception {
        String bootstrap = broker.bootstrapServers();
        Path input = sample();
        run("replay", "--bootstrap-server", bootstrap, "--format", "nab", "--input", input.toString(),
                "--topic", name + "-readings", "--partitions", "2");
        List<String> runArgs = new ArrayList<>(List.of("run", "--bootstrap-server", bootstrap, "--application-id", name,
                "--input-topic", name + "-readings", "--output-topic", name + "-scores",
                "--anomalies-topic", name + "-anomalies", "--dead-letter-topic", name + "-dlq",
                "--state-dir", work.resolve(name + "-state").toString(), "--metrics-port", "-1", "--partitions", "2",
                "--stop-when-caught-up"));
        runArgs.addAll(List.of(options));
        String ran = run(runArgs.toArray(String[]::new));
        assertThat(ran).contains("Caught up with " + name + "-readings");
        Path dumped = work.resolve(name + "-scores.csv");
        run("dump", "--bootstrap-server", bootstrap, "--topic", name + "-scores", "--idle-timeout", "2s",
                "--output", dumped.toString());
        Path scored = work.resolve(name + "-scored");
        List<String> scoreArgs = new ArrayList<>(List.of("score", "--format", "nab", "--input", input.toString(),
                "--output", scored.toString()));
        for (int i = 0; i < options.length; i += 2) {
            if (!options[i].equals("--detector-cache") && !options[i].equals("--output-format")) {
                scoreArgs.addAll(List.of(options[i], options[i + 1]));
            }
        }
        run(scoreArgs.toArray(String[]::new));
        Map<String, List<String>> signals = new LinkedHashMap<>();

        Map<String, List<String>> fromStream = new LinkedHashMap<>();
        for (CSVRecord row : parse(dumped)) {
            fromStream.computeIfAbsent(row.get("sensor_id"), k -> new ArrayList<>())
                    .add(Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(row.get("anomaly_score")))));
            signals.computeIfAbsent(row.get("sensor_id"), k -> new ArrayList<>()).add(row.get("signal"));
        }
        Map<String, List<String>> fromFiles = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(scored)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                List<String> bits = new ArrayList<>();
                for (CSVRecord row : parse(file)) {
                    bits.add(Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(row.get("anomaly_score")))));
                }
                fromFiles.put(scored.relativize(file).toString().replace('\\', '/'), bits);
            }
        }
        assertThat(fromFiles).isNotEmpty();
        assertThat(fromStream.keySet()).containsExactlyInAnyOrderElementsOf(fromFiles.keySet());
        for (String sensor : fromFiles.keySet()) {
            assertThat(fromStream.get(sensor)).as("scores of %s", sensor).isEqualTo(fromFiles.get(sensor));
        }
        return signals;
    }

    static List<CSVRecord> parse(Path file) throws IOException {
        try (var reader = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
    }
}
