package dev.sensorwatch.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics sensorwatch reads and writes, when they do not exist yet. They are created
 * with {@code message.timestamp.type=LogAppendTime}: readings carry their event time in the
 * value, and a replay of history would otherwise write record timestamps from years ago that
 * time-based retention deletes at once, before they are scored.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {
    }

    /**
     * Creates each topic of {@code partitions} that is missing, with its partition count and
     * {@code replicationFactor} (-1 for the broker's default); existing topics are left alone.
     *
     * @return the topics created
     * @throws IllegalStateException if the cluster cannot be reached or refuses
     */
    public static List<String> ensure(Properties clientProperties, Map<String, Integer> partitions,
                                      short replicationFactor) {
        try (Admin admin = Admin.create(clientProperties)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            partitions.forEach((topic, count) -> {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.of(count),
                            replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor))
                            .configs(Map.of("message.timestamp.type", "LogAppendTime")));
                }
            });
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
                LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + partitions.keySet() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot reach the Kafka cluster at "
                    + clientProperties.getProperty("bootstrap.servers") + " within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until every partition of {@code topics} has a leader in the cluster's metadata. A producer
     * that writes to a partition before the broker has taken it on gets a retriable error for its first
     * request while later requests may already succeed; with idempotence that first batch can then be
     * refused as out of sequence until it times out (KAFKA-15591). Waiting here keeps {@code replay} and
     * {@code run} from producing into topics they have just created before the brokers know them.
     */
    private static void awaitLeaders(Admin admin, List<String> topics)
            throws InterruptedException, TimeoutException {
        // TimeoutException: one describeTopics call went unanswered (the cluster is gone)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                boolean led = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                        .flatMap(description -> description.partitions().stream())
                        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition until the metadata reaches the broker that answers
                LOG.debug("topics {} not described yet: {}", topics, e.getCause().getMessage());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("created topics " + topics + ", but their partitions have no leader"
                        + " after 60 s");
            }
            Thread.sleep(50); // a poll interval while the brokers apply the new topics
        }
    }
}
