package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench stream} end to end on a small file: an embedded broker, one replay, timed runs. */
class BenchStreamCommandIT {

    @TempDir
    Path dir;

    @Test
    void timesEachRunAndChecksThatEveryReadingWasScoredOrDeadLettered() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("readings"));
        for (String sensor : new String[] {"pump-1", "pump-2"}) {
            StringBuilder text = new StringBuilder("timestamp,value\n");
            for (int i = 0; i < 300; i++) {
                text.append(String.format("2014-04-01T%02d:%02d:00Z,%s%n", i / 60, i % 60,
                        i == 150 && sensor.equals("pump-2") ? "NaN" : String.valueOf(Math.sin(i / 9.0))));
            }
            Files.writeString(folder.resolve(sensor + ".csv"), text);
        }

        MainTest.Run run = MainTest.execute("bench", "stream", "--input", folder.toString(), "--format", "csv",
                "--rounds", "1", "--warmup-runs", "0", "--detector-cache", "16,0");

        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).contains("600 readings in the input topic; 0 warm-up run(s), then 1 round(s)")
                .containsPattern("1\\s+16\\s+[0-9.]+\\s+[0-9,]+\\s+599\\s+1\\n")
                .containsPattern("1\\s+0\\s+[0-9.]+\\s+[0-9,]+\\s+599\\s+1\\n")
                .contains("detector-cache 16", "detector-cache 0", "the time of detector-cache 16");
    }

    @Test
    void badRoundsStopBeforeStartingABroker() {
        MainTest.Run run = MainTest.execute("bench", "stream", "--rounds", "0");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--rounds", "0");
    }
}
