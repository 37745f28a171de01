package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bench stream}'s options, refused before a broker starts; its synthetic fleet and stored sizes. */
class BenchStreamTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--rounds 0                                  | --rounds must be in [1, 100], got 0",
        "--warmup-runs 11                            | --warmup-runs must be in [0, 10], got 11",
        "--threads 0                                 | --threads must be in [1, 64], got 0",
        "--partitions 0                              | --partitions must be in [1, 1,000], got 0",
        "--instances 0                               | --instances must be in [1, 16], got 0",
        "--sensors 10                                | needs both --sensors N and --readings M",
        "--readings 10                               | needs both --sensors N and --readings M",
        "--channels 8                                | --channels only sets the channels of its sensors",
        "--sensors 10 --readings 10 --input x.csv    | --input and the synthetic fleet",
        "--sensors 0 --readings 10                   | --sensors must be in [1, 1,000,000], got 0",
        "--sensors 10 --readings 10 --channels 65    | --channels must be in [1, 64], got 65",
        "--sensors 1000000 --readings 1000           | at most 100,000,000 readings",
        "--model-free-bytes 4                        | --model-free-bytes must be in [8, 1,048,576], got 4",
        "--model-free-bytes 128,big                  | --model-free-bytes takes byte counts or S",
        "--learn-first soon                          | --learn-first: expected a number of readings",
        "--checkpoint-every 64,0                     | --checkpoint-every must be in [1, 4,096], got 0",
        "--detector-cache 1024,-1                    | --detector-cache must be in [0, 1,000,000], got -1",
        "--update-every 4,16                         | --update-every must be in [1, 15], got 16",
    })
    void refusesABadOptionBeforeStartingABroker(String options, String message) {
        String[] args = ("bench stream " + options.trim()).split("\\s+");
        MainTest.Run run = MainTest.execute(args);
        assertThat(run.code()).as(run.all()).isEqualTo(2);
        assertThat(run.err()).contains("sensorwatch bench stream: ", message);
        assertThat(run.out()).doesNotContain("Embedded broker");
    }

    @Test
    void theSyntheticFleetIsTheSameEveryTime() {
        Random a = new Random(7);
        Random b = new Random(7);
        for (int t = 0; t < 100; t++) {
            assertThat(BenchStream.fleetValue(a, t, 3, 1)).isEqualTo(BenchStream.fleetValue(b, t, 3, 1));
        }
    }

    @Test
    void printsTheStoredBytesPerSensorWithOneAndEightChannels() {
        StringWriter text = new StringWriter();
        BenchStream.printStoredBytesPerSensor(new PrintWriter(text, true));
        assertThat(text.toString()).contains("after 3,000 synthetic readings")
                .containsPattern("online, model changed by every reading: +D = 1: [0-9,]+ B \\+ [0-9,]{6} B;  D = 8: ")
                .containsPattern("trained \\(--learn-first 2000\\), model written once: +D = 1: [0-9]{3} B \\+ [0-9,]+ B")
                .containsPattern("journal entry, per reading between checkpoints: +D = 1: 25 B;  D = 8: 81 B");
    }
}
