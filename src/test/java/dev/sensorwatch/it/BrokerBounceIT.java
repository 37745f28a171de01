package dev.sensorwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broker bounce: while {@code sensorwatch run} (a child JVM) is scoring, the broker is stopped and,
 * after an outage of a few seconds, started again on the same data directory and port. The
 * application must ride it out by itself — no restart, no exit — and finish with the output of the
 * uninterrupted reference run.
 */
@ExtendWith(ResilienceRig.Resolver.class)
class BrokerBounceIT {

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();

    @Test
    void theApplicationRidesOutABrokerRestartAndTheOutputEqualsAnUninterruptedRun(ResilienceRig rig) throws Exception {
        bounce(rig, "bounce", 1, 3_000);
    }

    /** {@code ./mvnw -Psoak verify -Dsoak.bounces=5 -Dsoak.outage.ms=10000}. */
    @Test
    @Tag("soak")
    void theApplicationRidesOutManyBrokerRestarts(ResilienceRig rig) throws Exception {
        bounce(rig, "bounce-soak", Integer.getInteger("soak.bounces", 5), Integer.getInteger("soak.outage.ms", 10_000));
    }

    private void bounce(ResilienceRig rig, String name, int bounces, int maxOutageMillis) throws Exception {
        long seed = ResilienceRig.seed(name);
        Random random = new Random(seed);
        ResilienceRig.RunTopics topics = rig.topics(name, ResilienceRig.INPUT);
        int total = rig.data.scoredCount();
        double[] fractions = new double[bounces];
        for (int b = 0; b < bounces; b++) {
            fractions[b] = 0.1 + 0.7 * random.nextDouble();
        }
        Arrays.sort(fractions);

        long t0 = System.nanoTime();
        List<String> log = new ArrayList<>();
        try (ScoreWatcher watcher = new ScoreWatcher(rig.bootstrap(), topics.scores())) {
            AppProcess app = apps.start(rig, name, rig.runArgs(name, rig.dir.resolve("state-" + name), topics, "--stop-when-caught-up"));
            for (int b = 0; b < bounces; b++) {
                long target = (long) (fractions[b] * total);
                await("bounce " + b + " of " + name + " after " + target + " committed scores (seed " + seed + ")")
                        .atMost(ResilienceRig.RUN_PATIENCE).pollInterval(Duration.ofMillis(10))
                        .failFast(app + " ended", () -> !app.isAlive())
                        .until(() -> watcher.count() >= target);
                long committed = watcher.count();
                int outage = 1_000 + random.nextInt(Math.max(1, maxOutageMillis - 1_000));
                long down = rig.bounceBroker(Duration.ofMillis(outage));
                log.add(String.format("bounce %d after %,d committed scores: broker unreachable for %,d ms", b + 1,
                        committed, down));
                assertThat(app.isAlive()).as("%s still running after the broker came back (seed %d)", app, seed).isTrue();
            }
            // recovers by itself: the same process catches up, commits everything and exits 0
            ResilienceRig.awaitExit(app, 0);
        }
        ResilienceRig.Outputs outputs = rig.read(topics);
        rig.assertSameAsReference(outputs, true);
        System.out.printf("%s: %d broker restarts ridden out, %,d scores + %,d anomalies + %d dead letters identical"
                        + " to the uninterrupted run, in %d s (seed %d)%n  %s%n",
                name, bounces, outputs.scores().size(), outputs.anomalies().size(), outputs.deadLetters().size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), seed, String.join("\n  ", log));
    }
}
