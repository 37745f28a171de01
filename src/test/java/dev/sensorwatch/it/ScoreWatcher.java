package dev.sensorwatch.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows a scores topic from its beginning with a read-committed consumer on a thread of its own:
 * how many scores are committed so far (the progress that kill points are chosen by), and when
 * each partition's offsets first became visible (for the takeover time). Keeps polling through
 * broker outages.
 */
final class ScoreWatcher implements AutoCloseable {

    /** One poll's news for one partition: the highest offset seen and when. */
    private record Seen(long offset, long nanos) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong count = new AtomicLong();
    private final Map<Integer, List<Seen>> seen = new HashMap<>();
    private volatile Exception failure;

    ScoreWatcher(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // a topic created a moment ago may not be in the metadata yet
        List<TopicPartition> partitions = await("partitions of " + topic).atMost(Duration.ofSeconds(30))
                .until(() -> consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList(), list -> !list.isEmpty());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::poll, "score-watcher-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                if (!records.isEmpty()) {
                    synchronized (seen) {
                        for (TopicPartition tp : records.partitions()) {
                            var batch = records.records(tp);
                            seen.computeIfAbsent(tp.partition(), p -> new ArrayList<>())
                                    .add(new Seen(batch.get(batch.size() - 1).offset(), now));
                        }
                    }
                    count.addAndGet(records.count());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Scores seen so far. */
    long count() {
        if (failure != null) {
            throw new IllegalStateException("score watcher failed", failure);
        }
        return count.get();
    }

    /** When a record at {@code offset} or later of {@code partition} was first seen ({@link System#nanoTime()}). */
    OptionalLong firstSeenAtOrAfter(int partition, long offset) {
        synchronized (seen) {
            for (Seen s : seen.getOrDefault(partition, List.of())) {
                if (s.offset() >= offset) {
                    return OptionalLong.of(s.nanos());
                }
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }
}
