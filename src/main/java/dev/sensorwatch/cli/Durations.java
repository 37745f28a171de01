package dev.sensorwatch.cli;

import java.time.Duration;
import java.util.Locale;

/** The one parser of durations on the command line: 500ms, 1.5s, 2m, 36h, 7d, or ISO-8601 such as PT36H. */
final class Durations {

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException if it is none of those forms
     */
    static Duration parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p") || v.startsWith("-p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            } else if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
                case 's' -> 1_000L;
                case 'm' -> 60_000L;
                case 'h' -> 3_600_000L;
                case 'd' -> 86_400_000L;
                default -> -1L;
            };
            if (unit < 0) {
                return Duration.parse(text.trim());
            }
            return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * unit));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 5s, 2m, 36h, 7d or PT36H, got '"
                    + text + "'", e);
        }
    }
}
