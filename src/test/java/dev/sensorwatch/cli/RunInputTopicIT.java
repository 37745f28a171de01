package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import dev.sensorwatch.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misspelt {@code --input-topic} stops {@code run} at start-up, naming the topic it probably
 * meant, instead of creating an empty topic and running healthy on it, scoring nothing.
 */
class RunInputTopicIT {

    @TempDir
    static Path work;
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(work.resolve("broker"));
        Properties client = new Properties();
        client.put("bootstrap.servers", broker.bootstrapServers());
        Topics.ensure(client, Map.of("sensor-readings", 1), (short) 1);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    String[] run(StringWriter err, String... args) {
        StringWriter out = new StringWriter();
        String[] all = new String[args.length + 6];
        System.arraycopy(new String[] {"run", "--bootstrap-server", broker.bootstrapServers(), "--metrics-port", "-1",
            "--state-dir"}, 0, all, 0, 6);
        System.arraycopy(args, 0, all, 6, args.length);
        int code = Main.execute(all, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {String.valueOf(code), out.toString()};
    }

    @Test
    void aMisspeltInputTopicNextToAnExistingOneStopsStartUpNamingIt() {
        StringWriter err = new StringWriter();
        String[] result = run(err, work.resolve("state-typo").toString(), "--input-topic", "sensor-readngs");
        assertThat(result[0]).isEqualTo("2");
        assertThat(err.toString()).contains("the input topic sensor-readngs does not exist, but sensor-readings does"
                + " (did you mean --input-topic sensor-readings?)");
        assertThat(Topics.names(clientProperties())).doesNotContain("sensor-readngs");
    }

    @Test
    void aMissingInputTopicWithoutTopicCreationStopsStartUp() {
        StringWriter err = new StringWriter();
        String[] result = run(err, work.resolve("state-missing").toString(), "--input-topic", "plant-7-telemetry",
                "--no-create-topics");
        assertThat(result[0]).isEqualTo("2");
        assertThat(err.toString()).contains("the input topic plant-7-telemetry does not exist (and --no-create-topics");
    }

    static Properties clientProperties() {
        Properties client = new Properties();
        client.put("bootstrap.servers", broker.bootstrapServers());
        return client;
    }
}
