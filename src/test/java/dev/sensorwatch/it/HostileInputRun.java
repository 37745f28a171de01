package dev.sensorwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.stream.AvroSerde;
import dev.sensorwatch.stream.DeadLetterReason;
import dev.sensorwatch.stream.DetectorMetrics;
import dev.sensorwatch.stream.DetectorTopology;
import dev.sensorwatch.stream.HostileTraffic;
import dev.sensorwatch.stream.HostileTraffic.Input;
import dev.sensorwatch.stream.HostileTraffic.Sizes;
import dev.sensorwatch.stream.HostileTraffic.Traffic;
import dev.sensorwatch.stream.StreamsRunner;
import dev.sensorwatch.stream.TopologySettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The hostile-input scenario on a real broker: {@link HostileTraffic} is published to a readings
 * topic with three partitions, processed by {@link StreamsRunner} with exactly-once, and the
 * scores and dead letters are read back read-committed. Every bad record must be dead-lettered
 * exactly once with its reason and original bytes, each sensor's scores must equal, byte for
 * byte, those of the same topology run over the valid readings alone, the counts must add up,
 * the dead-letter metric must count every reason, and the application must still be running.
 */
final class HostileInputRun {

    private static final AvroSerde<DeadLetter> DEAD_LETTERS = AvroSerde.of(DeadLetter.class);
    private static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    private static final Pattern DEAD_LETTER_METRIC =
            Pattern.compile("^sensorwatch_dead_letters_total\\{[^}]*reason=\"([a-z_]+)\"[^}]*} ([0-9.E]+)$", Pattern.MULTILINE);

    private final BrokerScenarios broker;
    private final Path stateDir;

    HostileInputRun(BrokerScenarios broker, Path stateDir) {
        this.broker = broker;
        this.stateDir = stateDir;
    }

    /**
     * Sizes for a real broker: values up to its default limit of 1 MiB a record (oversized ones
     * just under it), far-future times lead the wall clock.
     */
    static Sizes sizes(int validPerSensor, int bad, int hugeArrays) {
        return new Sizes(validPerSensor, bad, 512 << 10, (1 << 20) - 100, hugeArrays, TopologySettings.DEFAULT_MAX_FUTURE_SKEW.toMillis(),
                Duration.ofHours(1).toMillis(), true);
    }

    void run(long seed, Sizes sizes) throws Exception {
        long started = System.nanoTime();
        Traffic traffic = HostileTraffic.generate(seed, sizes);
        System.out.print(traffic.table());
        String why = "seed " + seed;
        TopologySettings settings = BrokerScenarios.uniqueTopics();
        broker.createTopics(settings, 3);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Properties props = StreamsRunner.properties("hostile-" + settings.inputTopic(), broker.bootstrapServers(),
                stateDir.resolve("hostile-" + settings.inputTopic()), Map.of("commit.interval.ms", "100"));
        assertThat(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        try (StreamsRunner runner = new StreamsRunner(DetectorTopology.build(settings, new DetectorMetrics(registry)),
                props, registry)) {
            runner.start();
            // where each record landed: partition and offset identify it in its dead letter
            Map<Long, Input> byPosition = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
                List<Future<RecordMetadata>> sent = new ArrayList<>(traffic.mixed().size());
                for (Input record : traffic.mixed()) {
                    sent.add(producer.send(new ProducerRecord<>(settings.inputTopic(), null, record.timestamp(),
                            record.key(), record.value())));
                }
                producer.flush();
                for (int i = 0; i < sent.size(); i++) {
                    RecordMetadata meta = sent.get(i).get();
                    byPosition.put(position(meta.partition(), meta.offset()), traffic.mixed().get(i));
                }
            }
            int valid = traffic.validOnly().size();
            int bad = traffic.bad();
            List<ConsumerRecord<String, byte[]>> scores;
            List<ConsumerRecord<String, byte[]>> letters;
            try {
                scores = broker.readCommitted(settings.scoresTopic(), valid);
                letters = broker.readCommitted(settings.deadLetterTopic(), bad);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(why + ": not all " + valid + " scores and " + bad + " dead letters arrived within "
                        + BrokerScenarios.PATIENCE + "; the application is " + runner.state(), e);
            }
            System.out.printf("%s: %,d records published and processed in %.1f s%n", why, traffic.mixed().size(),
                    (System.nanoTime() - started) / 1e9);

            // each sensor's scores: byte for byte those of the topology over the valid readings alone
            Map<String, List<String>> expected = BrokerScenarios.bytesBySensor(cleanRun(settings, traffic.validOnly()));
            Map<String, List<String>> actual = BrokerScenarios.bytesBySensor(scores);
            assertThat(actual.keySet()).as(why).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (String sensor : expected.keySet()) {
                assertThat(actual.get(sensor)).as("%s: scores of %s", why, sensor).isEqualTo(expected.get(sensor));
            }
            for (ConsumerRecord<String, byte[]> score : scores) {
                assertThat(Double.isFinite(SCORES.decode(score.value()).getAnomalyScore())).as(why).isTrue();
            }

            // every bad record exactly once, with its reason and original bytes; no valid one
            Map<Long, DeadLetter> seen = new HashMap<>();
            Map<DeadLetterReason, Integer> byReason = new EnumMap<>(DeadLetterReason.class);
            for (ConsumerRecord<String, byte[]> record : letters) {
                DeadLetter letter = DEAD_LETTERS.decode(record.value());
                long position = position(letter.getPartition(), letter.getOffset());
                Input original = byPosition.get(position);
                String what = why + ": dead letter for " + letter.getPartition() + "@" + letter.getOffset() + " ("
                        + (original == null ? "?" : original.kind()) + ", " + letter.getDetail() + ")";
                assertThat(letter.getTopic()).as(what).isEqualTo(settings.inputTopic());
                assertThat(original).as(what + " names a published record").isNotNull();
                assertThat(original.valid()).as(what + " is a valid reading").isFalse();
                assertThat(seen.put(position, letter)).as(what + " is a duplicate").isNull();
                assertThat(letter.getReason()).as(what).isEqualTo(original.kind().expected().code());
                assertThat(bytes(letter.getKey())).as(what + ": key").isEqualTo(original.key());
                if (original.valueLeftOut()) {
                    assertThat(letter.getValue()).as(what + ": value left out").isNull();
                    assertThat(letter.getDetail()).as(what).contains("is left out of this dead letter",
                            "read it at " + settings.inputTopic() + "-" + letter.getPartition() + "@" + letter.getOffset());
                } else {
                    assertThat(bytes(letter.getValue())).as(what + ": value").isEqualTo(original.value());
                }
                byReason.merge(original.kind().expected(), 1, Integer::sum);
            }
            assertThat(seen).as("%s: dead letters", why).hasSize(bad);
            assertThat(byReason).as(why).isEqualTo(traffic.expectedByReason());
            assertThat(scores.size() + letters.size()).as("%s: scores + dead letters", why).isEqualTo(valid + bad);

            // the metric counts each reason; the application is still running
            Map<String, Double> metric = new LinkedHashMap<>();
            Matcher m = DEAD_LETTER_METRIC.matcher(registry.scrape());
            while (m.find()) {
                metric.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                assertThat(metric.get(reason.code())).as("%s: sensorwatch_dead_letters_total{reason=%s}", why, reason.code())
                        .isEqualTo(traffic.expectedByReason().getOrDefault(reason, 0).doubleValue());
            }
            await().atMost(BrokerScenarios.PATIENCE).untilAsserted(() ->
                    assertThat(runner.state()).as("%s: state after the bad records", why).isEqualTo(KafkaStreams.State.RUNNING));
            System.out.printf("%s: %,d valid readings scored as without the bad ones, %,d bad records dead-lettered "
                    + "once each with the expected reason; dead-letter metric %s; still %s (%.1f s)%n", why, valid, bad,
                    metric, runner.state(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** The scores of the same topology over {@code validOnly}, through {@link TopologyTestDriver}. */
    private List<ConsumerRecord<String, byte[]>> cleanRun(TopologySettings settings, List<Input> validOnly) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hostile-clean");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("clean-" + settings.inputTopic()).toString());
        List<ConsumerRecord<String, byte[]>> scores = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(
                DetectorTopology.build(settings, DetectorMetrics.inMemory()), props)) {
            var input = driver.createInputTopic(settings.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
            var output = driver.createOutputTopic(settings.scoresTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            var letters = driver.createOutputTopic(settings.deadLetterTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            for (Input record : validOnly) {
                input.pipeInput(record.key(), record.value(), record.timestamp());
            }
            assertThat(letters.isEmpty()).as("valid readings alone give no dead letter").isTrue();
            output.readRecordsToList().forEach(r -> scores.add(new ConsumerRecord<>(settings.scoresTopic(), 0,
                    scores.size(), r.key(), r.value())));
        }
        assertThat(scores).hasSize(validOnly.size());
        return scores;
    }

    private static long position(int partition, long offset) {
        return ((long) partition << 48) | offset;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
