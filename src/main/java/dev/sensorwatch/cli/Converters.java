package dev.sensorwatch.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The option values several commands share the form of: positive durations, replay speeds. */
final class Converters {

    private Converters() {
    }

    /** Parses positive durations: 500ms, 1.5s, 2m, 1h, or ISO-8601 such as PT5S ({@link Durations}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = parse(value);
            if (duration.isNegative() || duration.isZero()) {
                throw new TypeConversionException("expected a positive duration, got '" + value + "'");
            }
            return duration;
        }

        private static Duration parse(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected a duration such as 500ms, 5s or 2m, got '" + value + "'");
            }
        }
    }

    /**
     * Parses {@code --speed}: a positive factor of the recorded pace, or {@code max}
     * ({@link Double#POSITIVE_INFINITY}).
     *
     * @throws IllegalArgumentException naming the option otherwise
     */
    static double speed(String speed) {
        if ("max".equalsIgnoreCase(speed.trim())) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            double factor = Double.parseDouble(speed);
            if (factor > 0 && Double.isFinite(factor)) {
                return factor;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--speed must be a positive number or max, got '" + speed + "'");
    }
}
