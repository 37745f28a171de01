package dev.sensorwatch.it;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.sensorwatch.kafka.ConsumerLag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failover: two instances of {@code sensorwatch run} (child JVMs, same application id, one standby
 * replica each: {@code --kafka.num.standby.replicas=1}) score a live stream; one of them is killed
 * with SIGKILL; the other takes over its partitions and carries on; the output equals the
 * uninterrupted reference run's.
 *
 * <p><b>Takeover time</b>, as measured here: from the SIGKILL to the moment a read-committed
 * consumer of the scores topic sees the first score the survivor committed for a partition the
 * killed instance had been processing ("first"), and until it has seen one for every such
 * partition ("all"). Only partitions with input still to process count. It includes the group's
 * detection of the dead member (the session timeout, {@value ResilienceRig#SESSION_TIMEOUT_MS} ms
 * here), the rebalance, turning the standby into the active task, and the first commit.
 */
@ExtendWith(ResilienceRig.Resolver.class)
class FailoverIT {

    /** Records a taken-over partition must still have to process for its takeover to be timed. */
    private static final int MIN_REMAINING = 200;

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();

    @Test
    void theSurvivorTakesOverFromAKilledInstanceAndTheOutputEqualsAnUninterruptedRun(ResilienceRig rig)
            throws Exception {
        failover(rig, "failover", 1, 1_500);
    }

    /**
     * {@code ./mvnw -Psoak verify -Dsoak.failovers=5 [-Dsoak.rate=READINGS_PER_SECOND]}; the victim
     * rejoins after each takeover. The default rate makes the stream last about 20 s per failover.
     */
    @Test
    @Tag("soak")
    void manyFailoversAndRejoins(ResilienceRig rig) throws Exception {
        int failovers = Integer.getInteger("soak.failovers", 5);
        int rate = Integer.getInteger("soak.rate", Math.max(100, rig.data.records.size() / (20 * failovers)));
        failover(rig, "failover-soak", failovers, rate);
    }

    private void failover(ResilienceRig rig, String name, int failovers, int perSecond) throws Exception {
        long seed = ResilienceRig.seed(name);
        System.out.printf("%s: live stream of %,d records at %,d records/s%n", name, rig.data.records.size(), perSecond);
        Random random = new Random(seed);
        ResilienceRig.RunTopics topics = rig.topics(name, name + "-readings");
        String[] ids = {name + "-a", name + "-b"};
        AppProcess[] instances = new AppProcess[2];
        int[] incarnations = new int[2];
        Map<Integer, Long> inputPerPartition = inputPerPartition(rig);
        int total = rig.data.scoredCount();
        double[] fractions = new double[failovers];
        for (int f = 0; f < failovers; f++) { // one random point in each of equal stretches of the run
            fractions[f] = 0.1 + 0.6 * (f + random.nextDouble()) / failovers;
        }

        long t0 = System.nanoTime();
        List<String> log = new ArrayList<>();
        List<Long> firstTakeovers = new ArrayList<>();
        List<Long> allTakeovers = new ArrayList<>();
        try (ScoreWatcher watcher = new ScoreWatcher(rig.bootstrap(), topics.scores())) {
            for (int i = 0; i < 2; i++) {
                instances[i] = start(rig, name, ids[i], incarnations[i]++, topics);
            }
            await(name + ": both instances have active tasks (seed " + seed + ")").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("an instance ended", () -> !instances[0].isAlive() || !instances[1].isAlive())
                    .until(() -> byInstance(rig.assignment(name, topics.input()), ids).values().stream()
                            .filter(p -> !p.isEmpty()).count() == 2);
            AtomicReference<Throwable> publishFailure = new AtomicReference<>();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> rig.publish(topics.input(), perSecond))
                    .whenComplete((v, e) -> publishFailure.set(e));

            for (int f = 0; f < failovers; f++) {
                long target = (long) (fractions[f] * total);
                AtomicReference<Map<Integer, Set<Integer>>> candidates = new AtomicReference<>();
                await(name + ": failover " + (f + 1) + " after " + target + " committed scores (seed " + seed + ")")
                        .atMost(ResilienceRig.RUN_PATIENCE).pollInterval(Duration.ofMillis(50))
                        .failFast("an instance ended", () -> !instances[0].isAlive() || !instances[1].isAlive())
                        .until(() -> {
                            if (watcher.count() < target) {
                                return false;
                            }
                            candidates.set(withInputToProcess(rig, name, topics.input(), ids, inputPerPartition));
                            return !candidates.get().isEmpty();
                        });
                List<Integer> eligible = new ArrayList<>(candidates.get().keySet());
                int victim = eligible.get(random.nextInt(eligible.size()));
                Set<Integer> taken = candidates.get().get(victim);
                long committed = watcher.count();

                long killed = System.nanoTime();
                instances[victim].kill();
                Map<Integer, Long> ends = rig.lastStableOffsets(topics.scores(), taken);
                AppProcess survivor = instances[1 - victim];
                await(name + ": the survivor commits scores for partitions " + taken + " (seed " + seed + ")")
                        .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10))
                        .failFast(survivor + " ended", () -> !survivor.isAlive())
                        .until(() -> taken.stream().allMatch(p -> watcher.firstSeenAtOrAfter(p, ends.get(p)).isPresent()));
                long first = Long.MAX_VALUE;
                long all = 0;
                for (int p : taken) {
                    OptionalLong seen = watcher.firstSeenAtOrAfter(p, ends.get(p));
                    first = Math.min(first, seen.getAsLong() - killed);
                    all = Math.max(all, seen.getAsLong() - killed);
                }
                firstTakeovers.add(TimeUnit.NANOSECONDS.toMillis(first));
                allTakeovers.add(TimeUnit.NANOSECONDS.toMillis(all));
                log.add(String.format("failover %d: killed %s after %,d committed scores; survivor took over partitions %s:"
                                + " first new score after %,d ms, on all after %,d ms", f + 1, instances[victim].name(),
                        committed, taken, firstTakeovers.get(f), allTakeovers.get(f)));
                if (f < failovers - 1) {
                    instances[victim] = start(rig, name, ids[victim], incarnations[victim]++, topics);
                }
            }
            publishing.exceptionally(e -> null).get(ResilienceRig.RUN_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            if (publishFailure.get() != null) {
                throw new AssertionError("publishing the live stream failed", publishFailure.get());
            }
            // a live stream has no end: done when every input record is scored and committed
            try (ConsumerLag lag = new ConsumerLag(rig.clientProperties())) {
                await(name + ": the survivor catches up (seed " + seed + ")").atMost(ResilienceRig.RUN_PATIENCE)
                        .pollInterval(Duration.ofMillis(200))
                        .failFast("no instance running", () -> !instances[0].isAlive() && !instances[1].isAlive())
                        .until(() -> lag.lag(name, Set.of(topics.input())) == 0);
                // the last victim's open transaction holds back what follows it until the broker aborts it
                await(name + ": no open transaction holds back the outputs").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> lag.heldBack(Set.of(topics.scores(), topics.anomalies(), topics.deadLetters())) == 0);
            }
        }
        ResilienceRig.Outputs outputs = rig.read(topics);
        rig.assertSameAsReference(outputs, false);
        System.out.printf("%s: %d failovers, %,d scores + %,d anomalies + %d dead letters identical to the"
                        + " uninterrupted run, in %d s (seed %d); takeover median: first new score %,d ms, all partitions %,d ms%n  %s%n",
                name, failovers, outputs.scores().size(), outputs.anomalies().size(), outputs.deadLetters().size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), seed, median(firstTakeovers), median(allTakeovers),
                String.join("\n  ", log));
    }

    private AppProcess start(ResilienceRig rig, String appId, String id, int incarnation, ResilienceRig.RunTopics topics) {
        return apps.start(rig, id + "-" + incarnation, rig.runArgs(appId, rig.dir.resolve("state-" + id), topics,
                "--kafka.num.standby.replicas=1", "--kafka.client.id=" + id));
    }

    /** Member assignments keyed by instance index (0, 1), from client ids {@code <id>-StreamThread-…}. */
    private static Map<Integer, Set<Integer>> byInstance(Map<String, Set<Integer>> assignment, String[] ids) {
        Map<Integer, Set<Integer>> result = new HashMap<>();
        assignment.forEach((client, partitions) -> {
            for (int i = 0; i < ids.length; i++) {
                if (client.startsWith(ids[i] + "-")) {
                    result.computeIfAbsent(i, k -> new TreeSet<>()).addAll(partitions);
                }
            }
        });
        return result;
    }

    /**
     * Per instance, its active input partitions that still have at least {@value #MIN_REMAINING}
     * records to process; instances without any are left out.
     */
    private static Map<Integer, Set<Integer>> withInputToProcess(ResilienceRig rig, String appId, String input,
                                                                 String[] ids, Map<Integer, Long> inputPerPartition)
            throws Exception {
        Map<Integer, Set<Integer>> assigned = byInstance(rig.assignment(appId, input), ids);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (Admin admin = Admin.create(rig.clientProperties())) {
            committed = admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        }
        Map<Integer, Set<Integer>> result = new HashMap<>();
        assigned.forEach((instance, partitions) -> {
            for (int p : partitions) {
                OffsetAndMetadata done = committed.get(new TopicPartition(input, p));
                long position = done == null ? 0 : done.offset();
                if (inputPerPartition.getOrDefault(p, 0L) - position >= MIN_REMAINING) {
                    result.computeIfAbsent(instance, k -> new TreeSet<>()).add(p);
                }
            }
        });
        return result;
    }

    /** How many input records each partition gets, by the producer's default partitioner. */
    private static Map<Integer, Long> inputPerPartition(ResilienceRig rig) {
        Map<Integer, Long> counts = new HashMap<>();
        for (ResilienceData.Input input : rig.data.records) {
            counts.merge(Utils.toPositive(Utils.murmur2(input.key())) % ResilienceRig.PARTITIONS, 1L, Long::sum);
        }
        return counts;
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            fail("no takeover measured");
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
