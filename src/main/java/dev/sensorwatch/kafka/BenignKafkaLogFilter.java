package dev.sensorwatch.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * Drops the warnings and errors Kafka logs for conditions it handles itself and that a user would
 * take for a fault; everything else Kafka logs at WARN or above passes. Named in
 * {@code logback.xml}. The lines dropped, and why they are benign:
 *
 * <ul>
 *   <li>a producer retrying a batch the broker refused with {@code CONCURRENT_TRANSACTIONS} (under
 *       exactly-once, the first batch of a transaction that arrives while the coordinator still
 *       writes the markers of the previous one) or with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} (a
 *       batch that was in flight behind such a refused one); the producer sends them again in
 *       order, and a batch it gives up on fails the send, which Kafka Streams and the replay
 *       report;</li>
 *   <li>the embedded broker's {@code ERROR Error processing append operation} with an
 *       {@link OutOfOrderSequenceException}: the broker's side of the same refused batches; the
 *       error goes back to the producer, which handles it as above;</li>
 *   <li>a consumer's {@code UNKNOWN_TOPIC_OR_PARTITION} or {@code LEADER_NOT_AVAILABLE} for Kafka
 *       Streams' own {@code -repartition} and {@code -changelog} topics, which Kafka Streams
 *       creates during its first rebalance while its consumer already asks for them;</li>
 *   <li>the embedded broker's controller announcing that the metadata log of a newly formatted
 *       directory is empty, and its shutdown closing a network client twice;</li>
 *   <li>Kafka Streams' advice to enable the processing exception handler for global threads:
 *       sensorwatch enables it (there are no global threads), but Kafka Streams' partition
 *       assignor builds a configuration of its own from the consumer's settings, without it, and
 *       gives the advice again;</li>
 *   <li>the connection warnings of the client of the start-up check ({@link ClusterCheck}, client
 *       id {@value #CLUSTER_CHECK_CLIENT}), which ends in one message of its own;</li>
 *   <li>Kafka Streams' advice against a state directory in the temporary folder, for the demo,
 *       whose state lives only as long as the demo and sits in a temporary folder on purpose.</li>
 * </ul>
 */
public final class BenignKafkaLogFilter extends TurboFilter {

    /** The client id of the start-up check's admin client. */
    public static final String CLUSTER_CHECK_CLIENT = "sensorwatch-cluster-check";

    /** The prefix of the demo's temporary folder, whose state directory warning is dropped. */
    public static final String DEMO_DIRECTORY_PREFIX = "sensorwatch-demo";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || !level.isGreaterOrEqual(Level.WARN) || format == null) {
            return FilterReply.NEUTRAL;
        }
        return isBenign(logger.getName(), format, params, t) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    /**
     * Tells whether a warning or error from {@code loggerName} is one of the benign lines above.
     * Kafka's clients format their messages before logging them (no parameters reach the filter);
     * the broker and Kafka Streams pass a format and parameters.
     */
    static boolean isBenign(String loggerName, String format, Object[] params, Throwable t) {
        String message = render(format, params);
        if (message.contains("[AdminClient clientId=" + CLUSTER_CHECK_CLIENT + "]")) {
            return true;
        }
        if (loggerName.endsWith(".Sender")) {
            return message.contains("Got error produce response") && (message.endsWith("Error: CONCURRENT_TRANSACTIONS")
                    || message.endsWith("Error: OUT_OF_ORDER_SEQUENCE_NUMBER"));
        }
        if (loggerName.endsWith("ReplicaManager")) {
            return message.contains("Error processing append operation") && (t instanceof OutOfOrderSequenceException
                    || params != null && params.length > 0 && params[params.length - 1] instanceof OutOfOrderSequenceException);
        }
        if (loggerName.endsWith(".NetworkClient")) {
            return message.contains("Attempting to close NetworkClient that has already been closed")
                    || message.contains("reported a recoverable issue") && onlyInternalTopicsMissing(message);
        }
        if (loggerName.endsWith(".QuorumController")) {
            return message.contains("Performing controller activation. The metadata log appears to be empty");
        }
        if (loggerName.endsWith(".StreamsConfig")) {
            return message.startsWith("Processing exception handler is not enabled for the GlobalThread");
        }
        if (loggerName.endsWith(".StateDirectory")) {
            return message.startsWith("Using an OS temp directory") && message.contains(DEMO_DIRECTORY_PREFIX);
        }
        return false;
    }

    /** Whether the {@code {topic=ERROR, ...}} at the end of {@code message} names only missing internal topics. */
    private static boolean onlyInternalTopicsMissing(String message) {
        int open = message.lastIndexOf('{');
        if (open < 0 || !message.endsWith("}")) {
            return false;
        }
        String[] entries = message.substring(open + 1, message.length() - 1).split(", ");
        for (String entry : entries) {
            int equals = entry.lastIndexOf('=');
            if (equals < 0) {
                return false;
            }
            String topic = entry.substring(0, equals);
            String error = entry.substring(equals + 1);
            if (!(topic.endsWith("-repartition") || topic.endsWith("-changelog"))
                    || !(error.equals("UNKNOWN_TOPIC_OR_PARTITION") || error.equals("LEADER_NOT_AVAILABLE"))) {
                return false;
            }
        }
        return true;
    }

    private static String render(String format, Object[] params) {
        return params == null ? format : MessageFormatter.arrayFormat(format, params).getMessage();
    }
}
