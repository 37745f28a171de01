package dev.sensorwatch.cli;

import dev.sensorwatch.detect.DetectorConfig;
import picocli.CommandLine.Option;

/** {@code --update-every}: how often the online LSTM takes a learning step; shared by the commands that score and by {@code bench}. */
final class UpdateEveryOption {

    @Option(names = "--update-every", paramLabel = "N", defaultValue = "" + DetectorConfig.DEFAULT_UPDATE_EVERY,
            description = "Learning online (no training period), the LSTM takes one learning step (BPTT over its last 16"
                    + " readings and an Adam update) every N readings, 1 to 15; in between its cell only advances. 1 learns at"
                    + " every reading, at about three times the detector's cost. Default: ${DEFAULT-VALUE}.")
    int updateEvery = DetectorConfig.DEFAULT_UPDATE_EVERY;

    /**
     * {@code config} with this interval.
     *
     * @throws IllegalArgumentException naming {@code --update-every} if the value is out of range
     */
    DetectorConfig applyTo(DetectorConfig config) {
        try {
            return config.withUpdateEvery(updateEvery);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--update-every: " + e.getMessage(), e);
        }
    }
}
