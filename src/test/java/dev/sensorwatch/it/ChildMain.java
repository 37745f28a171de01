package dev.sensorwatch.it;

import dev.sensorwatch.cli.Main;
import java.io.IOException;

/**
 * Entry point of the child processes the resilience tests start: {@link Main}, plus a watchdog
 * that ends the process when the test JVM goes away (its standard input, a pipe from the test
 * JVM, reaches end of file), so that no child outlives a test run that was killed.
 */
public final class ChildMain {

    private ChildMain() {
    }

    /** Runs {@code sensorwatch args} while the parent process lives. */
    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; end of file means it is gone
                }
            } catch (IOException e) {
                // the pipe broke: the parent is gone as well
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Main.main(args);
    }
}
