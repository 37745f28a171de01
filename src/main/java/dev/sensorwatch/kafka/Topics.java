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
}
