package dev.sensorwatch.it;

import static org.awaitility.Awaitility.await;

import dev.sensorwatch.kafka.ConsumerLag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash recovery: {@code sensorwatch run} (exactly-once) in a child JVM is killed with SIGKILL at
 * random points — after a random number of committed scores, or at a random moment of start-up —
 * and started again each time, sometimes with its state directory deleted first (state then comes
 * back from the changelog). The scores, anomalies and dead letters it leaves, read committed, must
 * be those of the uninterrupted reference run: the same records per sensor in the same order, byte
 * for byte, none missing and none twice.
 */
@ExtendWith(ResilienceRig.Resolver.class)
class CrashRecoveryIT {

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();

    @Test
    void killedTwiceOnceWithoutStateTheOutputEqualsAnUninterruptedRun(ResilienceRig rig) throws Exception {
        crashAndRecover(rig, "crash", 2);
    }

    /**
     * With a checkpoint interval of 4,096 readings (the largest), a sensor's state between
     * checkpoints is its checkpoint and a long reading journal: every restart, from the state
     * directory or from the changelog topics, decodes the detectors by scoring their journals again,
     * and the output is still that of the uninterrupted run.
     */
    @Test
    void killedTwiceWithLongReadingJournalsTheOutputEqualsAnUninterruptedRun(ResilienceRig rig) throws Exception {
        crashAndRecover(rig, "crash-journal", 2, "--checkpoint-every", "4096");
    }

    /** {@code ./mvnw -Psoak verify -Dsoak.kills=20 -Dsoak.readings=10000 -Dsoak.sensors=6}. */
    @Test
    @Tag("soak")
    void killedManyTimesTheOutputEqualsAnUninterruptedRun(ResilienceRig rig) throws Exception {
        crashAndRecover(rig, "crash-soak", Integer.getInteger("soak.kills", 20));
    }

    /**
     * An instance killed while its transaction holds scores, whose successor starts without the
     * state directory and so with another transactional id: nothing fences the dead producer, and
     * its transaction holds back everything written after it until the broker aborts it
     * ({@code transaction.timeout.ms}, 10 s). {@code --stop-when-caught-up} must not exit before
     * that: when it exits, the whole output is readable, read committed.
     */
    @Test
    void aTransactionLeftOpenByAKilledInstanceHidesNothingOnceCaughtUp(ResilienceRig rig) throws Exception {
        killWhileATransactionHoldsScores(rig, "crash-open-transaction", 8000, true);
    }

    /**
     * An instance killed between readings it scored and the commit that follows them: the
     * detectors it held in memory for that commit were never written, and the restarted instance
     * (same state directory) goes on from the state and offsets of the last commit, so the output
     * is still that of the uninterrupted run. (Whether a commit came before the kill depends on how
     * fast the input is scored; the output says.)
     */
    @Test
    void killedBetweenAReadingAndItsCommitTheOutputEqualsAnUninterruptedRun(ResilienceRig rig) throws Exception {
        killWhileATransactionHoldsScores(rig, "crash-before-commit", 3000, false);
    }

    /**
     * Runs an instance with a long commit interval, kills it once a transaction holds scores,
     * restarts it (after deleting its state directory if {@code deleteState}) and checks the output
     * against the uninterrupted run.
     */
    private void killWhileATransactionHoldsScores(ResilienceRig rig, String name, int commitMillis,
                                                  boolean deleteState) throws Exception {
        ResilienceRig.RunTopics topics = rig.topics(name, ResilienceRig.INPUT);
        Path state = rig.dir.resolve("state-" + name);
        Set<String> outputs = Set.of(topics.scores(), topics.anomalies(), topics.deadLetters());
        long held;
        long committed;
        // a long commit interval keeps a transaction open (with scores in it) until the kill
        try (ConsumerLag lag = new ConsumerLag(rig.clientProperties());
             ScoreWatcher watcher = new ScoreWatcher(rig.bootstrap(), topics.scores());
             AppProcess first = apps.start(rig, name + "-0",
                     rig.runArgs(name, state, topics, "--kafka.commit.interval.ms=" + commitMillis))) {
            held = await(name + ": a transaction holds scores").atMost(ResilienceRig.RUN_PATIENCE)
                    .pollInterval(Duration.ofMillis(20))
                    .failFast(first + " ended by itself", () -> !first.isAlive())
                    .until(() -> lag.heldBack(outputs), n -> n > 0);
            first.kill();
            committed = watcher.count();
        }
        if (deleteState) {
            ResilienceRig.deleteTree(state);
        }
        long t0 = System.nanoTime();
        AppProcess second = apps.start(rig, name + "-1", rig.runArgs(name, state, topics, "--stop-when-caught-up"));
        ResilienceRig.awaitExit(second, 0);
        ResilienceRig.Outputs result = rig.read(topics);
        rig.assertSameAsReference(result, true);
        rig.assertSummariesCountTheScores(name, result);
        System.out.printf("%s: killed with %,d scores committed and %,d records in an open transaction; the"
                        + " restarted instance (%s) exited after %,d ms with all %,d scores readable%n", name, committed,
                held, deleteState ? "without state" : "same state directory",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), result.scores().size());
    }

    private void crashAndRecover(ResilienceRig rig, String name, int kills, String... options) throws Exception {
        String[] runOptions = Stream.concat(Stream.of("--stop-when-caught-up"), Stream.of(options)).toArray(String[]::new);
        long seed = ResilienceRig.seed(name);
        Random random = new Random(seed);
        ResilienceRig.RunTopics topics = rig.topics(name, ResilienceRig.INPUT);
        Path state = rig.dir.resolve("state-" + name);
        int total = rig.data.scoredCount();

        // the plan: kill k after fractions[k] of all scores are committed, or (early) at a random
        // moment after start-up; delete the state directory before some restarts (at least one)
        double[] fractions = new double[kills];
        for (int k = 0; k < kills; k++) {
            fractions[k] = 0.05 + 0.85 * random.nextDouble();
        }
        Arrays.sort(fractions);
        boolean[] early = new boolean[kills];
        boolean[] wipe = new boolean[kills];
        for (int k = 0; k < kills; k++) {
            early[k] = random.nextInt(4) == 0;
            wipe[k] = random.nextInt(3) == 0;
        }
        // both kinds of restart happen: at least one without state and (with two or more kills) one with it
        if (kills > 0 && !contains(wipe, true)) {
            wipe[random.nextInt(kills)] = true;
        }
        if (kills > 1 && !contains(wipe, false)) {
            wipe[random.nextInt(kills)] = false; // all were true, so one true remains
        }

        long t0 = System.nanoTime();
        List<String> log = new ArrayList<>();
        int performed = 0;
        try (ScoreWatcher watcher = new ScoreWatcher(rig.bootstrap(), topics.scores())) {
            AppProcess app = apps.start(rig, name + "-0", rig.runArgs(name, state, topics, runOptions));
            for (int k = 0; k < kills; k++) {
                AppProcess current = app;
                String what;
                // an instance may finish the input (exit 0) before its kill lands, when little was left
                // and it caught up faster than the watcher saw its scores: the remaining kills are moot
                if (early[k]) {
                    long at = 300 + random.nextInt(4_000);
                    await("kill " + k + " of " + name + " at " + at + " ms after start (seed " + seed + ")")
                            .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                            .failFast(current + " failed", () -> failed(current))
                            .until(() -> current.ageMillis() >= at || !current.isAlive());
                    what = "at " + at + " ms after start";
                } else {
                    // at least one new committed score since the restart, so no progress kill lands on a bare start-up
                    long target = Math.max((long) (fractions[k] * total), watcher.count() + 1);
                    await("kill " + k + " of " + name + " after " + target + " committed scores (seed " + seed + ")")
                            .atMost(ResilienceRig.RUN_PATIENCE).pollInterval(Duration.ofMillis(10))
                            .failFast(current + " failed", () -> failed(current))
                            .until(() -> watcher.count() >= target || !current.isAlive());
                    what = "after " + target + " committed scores";
                }
                if (!current.isAlive()) {
                    log.add(String.format("%s finished the input before kill %d of %d (%,d committed): the rest are moot",
                            current.name(), k + 1, kills, watcher.count()));
                    break;
                }
                performed++;
                long committed = watcher.count();
                current.kill();
                log.add(String.format("kill %d %s (%,d committed, %d ms after start)%s", k + 1, what, committed,
                        current.ageMillis(), wipe[k] ? "; state directory deleted" : ""));
                if (wipe[k]) {
                    ResilienceRig.deleteTree(state);
                }
                app = apps.start(rig, name + "-" + (k + 1), rig.runArgs(name, state, topics, runOptions));
            }
            ResilienceRig.awaitExit(app, 0);
        }
        ResilienceRig.Outputs outputs = rig.read(topics);
        rig.assertSameAsReference(outputs, true);
        rig.assertSummariesCountTheScores(name, outputs);
        long wipes = IntStream.range(0, performed).filter(k -> wipe[k]).count();
        System.out.printf("%s: %d kills survived (%d with the state directory deleted), %,d scores + %,d anomalies"
                        + " + %d dead letters identical to the uninterrupted run, in %d s (seed %d)%n  %s%n",
                name, performed, wipes, outputs.scores().size(), outputs.anomalies().size(), outputs.deadLetters().size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), seed, String.join("\n  ", log));
    }

    /** Whether {@code app} ended other than by finishing the input (exit 0). */
    private static boolean failed(AppProcess app) {
        return !app.isAlive() && app.exitCode() != 0;
    }

    private static boolean contains(boolean[] flags, boolean value) {
        for (boolean f : flags) {
            if (f == value) {
                return true;
            }
        }
        return false;
    }
}
