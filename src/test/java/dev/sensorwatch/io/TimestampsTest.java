package dev.sensorwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    static final ZoneId UTC = ZoneOffset.UTC;
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "2024-01-02T03:04:05Z           | 2024-01-02T03:04:05Z",
        "2024-01-02t03:04:05z           | 2024-01-02T03:04:05Z",
        "2024-01-02T03:04:05.250Z       | 2024-01-02T03:04:05.250Z",
        "2024-01-02T05:04:05+02:00      | 2024-01-02T03:04:05Z",
        "2024-01-02T05:04:05+0200       | 2024-01-02T03:04:05Z",
        "2024-01-02T05:04:05+02         | 2024-01-02T03:04:05Z",
        "2024-01-01T22:34:05-04:30      | 2024-01-02T03:04:05Z",
        "2024-01-02 05:04:05+02:00      | 2024-01-02T03:04:05Z",
        "2024-01-02T03:04Z              | 2024-01-02T03:04:00Z",
        "2024-01-02T03:04:05            | 2024-01-02T03:04:05Z",
        "2024-01-02T03:04:05.5          | 2024-01-02T03:04:05.500Z",
        "2024-01-02T03:04:05.123456789  | 2024-01-02T03:04:05.123Z",
        "2024-01-02 03:04:05            | 2024-01-02T03:04:05Z",
        "2024-01-02 03:04:05.000000     | 2024-01-02T03:04:05Z",
        "2024-01-02 03:04:05.9999       | 2024-01-02T03:04:05.999Z",
        "2024-01-02 03:04               | 2024-01-02T03:04:00Z",
        "2024-01-02                     | 2024-01-02T00:00:00Z",
        "'  2024-01-02 03:04:05  '      | 2024-01-02T03:04:05Z",
        "1704164645                     | 2024-01-02T03:04:05Z",
        "+1704164645                    | 2024-01-02T03:04:05Z",
        "1704164645123                  | 2024-01-02T03:04:05.123Z",
        "1704164645.25                  | 2024-01-02T03:04:05.250Z",
        "1704164645.0009                | 2024-01-02T03:04:05Z",
        "0                              | 1970-01-01T00:00:00Z",
        "-1                             | 1969-12-31T23:59:59Z",
        "-0.0005                        | 1969-12-31T23:59:59.999Z",
    })
    void parsesInUtc(String text, String expected) {
        assertThat(Timestamps.parseMillis(text, UTC)).isEqualTo(millis(expected));
    }

    @Test
    void readsZoneLessTimesInTheGivenZone() {
        assertThat(Timestamps.parseMillis("2024-07-01 12:00:00", BERLIN)).isEqualTo(millis("2024-07-01T10:00:00Z"));
        assertThat(Timestamps.parseMillis("2024-07-01T12:00:00.5", BERLIN)).isEqualTo(millis("2024-07-01T10:00:00.500Z"));
        assertThat(Timestamps.parseMillis("2024-01-01", BERLIN)).isEqualTo(millis("2023-12-31T23:00:00Z"));
        assertThat(Timestamps.parseMillis("2024-07-01 12:00:00", ZoneOffset.ofHours(-5)))
                .isEqualTo(millis("2024-07-01T17:00:00Z"));
        // an offset in the text wins over the zone; epoch numbers have no zone
        assertThat(Timestamps.parseMillis("2024-07-01T12:00:00Z", BERLIN)).isEqualTo(millis("2024-07-01T12:00:00Z"));
        assertThat(Timestamps.parseMillis("1719835200", BERLIN)).isEqualTo(millis("2024-07-01T12:00:00Z"));
    }

    @Test
    void daylightSavingGapMovesLaterAndOverlapTakesTheEarlierOffset() {
        // 2024-03-31 02:30 does not exist in Berlin: moved to 03:30 CEST = 01:30Z
        assertThat(Timestamps.parseMillis("2024-03-31 02:30:00", BERLIN)).isEqualTo(millis("2024-03-31T01:30:00Z"));
        // 2024-10-27 02:30 happens twice: the first one, CEST, is 00:30Z
        assertThat(Timestamps.parseMillis("2024-10-27 02:30:00", BERLIN)).isEqualTo(millis("2024-10-27T00:30:00Z"));
    }

    @Test
    void integersFromTenToTheElevenAreMilliseconds() {
        long threshold = Timestamps.EPOCH_MILLIS_THRESHOLD;
        assertThat(threshold).isEqualTo(100_000_000_000L);
        assertThat(Timestamps.parseMillis(Long.toString(threshold - 1), UTC)).isEqualTo((threshold - 1) * 1000);
        assertThat(Timestamps.parseMillis(Long.toString(threshold), UTC)).isEqualTo(threshold);
        assertThat(Timestamps.parseMillis(Long.toString(-threshold + 1), UTC)).isEqualTo((-threshold + 1) * 1000);
        assertThat(Timestamps.parseMillis(Long.toString(-threshold), UTC)).isEqualTo(-threshold);
    }

    @Test
    void fastPathAgreesWithJavaTime() {
        LocalDateTime t = LocalDateTime.of(1999, 12, 31, 23, 59, 58, 987_654_321);
        for (ZoneId zone : new ZoneId[] {UTC, BERLIN, ZoneOffset.ofHoursMinutes(5, 30)}) {
            long expected = t.atZone(zone).toInstant().toEpochMilli();
            assertThat(Timestamps.parseMillis("1999-12-31 23:59:58.987654321", zone)).isEqualTo(expected);
            assertThat(Timestamps.parseMillis("1999-12-31T23:59:58.987654321", zone)).isEqualTo(expected);
            // the general path, taken when an offset follows, agrees too
            String offset = zone.getRules().getOffset(t).getId().replace("Z", "+00:00");
            assertThat(Timestamps.parseMillis("1999-12-31T23:59:58.987654321" + offset, zone)).isEqualTo(expected);
        }
        assertThat(Timestamps.parseMillis("1960-06-15 12:00:00.0005", UTC))
                .isEqualTo(LocalDateTime.of(1960, 6, 15, 12, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "  ", "abc", "2024-13-01 00:00:00", "2024-02-30T00:00:00", "2024-01-02 24:00:00",
        "2024-01-02T03:04:05.1234567890", "1e9", "1.5e9", "12:00", "2024/01/02 03:04:05", "99999999999999999999",
        "2024-01-02T03:04:05 Z", "1.2.3", "."})
    void rejectsWithTheTextAndTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Timestamps.parseMillis(text, UTC))
                .isInstanceOf(DateTimeException.class)
                .hasMessageContaining(text.isBlank() ? "empty timestamp" : "'" + text + "'");
    }

    @Test
    void errorMessagesQuoteTheTextAndSayWhatIsExpected() {
        assertThatThrownBy(() -> Timestamps.parseMillis("yesterday", UTC))
                .hasMessage("'yesterday' is not a timestamp; " + Timestamps.ACCEPTED);
        assertThatThrownBy(() -> Timestamps.parseMillis("2024-02-30 00:00:00", UTC))
                .hasMessageStartingWith("'2024-02-30 00:00:00' is not a valid date-time: ");
        assertThatThrownBy(() -> Timestamps.parseMillis("", UTC)).hasMessageStartingWith("empty timestamp; expected");
    }

    @Test
    void nabTimestampsAreSpaceSeparatedUtcWithOptionalFraction() {
        assertThat(Timestamps.parseNabMillis("2014-04-10 07:15:00")).isEqualTo(millis("2014-04-10T07:15:00Z"));
        assertThat(Timestamps.parseNabMillis("2014-04-10 07:15:00.000000")).isEqualTo(millis("2014-04-10T07:15:00Z"));
        assertThat(Timestamps.parseNabMillis("2014-04-10 07:15:00.5")).isEqualTo(millis("2014-04-10T07:15:00.500Z"));
        for (String bad : new String[] {"2014-04-10T07:15:00", "2014-04-10 07:15", "1397114100", "2014-04-10 07:15:00Z"}) {
            assertThatThrownBy(() -> Timestamps.parseNabMillis(bad))
                    .isInstanceOf(DateTimeException.class)
                    .hasMessage("'" + bad + "' is not a NAB timestamp; " + Timestamps.ACCEPTED_NAB);
        }
    }
}
