package dev.sensorwatch.cli;

import dev.sensorwatch.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sensorwatch broker}: the embedded single-node Kafka broker on its own. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs a real single-node Kafka broker (KRaft) in this process until stopped."
            + " It listens on 127.0.0.1 only; data survives restarts in --dir."})
final class BrokerCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Port to listen on (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "sensorwatch-data/broker",
            description = "Data directory. Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, port, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }, "broker-shutdown"));
        main.spec.commandLine().getOut().println("Kafka broker at " + broker.bootstrapServers()
                + " (data in " + dir + "); stop with Ctrl-C or SIGTERM");
        stopped.await();
        return 0;
    }
}
