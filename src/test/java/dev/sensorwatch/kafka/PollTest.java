package dev.sensorwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {

    @Test
    void failedAndUnansweredRequestsMeanNotYet() {
        AtomicInteger tests = new AtomicInteger();
        Poll.until("the third test", Duration.ofSeconds(10), () -> switch (tests.incrementAndGet()) {
            case 1 -> throw new ExecutionException(new IllegalStateException("unknown topic"));
            case 2 -> throw new TimeoutException("no answer");
            default -> true;
        });
        assertThat(tests).hasValue(3);
    }

    @Test
    void timeIsUpWithTheLastFailureAsCauseAfterAtLeastOneTest() {
        AtomicInteger tests = new AtomicInteger();
        assertThatThrownBy(() -> Poll.until("leaders", Duration.ZERO, () -> {
            tests.incrementAndGet();
            throw new ExecutionException(new IllegalStateException("unknown topic"));
        })).isInstanceOf(IllegalStateException.class).hasMessage("timed out after 0 s waiting for leaders")
                .hasRootCauseMessage("unknown topic");
        assertThat(tests).hasValue(1);
    }

    @Test
    void otherExceptionsEndTheWait() {
        assertThatThrownBy(() -> Poll.until("nothing", Duration.ofSeconds(10), () -> {
            throw new IllegalArgumentException("a bug");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("a bug");
    }

    @Test
    void anInterruptEndsTheWaitAndStaysSet() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Poll.until("never", Duration.ofSeconds(10), () -> false))
                    .isInstanceOf(IllegalStateException.class).hasMessage("interrupted while waiting for never");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
