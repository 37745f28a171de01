package dev.sensorwatch.io;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Parses the timestamps of sensor files and NAB labels into epoch milliseconds.
 *
 * <p>{@link #parseMillis(String, ZoneId)} accepts, after stripping surrounding white space:
 *
 * <ul>
 *   <li>ISO-8601 date-times with an offset: {@code 2024-01-02T03:04:05Z},
 *       {@code 2024-01-02T03:04:05.250+02:00} (also {@code +0200} and {@code +02});
 *   <li>local date-times without an offset, with {@code T} or one space between date and time,
 *       seconds optional, and an optional fraction of 1 to 9 digits:
 *       {@code 2024-01-02T03:04:05}, {@code 2024-01-02 03:04:05.000000}, {@code 2024-01-02 03:04};
 *       these, and plain dates such as {@code 2024-01-02} (midnight), are read in the zone given.
 *       In a daylight-saving gap the time is moved later by the length of the gap; in an overlap
 *       the earlier offset is used (the rules of {@link LocalDateTime#atZone});
 *   <li>plain integers, optionally signed, as epoch time: a value whose absolute value is at least
 *       {@link #EPOCH_MILLIS_THRESHOLD} (10<sup>11</sup>) is taken as epoch milliseconds, a smaller
 *       one as epoch seconds. So seconds are understood up to the year 5138 and milliseconds from
 *       March 1973 on (10<sup>11</sup> ms is 1973-03-03T09:46:40Z);
 *   <li>decimals such as {@code 1700000000.25} as epoch seconds with a fraction (always seconds,
 *       whatever their size; no exponent).
 * </ul>
 *
 * <p>Digits below the millisecond are dropped, rounding toward the past (also before 1970).
 */
public final class Timestamps {

    /**
     * Absolute value from which a plain integer timestamp is taken as epoch milliseconds rather
     * than epoch seconds: 10<sup>11</sup>.
     */
    public static final long EPOCH_MILLIS_THRESHOLD = 100_000_000_000L;

    /** What {@link #parseMillis} understands, for error messages. */
    static final String ACCEPTED = "expected an ISO-8601 date-time such as 2024-01-02T03:04:05Z, "
            + "2024-01-02T03:04:05+02:00 or 2024-01-02T03:04:05, the form 2024-01-02 03:04:05 "
            + "(optionally with a fraction), or epoch seconds or milliseconds";

    /** What {@link #parseNabMillis} understands, for error messages. */
    static final String ACCEPTED_NAB =
            "expected yyyy-MM-dd HH:mm:ss with an optional fraction of 1 to 9 digits, as in NAB";

    private static final int[] POW10 = {
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
    };

    /** Date, then optionally 'T', time and offset; a space separator is turned into 'T' first. */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart()
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .optionalEnd()
            .optionalStart()
            .parseLenient()
            .appendOffset("+HH", "Z")
            .parseStrict()
            .optionalEnd()
            .optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    private Timestamps() {}

    /**
     * Returns the epoch milliseconds of a timestamp in any of the forms described on this class.
     *
     * @param text the timestamp as written in the file
     * @param zone the zone of date-times that carry no offset
     * @throws DateTimeException if the text is none of those forms or names no valid instant;
     *     the message quotes the text and lists the accepted forms
     */
    public static long parseMillis(String text, ZoneId zone) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new DateTimeException("empty timestamp; " + ACCEPTED);
        }
        if (isInteger(s)) {
            return epochIntegerMillis(s, text);
        }
        if (isDecimal(s)) {
            return epochDecimalMillis(s, text);
        }
        LocalDateTime simple = parseSimpleLocal(s, true, text);
        if (simple != null) {
            return toMillis(simple, zone);
        }
        String iso = s.length() > 10 && s.charAt(10) == ' '
                ? s.substring(0, 10) + 'T' + s.substring(11)
                : s;
        TemporalAccessor parsed;
        try {
            parsed = DATE_TIME.parseBest(iso, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
        } catch (DateTimeException e) {
            throw new DateTimeException("'" + text + "' is not a timestamp; " + ACCEPTED, e);
        }
        if (parsed instanceof OffsetDateTime offset) {
            return offset.toInstant().toEpochMilli();
        }
        if (parsed instanceof LocalDateTime local) {
            return toMillis(local, zone);
        }
        return toMillis(((LocalDate) parsed).atStartOfDay(), zone);
    }

    /**
     * Returns the epoch milliseconds of a NAB timestamp, {@code yyyy-MM-dd HH:mm:ss} with an
     * optional fraction of 1 to 9 digits ({@code 2014-04-10 07:15:00.000000}), read as UTC.
     *
     * @param text the timestamp as written in a NAB data or label file
     * @throws DateTimeException if the text has another form or names no valid date-time
     */
    public static long parseNabMillis(String text) {
        String s = text.strip();
        LocalDateTime local = parseSimpleLocal(s, false, text);
        if (local == null) {
            throw new DateTimeException("'" + text + "' is not a NAB timestamp; " + ACCEPTED_NAB);
        }
        return toMillis(local, ZoneOffset.UTC);
    }

    private static long toMillis(LocalDateTime local, ZoneId zone) {
        if (zone instanceof ZoneOffset offset) {
            return local.toEpochSecond(offset) * 1000L + local.getNano() / 1_000_000;
        }
        return local.atZone(zone).toInstant().toEpochMilli();
    }

    private static boolean isInteger(String s) {
        int start = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
        if (start == s.length()) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Digits with exactly one '.', at least one digit, optional sign. */
    private static boolean isDecimal(String s) {
        int start = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
        int digits = 0;
        int points = 0;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                points++;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else {
                return false;
            }
        }
        return points == 1 && digits > 0;
    }

    private static long epochIntegerMillis(String s, String text) {
        long value;
        try {
            value = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new DateTimeException("'" + text + "' is too large for an epoch timestamp", e);
        }
        if (value >= EPOCH_MILLIS_THRESHOLD || value <= -EPOCH_MILLIS_THRESHOLD) {
            return value;
        }
        return value * 1000L;
    }

    private static long epochDecimalMillis(String s, String text) {
        try {
            return new BigDecimal(s).movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new DateTimeException("'" + text + "' is out of range for epoch seconds", e);
        }
    }

    /**
     * Parses {@code dddd-dd-dd?dd:dd:dd} with an optional {@code .d{1,9}}, where {@code ?} is a
     * space (or 'T' when {@code allowT}); returns null when the text has another shape.
     */
    private static LocalDateTime parseSimpleLocal(String s, boolean allowT, String text) {
        int n = s.length();
        if (n < 19 || n == 20 || n > 29) {
            return null;
        }
        if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        char separator = s.charAt(10);
        if (separator != ' ' && !(allowT && (separator == 'T' || separator == 't'))) {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int nano = 0;
        if (n > 19) {
            if (s.charAt(19) != '.') {
                return null;
            }
            int fraction = digits(s, 20, n);
            if (fraction < 0) {
                return null;
            }
            nano = fraction * POW10[9 - (n - 20)];
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nano);
        } catch (DateTimeException e) {
            throw new DateTimeException("'" + text + "' is not a valid date-time: " + e.getMessage(), e);
        }
    }

    /** The value of the decimal digits s[from, to), or -1 if one of them is not a digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
