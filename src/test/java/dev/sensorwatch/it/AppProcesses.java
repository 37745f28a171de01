package dev.sensorwatch.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The child processes one test starts ({@code @RegisterExtension} on an instance field): every one
 * is killed after the test whatever happened, and when the test fails the end of each one's
 * output is printed.
 */
final class AppProcesses implements AfterEachCallback, TestWatcher {

    private final List<AppProcess> started = new ArrayList<>();

    /** Starts {@code sensorwatch run args} as {@code name}, logging under the rig's directory. */
    synchronized AppProcess start(ResilienceRig rig, String name, List<String> args) {
        return start(rig.dir, name, args);
    }

    /** Starts {@code sensorwatch run args} as {@code name}, logging under {@code dir}. */
    synchronized AppProcess start(Path dir, String name, List<String> args) {
        AppProcess app = AppProcess.run(name, dir.resolve("logs"), args);
        started.add(app);
        return app;
    }

    /** Every process started so far, newest last. */
    synchronized List<AppProcess> all() {
        return List.copyOf(started);
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        for (AppProcess app : started) {
            app.close();
        }
    }

    @Override
    public synchronized void testFailed(ExtensionContext context, Throwable cause) {
        System.out.println("==== " + context.getDisplayName() + " failed; output of its processes:");
        for (AppProcess app : started) {
            System.out.println(app + "\n" + app.tail(60));
        }
    }
}
