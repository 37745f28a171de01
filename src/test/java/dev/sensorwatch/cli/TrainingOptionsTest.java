package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.TrainingPeriod;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TrainingOptionsTest {

    @Test
    void learnFirstTakesACountOrADuration() {
        assertThat(TrainingOptions.parseFirst("400")).isEqualTo(TrainingPeriod.firstReadings(400));
        assertThat(TrainingOptions.parseFirst("36h")).isEqualTo(TrainingPeriod.duration(36 * 3_600_000L));
        assertThat(TrainingOptions.parseFirst("7d")).isEqualTo(TrainingPeriod.duration(7 * 86_400_000L));
        assertThat(TrainingOptions.parseFirst("PT90M")).isEqualTo(TrainingPeriod.duration(90 * 60_000L));
        assertThat(TrainingOptions.parseFirst("1.5s")).isEqualTo(TrainingPeriod.duration(1_500L));
    }

    @Test
    void aBadLearnFirstSaysWhatIsExpected() {
        for (String bad : new String[] {"0", "-3", "7w", "soon", "0h"}) {
            assertThatThrownBy(() -> TrainingOptions.parseFirst(bad))
                    .hasMessageContaining("--learn-first")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void learnUntilIsReadInTheZoneOfTheData() {
        TrainingOptions options = new TrainingOptions();
        options.learnUntil = "2020-06-01T00:00:00";
        DetectorConfig config = options.applyTo(DetectorConfig.DEFAULTS, ZoneId.of("UTC"));
        assertThat(config.training()).isEqualTo(TrainingPeriod.until(1_590_969_600_000L));
        options.learnUntil = "June";
        assertThatThrownBy(() -> options.applyTo(DetectorConfig.DEFAULTS, ZoneId.of("UTC")))
                .hasMessageContaining("--learn-until");
    }

    @Test
    void bothOptionsAtOnceAreRefused() {
        TrainingOptions options = new TrainingOptions();
        options.learnFirst = "400";
        options.learnUntil = "2020-06-01T00:00:00";
        assertThatThrownBy(() -> options.applyTo(DetectorConfig.DEFAULTS, ZoneId.of("UTC")))
                .hasMessageContaining("give one");
    }

    @Test
    void withoutEitherTheDetectorLearnsOnline() {
        assertThat(new TrainingOptions().applyTo(DetectorConfig.DEFAULTS, ZoneId.of("UTC")).training())
                .isEqualTo(TrainingPeriod.NONE);
    }
}
