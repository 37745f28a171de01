package dev.sensorwatch.cli;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Member;
import dev.sensorwatch.detect.Signal;
import java.time.ZoneId;
import java.time.ZoneOffset;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The detector's options, shared by every command that scores: {@code run}, {@code score}, {@code demo}, {@code bench}. */
final class DetectorOptions {

    /** {@code --members} by default: every predictor. */
    static final String ALL_MEMBERS = "lstm,last,daily";

    /** {@code --signals} by default: every signal. */
    static final String ALL_SIGNALS = "prediction_error,sustained_error,level_shift,weekly_shift,new_territory,flat_line,"
            + "state_distance";

    @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = DetectorConfig.DEFAULT_THRESHOLD_TEXT,
            description = "Anomaly score in (0, 1] at or above which a reading is flagged; a flag opens an event that ends after 20 readings in a row below it, and raises one alarm. Default: ${DEFAULT-VALUE} (0.5 = as unusual as the sensor's recent record).")
    double threshold;

    @Option(names = "--members", paramLabel = "LIST", defaultValue = ALL_MEMBERS,
            description = "Predictors the detector may choose from, comma-separated: lstm, last (the last value), daily (the same time a day earlier; online only). Switching some off shows what each contributes. Default: ${DEFAULT-VALUE}.")
    String members;

    @Option(names = "--signals", paramLabel = "LIST",
            defaultValue = ALL_SIGNALS,
            description = "Signals that may give a score, comma-separated: prediction_error, sustained_error, level_shift, weekly_shift, new_territory, flat_line (online), state_distance (with a training period the detector uses only sustained_error and state_distance). Switching some off shows what each contributes. Default: all.")
    String signals;

    @Mixin
    UpdateEveryOption updateEvery;

    @Mixin
    TrainingOptions training;

    /** The detector parameters these options describe, a {@code --learn-until} without offset read in UTC. */
    DetectorConfig config() {
        return config(ZoneOffset.UTC);
    }

    /** The detector parameters these options describe, a {@code --learn-until} without offset read in {@code zone}. */
    DetectorConfig config(ZoneId zone) {
        return training.applyTo(updateEvery.applyTo(config(threshold, members, signals)), zone);
    }

    /**
     * The detector parameters of {@code --threshold}, {@code --members} and {@code --signals} with
     * these values, without a training period.
     *
     * @throws IllegalArgumentException naming the option whose value is invalid
     */
    static DetectorConfig config(double threshold, String members, String signals) {
        DetectorConfig config;
        try {
            config = DetectorConfig.DEFAULTS.withThreshold(threshold);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--threshold: " + e.getMessage(), e);
        }
        try {
            config = config.withMembers(Member.parse(members));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--members: " + e.getMessage(), e);
        }
        try {
            config = config.withSignals(Signal.parse(signals));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--signals: " + e.getMessage(), e);
        }
        return config;
    }
}
