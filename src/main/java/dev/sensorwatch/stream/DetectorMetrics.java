package dev.sensorwatch.stream;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Signal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;

/**
 * The detector's own metrics, registered once per application: readings scored, anomalies by signal,
 * events opened by signal and open now, dead letters by reason, the score distribution, processing time per reading, and how far the
 * latest reading's event time lags the wall clock. Thread-safe.
 */
public final class DetectorMetrics {

    private final Counter readings;
    private final Map<Signal, Counter> anomalies = new EnumMap<>(Signal.class);
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    /** Records one score into the score histogram. */
    private final DoubleConsumer scores;
    private final Timer processing;
    private final AtomicLong latestEventTime = new AtomicLong(Long.MIN_VALUE);
    private final Counter detectorsCached;
    private final Counter detectorsDecoded;
    private final Counter detectorsNew;
    private final Counter journalReadings;
    private final Map<Signal, Counter> eventsOpened = new EnumMap<>(Signal.class);
    private final AtomicLong eventsOpen = new AtomicLong();

    /**
     * Upper bounds of the anomaly-score histogram's buckets: tenths, halves of tenths where ordinary
     * readings score (an online detector's scores have a median near 0.42 and a 99th percentile
     * near 0.5: 0.5 is as unusual as the sensor's recent record), the default threshold, so that
     * the share of readings flagged at the default can be read off it, and 0.95 to tell the
     * strongest flags apart.
     */
    static final double[] SCORE_BUCKETS = {0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, DetectorConfig.DEFAULT_THRESHOLD, 0.6, 0.7,
        0.8, 0.9, 0.95, 1.0};

    /** Registers the metrics in {@code registry}. */
    public DetectorMetrics(MeterRegistry registry) {
        this(registry, Map.of());
    }

    /**
     * Registers the metrics in {@code registry}; {@code labels} are the registry's common tags
     * (application, instance), which the score histogram of a Prometheus registry carries too.
     */
    public DetectorMetrics(MeterRegistry registry, Map<String, String> labels) {
        readings = Counter.builder("sensorwatch.readings").description("Readings scored").register(registry);
        for (Signal signal : Signal.values()) {
            if (signal != Signal.NONE) {
                anomalies.put(signal, Counter.builder("sensorwatch.anomalies")
                        .description("Readings flagged anomalous, by the signal that flagged them")
                        .tag("signal", signal.code()).register(registry));
            }
        }
        for (Signal signal : Signal.values()) {
            if (signal != Signal.NONE) {
                eventsOpened.put(signal, Counter.builder("sensorwatch.events.opened")
                        .description("Events opened (a flagged reading after readings outside any event), by the"
                                + " signal that opened them")
                        .tag("signal", signal.code()).register(registry));
            }
        }
        Gauge.builder("sensorwatch.events.open", eventsOpen, AtomicLong::get)
                .description("Sensors of this instance whose latest reading belongs to an event")
                .register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(reason, Counter.builder("sensorwatch.dead.letters")
                    .description("Records sent to the dead-letter topic")
                    .tag("reason", reason.code()).register(registry));
        }
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            // Micrometer's DistributionSummary rounds a value up to a whole number before it finds
            // its bucket (micrometer issue 3680), so every score in (0, 1] would land in le="1.0":
            // the histogram is registered with the Prometheus client itself, with the same name
            List<String> names = new ArrayList<>(new TreeMap<>(labels).keySet());
            Histogram histogram = Histogram.builder()
                    .name("sensorwatch_anomaly_score")
                    .help("Anomaly scores of accepted readings")
                    .classicOnly()
                    .withoutExemplars()
                    .classicUpperBounds(SCORE_BUCKETS)
                    .constLabels(Labels.of(names,
                            names.stream().map(labels::get).toList()))
                    .register(prometheus.getPrometheusRegistry());
            scores = histogram::observe;
        } else {
            DistributionSummary summary = DistributionSummary.builder("sensorwatch.anomaly.score")
                    .description("Anomaly scores of accepted readings")
                    .serviceLevelObjectives(SCORE_BUCKETS)
                    .register(registry);
            scores = summary::record;
        }
        processing = Timer.builder("sensorwatch.processing")
                .description("Time to score, learn from and store one reading")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(5_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
        detectorsCached = lookups("cached", registry);
        detectorsDecoded = lookups("decoded", registry);
        detectorsNew = lookups("new", registry);
        journalReadings = Counter.builder("sensorwatch.detector.journal.readings")
                .description("Readings scored again from the reading journal while decoding detectors (after a"
                        + " restart, a move of a task, or a sensor that left the detector cache unwritten)")
                .register(registry);
        Gauge.builder("sensorwatch.event.delay", latestEventTime, t -> t.get() == Long.MIN_VALUE
                        ? Double.NaN : (System.currentTimeMillis() - t.get()) / 1000.0)
                .description("Wall clock minus the event time of the latest reading processed")
                .baseUnit("seconds").register(registry);
    }

    private static Counter lookups(String result, MeterRegistry registry) {
        return Counter.builder("sensorwatch.detector.lookups")
                .description("Detectors looked up per reading: found decoded in the task's cache, decoded from the"
                        + " state store, or new for a sensor's first reading")
                .tag("result", result).register(registry);
    }

    /** Metrics kept in memory only, for tests and tools that do not export them. */
    public static DetectorMetrics inMemory() {
        return new DetectorMetrics(new SimpleMeterRegistry());
    }

    /** Counts one scored reading; {@code flaggedBy} is the signal of a flagged reading, null for one not flagged. */
    void scored(double score, Signal flaggedBy, long eventTime, long nanos) {
        readings.increment();
        if (flaggedBy != null) {
            anomalies.get(flaggedBy).increment();
        }
        scores.accept(score);
        processing.record(nanos, TimeUnit.NANOSECONDS);
        latestEventTime.accumulateAndGet(eventTime, Math::max);
    }

    /** Counts one detector lookup: {@code cached}, {@code decoded} or {@code new}. */
    void detectorLookup(boolean cached, boolean stored) {
        (cached ? detectorsCached : stored ? detectorsDecoded : detectorsNew).increment();
    }

    /** Counts {@code readings} readings scored again from a detector's journal as it was decoded. */
    void journalReadings(long readings) {
        journalReadings.increment(readings);
    }

    /** Readings scored again from reading journals so far. */
    public double journalReadings() {
        return journalReadings.count();
    }

    /** Detector lookups so far with {@code result} {@code cached}, {@code decoded} or {@code new}. */
    public double detectorLookups(String result) {
        return switch (result) {
            case "cached" -> detectorsCached.count();
            case "decoded" -> detectorsDecoded.count();
            case "new" -> detectorsNew.count();
            default -> throw new IllegalArgumentException("no detector lookup result " + result);
        };
    }

    /** Counts one event opened by {@code signal}. */
    void eventOpened(Signal signal) {
        Counter counter = eventsOpened.get(signal);
        if (counter != null) {
            counter.increment();
        }
    }

    /** Adds {@code change} to the number of sensors in an event now. */
    void eventsOpenChanged(long change) {
        eventsOpen.addAndGet(change);
    }

    /** Events opened so far by {@code signal}. */
    public double eventsOpened(Signal signal) {
        Counter counter = eventsOpened.get(signal);
        return counter == null ? 0.0 : counter.count();
    }

    /** Sensors of this instance whose latest reading belongs to an event. */
    public long eventsOpen() {
        return eventsOpen.get();
    }

    void deadLetter(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    /** Readings scored so far. */
    public double readingsScored() {
        return readings.count();
    }

    /** Readings flagged so far by {@code signal}. */
    public double anomalies(Signal signal) {
        Counter counter = anomalies.get(signal);
        return counter == null ? 0.0 : counter.count();
    }

    /** Dead letters sent so far for {@code reason}. */
    public double deadLetters(DeadLetterReason reason) {
        return deadLetters.get(reason).count();
    }
}
