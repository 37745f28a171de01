package dev.sensorwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import dev.sensorwatch.kafka.Topics;
import dev.sensorwatch.stream.AvroSerde;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet view and {@code /metrics} of two instances of {@code sensorwatch run} (child JVMs, one
 * application) on a real broker: each answers for the whole fleet, a sensor's page is answered
 * through the instance that holds it, every metric the dashboards and alert rules in {@code ops/}
 * use is in a real scrape, and the pages, opened in headless Chromium, show the sensors and their
 * events.
 */
class FleetViewIT {

    static final int SENSORS = 12;
    static final int READINGS = 600;
    static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    static final AvroSerde<SensorReading> READINGS_SERDE = AvroSerde.of(SensorReading.class);
    static final Pattern METRIC = Pattern.compile("\\b((?:sensorwatch|kafka|jvm|process|system)_[a-z0-9_]+)");

    @TempDir
    static Path work;
    static EmbeddedKafkaBroker broker;

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

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

    @Test
    void twoInstancesServeTheWholeFleetAndEveryMetricTheOpsFilesUse() throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", broker.bootstrapServers());
        Topics.ensure(client, Map.of("fleet-readings", 4, "fleet-scores", 4, "fleet-anomalies", 4, "fleet-dlq", 1),
                (short) 1);

        int[] ports = {freePort(), freePort()};
        AtomicReference<String> last = new AtomicReference<>();
        for (int i = 0; i < 2; i++) {
            apps.start(work, "fleet-" + i, List.of("--bootstrap-server", broker.bootstrapServers(),
                    "--application-id", "fleet", "--state-dir", work.resolve("state-" + i).toString(),
                    "--input-topic", "fleet-readings", "--output-topic", "fleet-scores",
                    "--anomalies-topic", "fleet-anomalies", "--dead-letter-topic", "fleet-dlq",
                    "--no-create-topics", "--metrics-port", String.valueOf(ports[i])));
        }

        // the readings go out once both instances share the group: a task that moved after its sensors
        // were scored would hold them with an empty ring of recent scores (the ring has no changelog)
        for (int port : ports) {
            await("instance :" + port + " has joined the group with the other").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("an instance ended", () -> apps.all().stream().anyMatch(a -> !a.isAlive()))
                    .until(() -> {
                        JsonNode list = getJson(port, "/api/sensors");
                        return list != null && list.get("instances").size() == 2;
                    });
        }
        publish(client);

        // each instance lists all sensors, gathered from both, once everything is scored
        for (int port : ports) {
            await("instance :" + port + " lists every sensor fully scored").atMost(Duration.ofMinutes(4))
                    .conditionEvaluationListener(c -> {
                        if (c.getRemainingTimeInMS() < 600) {
                            System.out.println("last answer: " + last.get());
                        }
                    })
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("an instance ended", () -> apps.all().stream().anyMatch(a -> !a.isAlive()))
                    .until(() -> {
                        JsonNode list = getJson(port, "/api/sensors");
                        last.set(port + ": " + (list != null ? list.toString() : describe(port, "/api/sensors")));
                        if (list == null || list.get("sensorsTotal").asInt() != SENSORS
                                || list.get("instances").size() != 2) {
                            return false;
                        }
                        for (JsonNode sensor : list.get("sensors")) {
                            if (sensor.get("readings").asInt() != READINGS) {
                                return false;
                            }
                        }
                        return true;
                    });
        }
        JsonNode list = getJson(ports[0], "/api/sensors");
        Set<String> holders = new TreeSet<>();
        list.get("sensors").forEach(s -> holders.add(s.get("instance").asText()));
        assertThat(holders).as("sensors are held by both instances").hasSize(2);
        assertThat(list.get("openEvents").asInt()).as("the sensors whose spike is recent are in an event").isPositive();
        JsonNode first = list.get("sensors").get(0);
        assertThat(first.get("openEvent").isNull()).as("sensors in an event are listed first: %s", first).isFalse();

        // a sensor's page is the same whichever instance is asked
        for (int s = 0; s < SENSORS; s++) {
            String id = sensorId(s);
            JsonNode a = getJson(ports[0], "/api/sensors/" + encode(id));
            JsonNode b = getJson(ports[1], "/api/sensors/" + encode(id));
            assertThat(a).as(id).isNotNull().isEqualTo(b);
            // the ring is local to the instance holding the sensor: the latest readings, a minute apart
            JsonNode recent = a.get("recent");
            assertThat(recent.size()).as(id).isBetween(1, 500);
            long lastMinute = START + 60_000L * (READINGS - 1);
            for (int k = 0; k < recent.size(); k++) {
                assertThat(recent.get(k).get("t").asLong()).as("%s reading %d", id, k)
                        .isEqualTo(lastMinute - 60_000L * (recent.size() - 1 - k));
            }
            if (s % 2 == 0) {
                assertThat(a.get("events").size()).as("%s has the event of its level shift", id).isPositive();
            }
            assertThat(a.get("sensor").get("channels").asInt()).isEqualTo(2);
            assertThat(a.get("sensor").get("channelNames").toString()).isEqualTo("[\"flow\",\"pressure\"]");
            if (s % 2 == 0) {
                assertThat(a.get("events").get(0).get("topChannel").asInt()).as("the shift is in pressure").isEqualTo(1);
            }
        }
        assertThat(get(ports[0], "/api/sensors/no-such-sensor").statusCode()).isEqualTo(404);

        // every metric name used by the dashboards and alert rules is in a real scrape
        String scrape = get(ports[0], "/metrics").body() + get(ports[1], "/metrics").body();
        Set<String> used = metricNamesUsedIn(Path.of("ops/grafana"), Path.of("ops/prometheus"));
        assertThat(used).contains("sensorwatch_consumer_lag_records", "sensorwatch_streams_state");
        Set<String> scraped = new TreeSet<>();
        Matcher names = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(scrape);
        while (names.find()) {
            scraped.add(names.group(1));
        }
        assertThat(scraped).as("metrics used in ops/ but missing from the scrape").containsAll(used);
        assertThat(scrape)
                .contains("# HELP sensorwatch_streams_state Kafka Streams client state")
                .contains("sensorwatch_streams_state{application=\"fleet\"")
                .contains("state=\"RUNNING\"} 1.0")
                .contains("# HELP sensorwatch_events_open ")
                .contains("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "process_cpu_usage",
                        "process_uptime_seconds");
        for (int p = 0; p < 4; p++) {
            assertThat(scrape).as("lag of input partition %d", p)
                    .containsPattern("sensorwatch_consumer_lag_records\\{[^}]*partition=\"" + p
                            + "\",topic=\"fleet-readings\"} 0.0");
        }
        assertThat(Pattern.compile("(?m)^sensorwatch_anomaly_score_bucket\\{[^}]*le=\"0\\.5\"} ([0-9.E]+)").matcher(scrape)
                .results().mapToDouble(m -> Double.parseDouble(m.group(1))).sum())
                .as("scores spread over the histogram's buckets: most below 0.5").isGreaterThan(SENSORS * READINGS / 2.0);

        for (AppProcess app : apps.all()) {
            assertThat(app.tail(2000)).as("%s's log", app).doesNotContain("registration has failed");
        }

        // the pages, in a real browser
        Path chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
                .flatMap(name -> Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(chromium != null, "headless Chromium is not installed (apt-get install chromium);"
                + " the pages were not opened in a browser");
        String fleet = browse(chromium, "http://127.0.0.1:" + ports[1] + "/", "fleet");
        assertThat(fleet).contains("data-loaded=\"true\"", "12</b> sensors", "in an event now", "in event since");
        for (int s = 0; s < SENSORS; s++) {
            assertThat(fleet).contains(">" + sensorId(s) + "</a>");
        }
        String held = list.get("sensors").get(0).get("sensorId").asText();
        String page = browse(chromium, "http://127.0.0.1:" + ports[1] + "/sensors/" + encode(held), "sensor");
        assertThat(page).contains("data-loaded=\"true\"", "2 channels", "600 readings scored", "uplot", "Peak score",
                        "predicted pressure", "<td>pressure</td>")
                .containsPattern("<td>(going on|over)</td>");
    }

    /** Renders {@code url} headless, letting its scripts run; returns the DOM and keeps a screenshot. */
    String browse(Path chromium, String url, String name) throws Exception {
        List<String> flags = List.of("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--window-size=1400,1300", "--virtual-time-budget=5000");
        Process shot = new ProcessBuilder(concat(chromium, flags, "--screenshot=" + work.resolve(name + ".png"), url))
                .redirectErrorStream(true).redirectOutput(work.resolve(name + "-shot.log").toFile()).start();
        Process dom = new ProcessBuilder(concat(chromium, flags, "--dump-dom", url))
                .redirectError(work.resolve(name + "-dom.log").toFile()).start();
        String html = new String(dom.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dom.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(shot.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(work.resolve(name + ".png")).isNotEmptyFile();
        return html;
    }

    private static List<String> concat(Path chromium, List<String> flags, String... more) {
        List<String> command = new ArrayList<>();
        command.add(chromium.toString());
        command.addAll(flags);
        command.addAll(List.of(more));
        return command;
    }

    /**
     * The metric names in the queries of {@code dirs}: the {@code expr} of every dashboard panel
     * target and alert rule, and the series of the alert rules' unit tests (not prose).
     */
    Set<String> metricNamesUsedIn(Path... dirs) throws IOException {
        List<String> queries = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(file);
                    if (file.toString().endsWith(".json")) {
                        json.readTree(text).findValues("expr").forEach(expr -> queries.add(expr.asText()));
                    } else if (file.toString().endsWith(".yml")) {
                        Matcher rule = Pattern.compile("(?ms)\\bexpr:(.*?)^\\s+(?:for|labels|annotations):").matcher(text);
                        while (rule.find()) {
                            queries.add(rule.group(1));
                        }
                        Matcher series = Pattern.compile("series: '([^']*)'").matcher(text);
                        while (series.find()) {
                            queries.add(series.group(1));
                        }
                    }
                }
            }
        }
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static String sensorId(int s) {
        return "site-" + (char) ('a' + s % 3) + "/pump " + s;
    }

    /** Two channels per sensor, readings a minute apart, a jump in one channel late in each series. */
    static void publish(Properties client) throws Exception {
        Properties props = new Properties();
        props.putAll(client);
        props.put("enable.idempotence", "true");
        long start = START;
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int t = 0; t < READINGS; t++) {
                for (int s = 0; s < SENSORS; s++) {
                    double flow = 10 + Math.sin(2 * Math.PI * t / 60.0) + 0.05 * (((t * 31 + s * 17) % 11) - 5);
                    double pressure = 3 + 0.3 * Math.cos(2 * Math.PI * t / 60.0) + 0.02 * (((t * 13 + s) % 7) - 3);
                    if (t >= READINGS - 40 - 10 * s && s % 2 == 0) {
                        pressure += 4; // a level shift late in the series of every other sensor
                    }
                    SensorReading reading = SensorReading.newBuilder().setSensorId(sensorId(s))
                            .setEventTime(Instant.ofEpochMilli(start + 60_000L * t)).setValues(List.of(flow, pressure))
                            .setTags(Map.of("channels", "flow,pressure")).build();
                    sent.add(producer.send(new ProducerRecord<>("fleet-readings", sensorId(s), READINGS_SERDE.encode(reading))));
                }
            }
            producer.flush();
            for (Future<RecordMetadata> each : sent) {
                each.get(); // a reading that was not written fails here, not as a sensor that never catches up
            }
        }
    }

    static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String describe(int port, String path) {
        try {
            HttpResponse<String> response = get(port, path);
            return response.statusCode() + " " + response.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    JsonNode getJson(int port, String path) {
        try {
            HttpResponse<String> response = get(port, path);
            return response.statusCode() == 200 ? json.readTree(response.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }
}
