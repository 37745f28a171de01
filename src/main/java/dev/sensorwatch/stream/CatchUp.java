package dev.sensorwatch.stream;

import dev.sensorwatch.kafka.ConsumerLag;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The end of a backfill ({@code run --stop-when-caught-up}): waits until a running application
 * has scored and committed every reading of its input topic and its output topics are readable to
 * their ends by read-committed consumers.
 */
public final class CatchUp {

    /** What the wait tells while it waits. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Records on the output topics wait behind a transaction an earlier instance left open; the
         * broker aborts it after {@code transactionTimeout}. Heard at most once per wait.
         */
        void heldBack(long records, Duration transactionTimeout);
    }

    private CatchUp() {
    }

    /**
     * Polls the application's lag until it is zero and stays zero for one more round; then waits
     * until no transaction left open by an earlier, killed instance holds back the output topics.
     * Such a transaction (its producer had another transactional id, e.g. because the state
     * directory was deleted since) is aborted by the broker once {@code transaction.timeout.ms} has
     * passed; until then read-committed consumers see nothing written after it. Returns early if
     * the runner stops.
     *
     * @param client             client properties of the cluster (bootstrap servers and security settings)
     * @param transactionTimeout the producers' {@code transaction.timeout.ms} ({@link #transactionTimeout})
     * @return the records still held back when the wait for them ended: 0 when the output topics
     *         are readable to their ends, -1 if that could not be told
     */
    public static long await(StreamsRunner runner, Properties client, String applicationId, TopologySettings settings,
                             Duration transactionTimeout, Listener listener) throws InterruptedException {
        try (ConsumerLag lag = new ConsumerLag(client)) {
            int zeroRounds = 0;
            while (zeroRounds < 2 && !runner.stopped().isDone()) {
                Thread.sleep(1000); // a poll interval, not a wait for a condition
                long behind = runner.healthy() ? lag.lag(applicationId, Set.of(settings.inputTopic())) : -1;
                zeroRounds = behind == 0 ? zeroRounds + 1 : 0;
            }
            Set<String> outputs = Set.of(settings.scoresTopic(), settings.anomaliesTopic(),
                    settings.deadLetterTopic());
            // the broker looks for timed-out transactions every 10 s by default: allow two rounds and the timeout
            long deadline = System.nanoTime() + transactionTimeout.plusSeconds(30).toNanos();
            long held = lag.heldBack(outputs);
            boolean told = false;
            while (held != 0 && !runner.stopped().isDone() && System.nanoTime() < deadline) {
                if (held > 0 && !told) {
                    listener.heldBack(held, transactionTimeout);
                    told = true;
                }
                Thread.sleep(500); // a poll interval, not a wait for a condition
                held = lag.heldBack(outputs);
            }
            return held;
        }
    }

    /**
     * The producers' {@code transaction.timeout.ms} in the Kafka settings {@code overrides}: as
     * configured, or Kafka Streams' default under exactly-once (10 s).
     */
    public static Duration transactionTimeout(Map<String, String> overrides) {
        String value = overrides.getOrDefault("producer.transaction.timeout.ms",
                overrides.getOrDefault("transaction.timeout.ms", "10000"));
        try {
            return Duration.ofMillis(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(10);
        }
    }
}
