package dev.sensorwatch.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group (a Kafka Streams application id) is behind: the committed offsets of
 * the group against the last stable offsets of the topics it reads.
 */
public final class ConsumerLag implements AutoCloseable {

    private final Admin admin;

    /** Connects with {@code clientProperties} (bootstrap servers and any security settings). */
    public ConsumerLag(Properties clientProperties) {
        this.admin = Admin.create(clientProperties);
    }

    /**
     * Records not yet consumed by {@code group} in {@code topics} (internal repartition topics of
     * the group included), or -1 if that cannot be told yet (the group has committed nothing).
     */
    public long lag(String group, Set<String> topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> wanted = latestOfEveryPartition(topics);
            committed.keySet().forEach(tp -> wanted.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                long position = done == null ? 0 : done.offset();
                if (done == null && end.getValue().offset() > 0) {
                    return -1;
                }
                lag += Math.max(0, end.getValue().offset() - position);
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Records in {@code topics} that read-committed consumers cannot see yet because they lie behind
     * a transaction still open: the high watermarks minus the last stable offsets. A producer killed
     * mid-transaction leaves such a transaction until the broker aborts it, after the producer's
     * {@code transaction.timeout.ms}, or until a producer with the same transactional id starts; its
     * records never become visible, but every committed record after them waits for that abort.
     *
     * @return the records held back, or -1 if that cannot be told (a topic or the broker did not answer)
     */
    public long heldBack(Set<String> topics) {
        try {
            Map<TopicPartition, OffsetSpec> wanted = latestOfEveryPartition(topics);
            var stable = admin.listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get(30, TimeUnit.SECONDS);
            var high = admin.listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .all().get(30, TimeUnit.SECONDS);
            long held = 0;
            for (var end : high.entrySet()) {
                held += Math.max(0, end.getValue().offset() - stable.get(end.getKey()).offset());
            }
            return held;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** "The latest offset" for every partition of {@code topics}. */
    private Map<TopicPartition, OffsetSpec> latestOfEveryPartition(Set<String> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        for (String topic : topics) {
            admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().forEach(p -> wanted.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        }
        return wanted;
    }

    @Override
    public void close() {
        admin.close();
    }
}
