package dev.sensorwatch.stream;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DailyProfileState;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.avro.EnsembleState;
import dev.sensorwatch.avro.HistoryLiveState;
import dev.sensorwatch.avro.HistoryModelState;
import dev.sensorwatch.avro.HistoryState;
import dev.sensorwatch.avro.LiveState;
import dev.sensorwatch.avro.LstmLiveState;
import dev.sensorwatch.avro.OnlineLiveState;
import dev.sensorwatch.avro.OnlineModelState;
import dev.sensorwatch.avro.ScoreSignal;
import dev.sensorwatch.avro.ScorerState;
import dev.sensorwatch.avro.SensorEvent;
import dev.sensorwatch.avro.SensorLiveState;
import dev.sensorwatch.avro.SensorModelState;
import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.avro.SensorState;
import dev.sensorwatch.avro.SensorSummary;
import dev.sensorwatch.avro.TrainedModelState;
import dev.sensorwatch.avro.WeeklyProfileState;
import java.util.List;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Registers sensorwatch's generated Avro classes with Avro's class-security validator: since
 * Avro 1.12 a decoder refuses to instantiate classes outside its trusted packages
 * ({@code SecurityException: Forbidden ... not trusted}). Called by every serde before first use;
 * idempotent and thread-safe. The validator in force before is kept, so classes trusted through
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} stay trusted.
 */
public final class AvroRecords {

    /** Every record class sensorwatch encodes or decodes. */
    public static final List<Class<?>> CLASSES =
            List.of(SensorReading.class, AnomalyScore.class, DeadLetter.class, SensorState.class,
                    SensorLiveState.class, SensorModelState.class, SensorSummary.class);

    /** The generated enums and nested records those records hold. */
    static final List<Class<?>> ENUMS = List.of(ScoreSignal.class, HistoryState.class, TrainedModelState.class,
            LiveState.class, SensorEvent.class, OnlineLiveState.class, LstmLiveState.class, EnsembleState.class,
            ScorerState.class, HistoryLiveState.class, OnlineModelState.class, DailyProfileState.class,
            WeeklyProfileState.class, HistoryModelState.class);

    private static boolean registered;

    private AvroRecords() {
    }

    /** Makes sure sensorwatch's record classes are trusted by Avro; cheap after the first call. */
    public static synchronized void trust() {
        if (registered) {
            return;
        }
        ClassSecurityValidator.Builder ours = ClassSecurityValidator.builder();
        CLASSES.forEach(ours::add);
        ENUMS.forEach(ours::add);
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours.build()));
        registered = true;
    }
}
