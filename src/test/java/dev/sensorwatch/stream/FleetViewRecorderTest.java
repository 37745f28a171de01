package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.SensorEvent;
import dev.sensorwatch.avro.SensorSummary;
import dev.sensorwatch.detect.Signal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet view's stores, as {@link FleetViewRecorder} fills them from the scores. */
class FleetViewRecorderTest {

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;
    TestOutputTopic<String, byte[]> scores;
    DetectorMetrics metrics;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleet-view-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        metrics = DetectorMetrics.inMemory();
        driver = new TopologyTestDriver(DetectorTopology.build(TopologySettings.DEFAULTS, metrics), props);
        input = driver.createInputTopic(TopologySettings.DEFAULT_INPUT_TOPIC, new ByteArraySerializer(), new ByteArraySerializer());
        scores = driver.createOutputTopic(TopologySettings.DEFAULT_SCORES_TOPIC, new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    KeyValueStore<String, byte[]> summaries() {
        return driver.getKeyValueStore(FleetViewStores.SUMMARIES);
    }

    KeyValueStore<Bytes, byte[]> recent() {
        return driver.getKeyValueStore(FleetViewStores.RECENT);
    }

    @Test
    void withoutTheFleetViewTheTopologyHasNoViewStoresAndWritesTheSameScores() {
        double[] values = DetectorTopologyTest.series(600, 400);
        for (int i = 0; i < values.length; i++) {
            input.pipeInput(DetectorTopologyTest.key("pump-1"), DetectorTopologyTest.reading("pump-1", 60_000L * i, values[i]));
        }
        List<byte[]> withView = scores.readValuesToList();
        driver.close();

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleet-view-off-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("off").toString());
        driver = new TopologyTestDriver(DetectorTopology.build(TopologySettings.DEFAULTS.withFleetView(false),
                DetectorMetrics.inMemory()), props);
        assertThat(driver.getAllStateStores()).containsOnlyKeys(TopologySettings.STORE, TopologySettings.MODEL_STORE,
                TopologySettings.JOURNAL_STORE);
        input = driver.createInputTopic(TopologySettings.DEFAULT_INPUT_TOPIC, new ByteArraySerializer(), new ByteArraySerializer());
        scores = driver.createOutputTopic(TopologySettings.DEFAULT_SCORES_TOPIC, new StringDeserializer(),
                new ByteArrayDeserializer());
        for (int i = 0; i < values.length; i++) {
            input.pipeInput(DetectorTopologyTest.key("pump-1"), DetectorTopologyTest.reading("pump-1", 60_000L * i, values[i]));
        }
        List<byte[]> withoutView = scores.readValuesToList();
        assertThat(withoutView).hasSize(600);
        for (int i = 0; i < withView.size(); i++) {
            assertThat(withoutView.get(i)).as("score %d", i).isEqualTo(withView.get(i));
        }
    }

    @Test
    void keepsEachSensorsEventsAndItsLatestScoresInARing() {
        double[] values = DetectorTopologyTest.series(1200, 900);
        for (int i = 0; i < values.length; i++) {
            input.pipeInput(DetectorTopologyTest.key("pump-1"), DetectorTopologyTest.reading("pump-1", 60_000L * i, values[i]));
            input.pipeInput(DetectorTopologyTest.key("fan-2"), DetectorTopologyTest.reading("fan-2", 60_000L * i, 5.0 + (i % 7) * 0.01));
        }
        List<AnomalyScore> emitted = scores.readValuesToList().stream().map(DetectorTopologyTest.SCORES::decode)
                .filter(s -> s.getSensorId().equals("pump-1")).toList();
        assertThat(emitted).hasSize(1200);

        SensorSummary pump = FleetViewStores.summary(summaries(), "pump-1").orElseThrow();
        assertThat(pump.getScored()).isEqualTo(1200);
        assertThat(pump.getLastEventTime().toEpochMilli()).isEqualTo(60_000L * 1199);
        AnomalyScore last = emitted.get(emitted.size() - 1);
        assertThat(pump.getLastScore()).isEqualTo(last.getAnomalyScore());
        assertThat(pump.getInEvent()).isEqualTo(last.getInEvent());

        // the events are the runs of inEvent in the emitted scores, each from its first reading
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < emitted.size(); i++) {
            if (emitted.get(i).getInEvent() && (i == 0 || !emitted.get(i - 1).getInEvent())) {
                runs.add(new long[] {emitted.get(i).getEventTime().toEpochMilli(), 1});
            } else if (emitted.get(i).getInEvent()) {
                runs.get(runs.size() - 1)[1]++;
            }
        }
        assertThat(runs).as("the spike at reading 900 opens an event").isNotEmpty();
        assertThat(pump.getEventsTotal()).isEqualTo(runs.size());
        List<SensorEvent> events = pump.getEvents();
        assertThat(events).hasSize(Math.min(runs.size(), FleetViewStores.EVENTS));
        long[] lastRun = runs.get(runs.size() - 1);
        SensorEvent lastEvent = events.get(events.size() - 1);
        assertThat(lastEvent.getStart().toEpochMilli()).isEqualTo(lastRun[0]);
        assertThat(lastEvent.getReadings()).isEqualTo(lastRun[1]);
        assertThat(lastEvent.getOpen()).isEqualTo(last.getInEvent());
        assertThat(lastEvent.getPeakScore()).isGreaterThanOrEqualTo(0.537);

        // the ring holds exactly the latest RECENT_SCORES scores, oldest first
        List<AnomalyScore> ring = FleetViewStores.recentScores(recent(), pump);
        assertThat(ring).hasSize(FleetViewStores.RECENT_SCORES)
                .isEqualTo(emitted.subList(emitted.size() - FleetViewStores.RECENT_SCORES, emitted.size()));
        assertThat(FleetViewStores.ring(recent(), "pump-1")).hasSize(FleetViewStores.RECENT_SCORES);
        assertThat(FleetViewStores.ring(recent(), "pump-")).isEmpty();

        assertThat(FleetViewStores.all(summaries())).extracting(SensorSummary::getSensorId)
                .containsExactlyInAnyOrder("pump-1", "fan-2");
        double opened = 0;
        for (Signal signal : Signal.values()) {
            opened += metrics.eventsOpened(signal);
        }
        long openNow = FleetViewStores.all(summaries()).stream().filter(SensorSummary::getInEvent).count();
        assertThat(metrics.eventsOpen()).isEqualTo(openNow);
        assertThat(opened).isEqualTo(FleetViewStores.all(summaries()).stream()
                .mapToLong(SensorSummary::getEventsTotal).sum());
    }

    /** With JSON scores the ring still holds Avro scores, the same ones the JSON records describe. */
    @Test
    void withJsonScoresTheRingHoldsTheScoresAsAvro() {
        driver.close();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleet-view-json-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("json").toString());
        driver = new TopologyTestDriver(DetectorTopology.build(
                TopologySettings.DEFAULTS.withOutputFormat(OutputFormat.JSON), DetectorMetrics.inMemory()), props);
        input = driver.createInputTopic(TopologySettings.DEFAULT_INPUT_TOPIC, new ByteArraySerializer(),
                new ByteArraySerializer());
        scores = driver.createOutputTopic(TopologySettings.DEFAULT_SCORES_TOPIC, new StringDeserializer(),
                new ByteArrayDeserializer());
        for (int i = 0; i < 30; i++) {
            input.pipeInput(DetectorTopologyTest.key("pump-1"), DetectorTopologyTest.reading("pump-1", 60_000L * i, i % 4));
        }
        List<String> json = scores.readValuesToList().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        assertThat(json).hasSize(30).allSatisfy(record -> assertThat(record).startsWith("{"));
        SensorSummary pump = FleetViewStores.summary(summaries(), "pump-1").orElseThrow();
        List<AnomalyScore> ring = FleetViewStores.recentScores(recent(), pump);
        assertThat(ring).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(ring.get(i).getEventTime().toEpochMilli()).isEqualTo(60_000L * i);
            assertThat(json.get(i)).contains("\"anomalyScore\":" + ring.get(i).getAnomalyScore(),
                    "\"eventTimeMillis\":" + 60_000L * i);
        }
    }
}
