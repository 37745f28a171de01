package dev.sensorwatch.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics when they do not exist yet, and returns once their partitions have leaders: the one
 * way topics are created, for a cluster ({@code run}, {@code replay}) and for the embedded broker
 * ({@link EmbeddedKafkaBroker#createTopics(Map)}) alike.
 *
 * <p>The topics sensorwatch reads and writes ({@link #ensure(Properties, Map, short)}) are created
 * with {@code message.timestamp.type=LogAppendTime}: readings carry their event time in the value,
 * and a replay of history would otherwise write record timestamps from years ago that time-based
 * retention deletes at once, before they are scored.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    /** The settings of the topics sensorwatch creates for itself. */
    public static final Map<String, String> SENSORWATCH_TOPIC_CONFIGS = Map.of("message.timestamp.type", "LogAppendTime");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Topics() {
    }

    /**
     * The names of the cluster's topics, internal ones left out.
     *
     * @throws IllegalStateException if the cluster cannot be reached
     */
    public static Set<String> names(Properties clientProperties) {
        try (Admin admin = Admin.create(clientProperties)) {
            return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics of the Kafka cluster at "
                    + clientProperties.getProperty("bootstrap.servers") + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
    }

    /**
     * Creates each topic of {@code partitions} that is missing, with its partition count,
     * {@code replicationFactor} (-1 for the broker's default) and {@link #SENSORWATCH_TOPIC_CONFIGS};
     * existing topics are left alone. Logs the topics it created.
     *
     * @return the topics created
     * @throws IllegalStateException if the cluster cannot be reached or refuses
     */
    public static List<String> ensure(Properties clientProperties, Map<String, Integer> partitions,
                                      short replicationFactor) {
        List<String> created = ensure(clientProperties, partitions, replicationFactor, SENSORWATCH_TOPIC_CONFIGS);
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
        }
        return created;
    }

    /**
     * Creates each topic of {@code partitions} that is missing, with its partition count,
     * {@code replicationFactor} (-1 for the broker's default) and the topic settings {@code configs}
     * (none: the broker's defaults); existing topics are left alone, also one created by another
     * client meanwhile. Returns once every partition of the topics it tried to create has a leader.
     *
     * @return the topics created
     * @throws IllegalStateException if the cluster cannot be reached or refuses
     */
    public static List<String> ensure(Properties clientProperties, Map<String, Integer> partitions,
                                      short replicationFactor, Map<String, String> configs) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        try (Admin admin = Admin.create(clientProperties)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            partitions.forEach((topic, count) -> {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.of(count),
                            replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor))
                            .configs(configs));
                }
            });
            if (missing.isEmpty()) {
                return List.of();
            }
            Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
            List<String> created = new ArrayList<>();
            for (NewTopic topic : missing) {
                try {
                    results.get(topic.name()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + partitions.keySet() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot reach the Kafka cluster at "
                    + clientProperties.getProperty("bootstrap.servers") + " within " + TIMEOUT.toSeconds() + " s", e);
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
    private static void awaitLeaders(Admin admin, List<String> topics) {
        // an unknown topic (UnknownTopicOrPartition) until the metadata reaches the broker that answers
        Poll.until("leaders of every partition of the topics " + topics, TIMEOUT, () ->
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                        .flatMap(description -> description.partitions().stream())
                        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty()));
        // a leader in the metadata is not yet a broker that has taken the partition on: it may still
        // answer NOT_LEADER_OR_FOLLOWER for a moment, and an idempotent producer's first batch then
        // comes back out of sequence behind later ones and is retried until it times out (two
        // minutes); a ListOffsets request is answered by the leader only, once it leads
        Poll.until("the leaders of the topics " + topics + " to answer", TIMEOUT, () -> {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((topic, description) ->
                    description.partitions().forEach(p -> ends.put(new TopicPartition(topic, p.partition()),
                            OffsetSpec.latest())));
            admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
            return true;
        });
    }
}
