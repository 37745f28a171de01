package dev.sensorwatch.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on the error stream: {@code [=====>    ]  45%  123,456/270,000  52,000/s}.
 * Redraws at most five times a second; prints plain lines instead when there is no terminal.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintWriter out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(total, 1);
        this.terminal = System.console() != null;
    }

    /** Shows {@code done} out of the total. */
    synchronized void update(long done) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!last && now - lastDraw < (terminal ? 200_000_000L : 5_000_000_000L)) {
            return;
        }
        lastDraw = now;
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) (fraction * WIDTH);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        double seconds = Math.max((now - startNanos) / 1e9, 1e-3);
        String line = String.format("%s [%s] %3.0f%%  %,d/%,d  %,.0f/s", label, bar, fraction * 100, done, total,
                done / seconds);
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
