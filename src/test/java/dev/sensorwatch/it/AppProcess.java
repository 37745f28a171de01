package dev.sensorwatch.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code sensorwatch run} in a child JVM of its own, started from the test class path through
 * {@link ChildMain} (which ends the child if the test JVM dies), with its
 * standard output and error in files: a process that can be killed hard ({@code kill -9}, i.e.
 * {@link Process#destroyForcibly()}) the way a machine or container dies.
 */
final class AppProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long startedNanos = System.nanoTime();

    private AppProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code java -cp <test class path> dev.sensorwatch.it.ChildMain run <args>}; its output goes to
     * {@code <logDir>/<name>.out} and {@code .err}.
     */
    static AppProcess run(String name, Path logDir, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildMain.class.getName()); // dev.sensorwatch.cli.Main, ended if this JVM goes away
        command.add("run");
        command.addAll(args);
        try {
            Files.createDirectories(logDir);
            Path out = logDir.resolve(name + ".out");
            Path err = logDir.resolve(name + ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // the child reads its options from the command line only
            builder.environment().keySet().removeIf(key -> key.startsWith("SENSORWATCH_"));
            return new AppProcess(name, builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Milliseconds since this process was started. */
    long ageMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** Kills the process without warning (SIGKILL: no shutdown hook, no flush, no close) and waits for its end. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + name, e);
        }
    }

    /** Waits at most {@code timeout} for the process to end; whether it has. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit code, or -1 while the process runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** The last {@code lines} lines of the process's standard output and error, for failure messages. */
    String tail(int lines) {
        return "---- " + name + " stdout (" + stdout + ")\n" + tail(stdout, lines)
                + "---- " + name + " stderr (" + stderr + ")\n" + tail(stderr, lines);
    }

    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(none)\n";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            StringBuilder text = new StringBuilder();
            for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
                text.append(line).append('\n');
            }
            return text.toString();
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")\n";
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")");
    }
}
