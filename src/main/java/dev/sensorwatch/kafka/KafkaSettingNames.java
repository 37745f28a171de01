package dev.sensorwatch.kafka;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The names of the settings a Kafka client or Kafka Streams understands, taken from Kafka's own
 * configuration definitions, so that a misspelt {@code kafka.*} setting is caught at start-up
 * instead of being passed along and ignored.
 *
 * <p>Known are the names defined by {@link StreamsConfig}, {@link ProducerConfig},
 * {@link ConsumerConfig} and {@link AdminClientConfig}, and the prefixed forms Kafka Streams hands
 * on to one kind of client: {@code producer.}, {@code consumer.}, {@code main.consumer.},
 * {@code restore.consumer.}, {@code global.consumer.} (with a producer or consumer setting),
 * {@code admin.} (with an admin client setting) and {@code topic.} (with a topic setting of
 * {@link TopicConfig}, for the internal topics).
 */
public final class KafkaSettingNames {

    /** Settings that sensorwatch options set; passing them as {@code kafka.*} would silently override the option. */
    private static final Map<String, String> OWN_OPTIONS = Map.of(
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "--bootstrap-server",
            StreamsConfig.APPLICATION_ID_CONFIG, "--application-id",
            StreamsConfig.STATE_DIR_CONFIG, "--state-dir");

    private static volatile Set<String> known;

    private KafkaSettingNames() {
    }

    /** Every known setting name, prefixed forms included, sorted. */
    public static Set<String> all() {
        Set<String> names = known;
        if (names == null) {
            names = Collections.unmodifiableSet(collect());
            known = names;
        }
        return names;
    }

    /** Tells whether a Kafka client or Kafka Streams understands {@code name}. */
    public static boolean isKnown(String name) {
        return all().contains(name);
    }

    /**
     * The sensorwatch option that sets {@code name}, for a setting that must be given through that
     * option instead ({@code bootstrap.servers}: {@code --bootstrap-server}); {@code null} for others.
     */
    public static String optionFor(String name) {
        return OWN_OPTIONS.get(name);
    }

    private static Set<String> collect() {
        Set<String> producer = ProducerConfig.configNames();
        Set<String> consumer = ConsumerConfig.configNames();
        Set<String> admin = AdminClientConfig.configNames();
        Set<String> names = new TreeSet<>(StreamsConfig.configDef().names());
        names.addAll(producer);
        names.addAll(consumer);
        names.addAll(admin);
        for (String name : producer) {
            names.add(StreamsConfig.PRODUCER_PREFIX + name);
        }
        for (String prefix : new String[] {StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX}) {
            for (String name : consumer) {
                names.add(prefix + name);
            }
        }
        for (String name : admin) {
            names.add(StreamsConfig.ADMIN_CLIENT_PREFIX + name);
        }
        for (String name : topicSettings()) {
            names.add(StreamsConfig.TOPIC_PREFIX + name);
        }
        return names;
    }

    /** The topic settings: the values of {@link TopicConfig}'s {@code *_CONFIG} constants. */
    private static Set<String> topicSettings() {
        Set<String> names = new TreeSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && field.getName().endsWith("_CONFIG")) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read " + field, e);
                }
            }
        }
        return names;
    }
}
