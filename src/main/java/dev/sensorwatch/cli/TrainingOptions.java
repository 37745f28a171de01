package dev.sensorwatch.cli;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.TrainingPeriod;
import dev.sensorwatch.detect.Tuning;
import dev.sensorwatch.io.Timestamps;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The training-period options: {@code --learn-first} and {@code --learn-until}. */
final class TrainingOptions {

    @Option(names = "--learn-first", paramLabel = "N|DURATION",
            description = {"Each sensor's training period: its first N readings (a number, such as 400), or the readings "
                    + "within DURATION of its first one (such as 36h, 7d or PT36H). Training readings are learned as normal "
                    + "and never flagged (signal `training`); at the period's end the sensor's LSTM is trained on them and its "
                    + "scores calibrated, and the model then stays fixed. A period holds at least "
                    + Tuning.MIN_TRAINING_READINGS + " readings and keeps the latest "
                    + Tuning.MAX_TRAINING_READINGS + ". Without --learn-first or --learn-until the detector learns "
                    + "online from the first reading."})
    String learnFirst;

    @Option(names = "--learn-until", paramLabel = "INSTANT",
            description = "Readings with an event time before INSTANT are the training period (such as 2020-06-01T00:00:00Z, "
                    + "or 2020-06-01T00:00:00 read in --zone where there is one, else UTC); see --learn-first.")
    String learnUntil;

    /** {@code config} with the training period these options name, if any. */
    DetectorConfig applyTo(DetectorConfig config, ZoneId zone) {
        if (learnFirst != null && learnUntil != null) {
            throw new IllegalArgumentException("--learn-first and --learn-until both name a training period; give one");
        }
        TrainingPeriod period = TrainingPeriod.NONE;
        if (learnFirst != null) {
            period = parseFirst(learnFirst);
        }
        if (learnUntil != null) {
            try {
                period = TrainingPeriod.until(Timestamps.parseMillis(learnUntil, zone));
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("--learn-until: " + e.getMessage(), e);
            }
        }
        try {
            return config.withTraining(period);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((learnFirst != null ? "--learn-first" : "--learn-until") + " with --members: "
                    + e.getMessage(), e);
        }
    }

    /** Parses {@code --learn-first}: a count of readings, or a duration with a unit (ms, s, m, h, d) or in ISO-8601. */
    static TrainingPeriod parseFirst(String text) {
        String v = text.strip().toLowerCase(Locale.ROOT);
        String fix = "--learn-first: expected a number of readings (400) or a duration (36h, 7d, PT36H), got '"
                + text + "'";
        try {
            if (v.matches("\\d+")) {
                long readings = Long.parseLong(v);
                if (readings < 1) {
                    throw new IllegalArgumentException(fix);
                }
                return TrainingPeriod.firstReadings(readings);
            }
            long millis = Durations.parse(v).toMillis();
            if (millis < 1) {
                throw new IllegalArgumentException(fix);
            }
            return TrainingPeriod.duration(millis);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(fix, e);
        }
    }
}
