package dev.sensorwatch.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a condition on a cluster by asking again and again: the one poll loop of this package
 * (a broker answering, topics with leaders, credentials visible). A request the cluster answered
 * with an error ({@link ExecutionException}, e.g. an unknown topic while metadata spreads) or did
 * not answer in time ({@link TimeoutException}) means "not yet"; the last one becomes the cause of
 * the failure when time is up.
 */
final class Poll {

    /** How long to wait between two tests of the condition. */
    static final Duration INTERVAL = Duration.ofMillis(50);

    /** A condition on the cluster; each test may send requests. */
    @FunctionalInterface
    interface Condition {
        /** Whether the condition holds now. */
        boolean holds() throws ExecutionException, TimeoutException, InterruptedException;
    }

    private Poll() {
    }

    /**
     * Tests {@code condition} every {@link #INTERVAL} until it holds; tests it at least once.
     *
     * @param waitingFor what is awaited, for the messages: "waiting for " + this
     * @param timeout    how long to keep trying
     * @throws IllegalStateException if the condition does not hold within {@code timeout} (with the
     *                               last failed request as cause), or if interrupted (with the
     *                               interrupt flag set again)
     */
    static void until(String waitingFor, Duration timeout, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try {
            while (true) {
                try {
                    if (condition.holds()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for "
                            + waitingFor, last);
                }
                Thread.sleep(INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + waitingFor, e);
        }
    }
}
