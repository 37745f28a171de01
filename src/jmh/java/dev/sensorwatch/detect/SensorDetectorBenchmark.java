package dev.sensorwatch.detect;

import dev.sensorwatch.stream.ReadingJournal;
import dev.sensorwatch.stream.SensorStateCodec;
import dev.sensorwatch.stream.TopologySettings;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one reading for one sensor with the shipped parameters, {@code D} channels:
 *
 * <ul>
 *   <li>{@link #process}: {@link SensorDetector#process} alone (predict, score, learn);
 *   <li>{@link #processWithStoredState}: what the stream processor does for a sensor whose
 *       detector its task does not hold: decode the sensor's two stored parts, restore the
 *       detector, process, snapshot and encode its per-reading part, and its model if the reading
 *       changed it;
 *   <li>{@link #processAndWrite}: what it does for a held detector written at every reading (one
 *       reading per commit interval): process, snapshot and encode as above. A held detector
 *       that scores several readings per commit is encoded once for all of them, so it costs
 *       {@link #process} per reading plus this difference once per commit.
 *   <li>{@link #processAndJournal}: what it does for a held detector of a sensor that scores one
 *       reading per commit interval, as in a fleet, with the default checkpoint interval: process
 *       and encode the reading's journal entry, and on every
 *       {@value TopologySettings#DEFAULT_CHECKPOINT_EVERY}th reading snapshot and encode the
 *       checkpoint as {@link #processAndWrite} does; the average over the readings.
 * </ul>
 *
 * <p>Each detector first learns 2,000 readings of a noisy daily-ish wave (one reading a minute),
 * then every benchmark call feeds the next reading, so the work is the steady state, warm-up over.
 * With {@code mode=trained} those 2,000 readings are the sensor's training period
 * ({@code --learn-first 2000}) and the setup's last reading trains its model, so the calls measure
 * the trained detector. {@code updateEvery} is the online LSTM's learning interval
 * ({@code --update-every}), the shipped one by default.
 *
 * <pre>
 * ./mvnw -q -Pjmh verify -Djmh.args="SensorDetectorBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class SensorDetectorBenchmark {

    /** {@code D}, channels per reading. */
    @Param({"1", "8"})
    public int channels;

    /** {@code online}: no training period; {@code trained}: the first 2,000 readings are one. */
    @Param({"online", "trained"})
    public String mode;

    /**
     * {@code --update-every}: readings between two learning steps of the online LSTM (the trained
     * model does not learn, so this changes nothing there); {@code -p updateEvery=1,4} compares.
     */
    @Param({"" + DetectorConfig.DEFAULT_UPDATE_EVERY})
    public int updateEvery;

    private DetectorConfig config;
    private final SensorDetector.Workspace workspace = new SensorDetector.Workspace();
    private final SensorStateCodec codec = new SensorStateCodec();
    private final Random random = new Random(7);
    private SensorDetector detector;
    private SensorStateCodec.Encoded stored;
    private double[] reading;
    private long t;
    private int sinceCheckpoint;
    private long checkpointVersion;
    /** The last journal entry encoded, kept so that the encoding is not optimised away. */
    public byte[] journalEntry;

    @Setup
    public void setUp() {
        DetectorConfig shipped = DetectorConfig.DEFAULTS.withUpdateEvery(updateEvery);
        config = mode.equals("trained") ? shipped.withTraining(TrainingPeriod.firstReadings(2_000)) : shipped;
        detector = SensorDetector.fresh(config, channels);
        reading = new double[channels];
        for (int i = 0, n = mode.equals("trained") ? 2_001 : 2_000; i < n; i++) {
            detector.process(next(), nextReading(), workspace);
        }
        stored = codec.encode(detector.snapshot());
        checkpointVersion = detector.modelVersion();
    }

    private long next() {
        t += 60_000L;
        return t;
    }

    private double[] nextReading() {
        for (int d = 0; d < channels; d++) {
            reading[d] = 10 * d + Math.sin(2 * Math.PI * t / 86_400_000.0 + d) + 0.1 * random.nextGaussian();
        }
        return reading;
    }

    @Benchmark
    public Score process() {
        return detector.process(next(), nextReading(), workspace);
    }

    @Benchmark
    public Score processWithStoredState() {
        SensorDetector restored = SensorDetector.restore(config, codec.decode(stored));
        long version = restored.modelVersion();
        Score score = restored.process(next(), nextReading(), workspace);
        stored = write(restored, version, stored.model());
        return score;
    }

    @Benchmark
    public Score processAndJournal() {
        long time = next();
        double[] values = nextReading();
        Score score = detector.process(time, values, workspace);
        if (++sinceCheckpoint == TopologySettings.DEFAULT_CHECKPOINT_EVERY) {
            stored = write(detector, checkpointVersion, stored.model());
            checkpointVersion = detector.modelVersion();
            sinceCheckpoint = 0;
        } else {
            journalEntry = ReadingJournal.encode(new ReadingJournal.Entry(detector.readings(), time, values.clone()));
        }
        return score;
    }

    @Benchmark
    public Score processAndWrite() {
        long version = detector.modelVersion();
        Score score = detector.process(next(), nextReading(), workspace);
        stored = write(detector, version, stored.model());
        return score;
    }

    /** Encodes the per-reading part, and the model if it moved from {@code version}. */
    private SensorStateCodec.Encoded write(SensorDetector written, long version, byte[] model) {
        DetectorState state = written.snapshot();
        return new SensorStateCodec.Encoded(codec.encodeLive(state),
                written.modelVersion() != version ? codec.encodeModel(state) : model);
    }
}
