package dev.sensorwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Integration tests for {@link EmbeddedKafkaBroker}: a real in-process KRaft broker. */
class EmbeddedKafkaBrokerIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int RECORDS = 100;

    @TempDir
    static Path sharedDir;

    /** One broker for the tests that do not restart it. */
    private static EmbeddedKafkaBroker shared;

    @BeforeAll
    static void startShared() {
        long t0 = System.nanoTime();
        shared = EmbeddedKafkaBroker.start(sharedDir);
        System.out.printf("embedded broker startup (fresh dir): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopShared() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void transactionalProducerAndReadCommittedConsumerSeeAllRecords() {
        shared.createTopics(Map.of("tx-topic", 3));

        produceTransactionally(shared.bootstrapServers(), "tx-topic", "tx-test");

        List<ConsumerRecord<String, String>> records = consumeAll(shared.bootstrapServers(), "tx-topic", RECORDS);
        assertExpectedRecords(records);
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        assertThat(records.stream().map(ConsumerRecord::partition).distinct().count()).isEqualTo(3);
    }

    @Test
    void consumerGroupGetsRecordsPromptlyAndCommitsOffsets() {
        shared.createTopics(Map.of("group-topic", 2));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(shared.bootstrapServers()))) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("group-topic", "k" + i, "v" + i));
            }
            producer.flush();
        }

        Map<String, Object> conf = consumerConfig(shared.bootstrapServers());
        conf.put(ConsumerConfig.GROUP_ID_CONFIG, "group-test");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        long t0 = System.nanoTime();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(conf)) {
            consumer.subscribe(List.of("group-topic"));
            // 10 s is generous; with group.initial.rebalance.delay.ms at its default the first assignment
            // alone takes 3 s, and with offsets RF 3 on one node the group never forms at all.
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
                assertThat(received).hasSize(10);
            });
            System.out.printf("consumer group got its records in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            consumer.commitSync();
        }
        assertThat(received).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> "v" + i).toList());

        try (Admin admin = admin(shared.bootstrapServers())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("group-test")
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(10);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void restartOnTheSameDirectoryAndPortKeepsTopicsAndRecords(@TempDir Path dir) {
        Set<Thread> threadsBefore = nonDaemonThreads();
        EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(dir, 0, Map.of());
        int port = first.port();
        first.createTopics(Map.of("kept", 3));
        produceTransactionally(first.bootstrapServers(), "kept", "restart-test");
        assertExpectedRecords(consumeAll(first.bootstrapServers(), "kept", RECORDS));
        first.stop();
        first.stop(); // idempotent

        // clean shutdown: the port is free and no new non-daemon thread is left to keep a JVM alive
        assertThat(portIsFree(port)).isTrue();
        await().atMost(WAIT).untilAsserted(() -> {
            Set<Thread> left = nonDaemonThreads();
            left.removeAll(threadsBefore);
            assertThat(left).extracting(Thread::getName).isEmpty();
        });

        long t0 = System.nanoTime();
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(dir, port, Map.of())) {
            System.out.printf("embedded broker restart (existing dir): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(second.port()).isEqualTo(port);
            assertThat(second.dataDir()).isEqualTo(first.dataDir());
            try (Admin admin = admin(second.bootstrapServers())) {
                assertThat(admin.listTopics().names().get()).contains("kept");
                assertThat(admin.describeTopics(List.of("kept")).allTopicNames().get().get("kept").partitions())
                        .hasSize(3);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            second.createTopics(Map.of("kept", 3)); // existing topic: fine
            assertExpectedRecords(consumeAll(second.bootstrapServers(), "kept", RECORDS));
        }
    }

    @Test
    void tlsClientAgainstAPlainListenerIsToldToCheckTheSecurityProtocol() {
        Properties tls = new Properties();
        tls.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, shared.bootstrapServers());
        tls.put("security.protocol", "SSL");
        assertThatThrownBy(() -> ClusterCheck.verify(tls, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no answer from the Kafka cluster at " + shared.bootstrapServers())
                .hasMessageContaining("security.protocol=SSL")
                .hasMessageContaining("its listener expects another security protocol");
    }

    @Test
    void aFurtherListenerIsNamedByItsProtocol() {
        assertThatThrownBy(() -> new EmbeddedKafkaBroker.Listener("PLAINTEXT", 0, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLAINTEXT");
        assertThat(new EmbeddedKafkaBroker.Listener("SASL_SSL", 0, Map.of("ssl.keystore.password", "xyzzy1")))
                .asString().contains("SASL_SSL", "ssl.keystore.password").doesNotContain("xyzzy");
        assertThatThrownBy(() -> shared.port("SASL_SSL")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no SASL_SSL listener");
    }

    @Test
    void bindsLoopbackOnly() throws Exception {
        assertThat(shared.bootstrapServers()).startsWith("127.0.0.1:").isEqualTo("127.0.0.1:" + shared.port());
        assertThat(shared.port()).isPositive();
        assertThat(shared.dataDir()).isEqualTo(sharedDir.toAbsolutePath().normalize());
        try (Admin admin = admin(shared.bootstrapServers())) {
            Collection<Node> nodes = admin.describeCluster().nodes().get();
            assertThat(nodes).singleElement().satisfies(node -> {
                assertThat(node.host()).isEqualTo("127.0.0.1");
                assertThat(node.port()).isEqualTo(shared.port());
                assertThat(node.id()).isEqualTo(1);
            });
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void produceTransactionally(String bootstrap, String topic, String transactionalId) {
        Map<String, Object> conf = producerConfig(bootstrap);
        conf.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(conf)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.commitTransaction();
        }
    }

    /** Reads the whole topic from the beginning with a read_committed consumer, without a group. */
    private static List<ConsumerRecord<String, String>> consumeAll(String bootstrap, String topic, int expected) {
        Map<String, Object> conf = consumerConfig(bootstrap);
        conf.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(conf)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).pollDelay(Duration.ZERO).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                assertThat(records).hasSizeGreaterThanOrEqualTo(expected);
            });
            // nothing beyond the expected records (e.g. no duplicates)
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static void assertExpectedRecords(List<ConsumerRecord<String, String>> records) {
        assertThat(records).hasSize(RECORDS);
        Map<String, String> byKey = records.stream()
                .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.put("k" + i, "v" + i);
        }
        assertThat(byKey).isEqualTo(expected);
    }

    private static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> conf = new HashMap<>();
        conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        conf.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        conf.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        conf.put(ProducerConfig.ACKS_CONFIG, "all");
        conf.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        return conf;
    }

    private static Map<String, Object> consumerConfig(String bootstrap) {
        Map<String, Object> conf = new HashMap<>();
        conf.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        conf.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        conf.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        conf.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        conf.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        conf.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return conf;
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .filter(t -> !t.getName().startsWith("awaitility")) // the thread evaluating the condition
                .collect(Collectors.toSet());
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as Kafka's own acceptor (the JDK default on Unix)
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
