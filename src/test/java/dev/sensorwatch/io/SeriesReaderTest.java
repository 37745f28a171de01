package dev.sensorwatch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesReaderTest {

    @TempDir
    Path root;

    Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    SeriesFile csv(Path file, CsvOptions options) throws IOException {
        return SeriesReader.read(root, file, SeriesFormat.CSV, options);
    }

    @Test
    void readsANabFile() throws IOException {
        Path file = write("realKnownCause/machine.csv",
                "timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,-2e-3\n2014-04-01 00:10:00,\n");
        SeriesFile series = SeriesReader.read(root, file, SeriesFormat.NAB, CsvOptions.defaults());

        assertThat(series.relativePath()).isEqualTo("realKnownCause/machine.csv");
        assertThat(series.sensorId()).isEqualTo("realKnownCause/machine.csv");
        assertThat(series.name()).isEqualTo("realKnownCause/machine.csv");
        assertThat(series.sensorColumn()).isEmpty();
        assertThat(series.header()).containsExactly("timestamp", "value");
        assertThat(series.rows()).isEqualTo(3);
        assertThat(series.channels()).isEqualTo(1);
        assertThat(series.channelNames()).containsExactly("value");
        assertThat(series.timestampColumn()).isZero();
        assertThat(series.channelColumns()).containsExactly(1);
        assertThat(series.eventTimesMillis()).containsExactly(
                millis("2014-04-01T00:00:00Z"), millis("2014-04-01T00:05:00Z"), millis("2014-04-01T00:10:00Z"));
        assertThat(series.value(0, 0)).isEqualTo(1.5);
        assertThat(series.value(1, 0)).isEqualTo(-2e-3);
        assertThat(series.value(2, 0)).isNaN();
        assertThat(series.rawRows().get(1)).containsExactly("2014-04-01 00:05:00", "-2e-3");
        assertThat(series.lineNumber(0)).isEqualTo(2);
        assertThat(series.lineNumber(2)).isEqualTo(4);
        assertThat(series.delimiter()).isEqualTo(',');
    }

    @Test
    void readsANabFileWithCrlfLineEndsAndNoFinalLineEnd() throws IOException {
        Path file = write("f.csv", "timestamp,value\r\n2014-07-06 20:10:00,0.0645\r\n2014-07-06 20:15:00,0.0643");
        SeriesFile series = SeriesReader.read(root, file, SeriesFormat.NAB, CsvOptions.defaults());
        assertThat(series.rows()).isEqualTo(2);
        assertThat(series.value(1, 0)).isEqualTo(0.0643);
        assertThat(series.rawRows().get(1)).containsExactly("2014-07-06 20:15:00", "0.0643");
    }

    @Test
    void nabFormatInsistsOnItsLayout() throws IOException {
        Path other = write("other.csv", "time,value\n2014-04-01 00:00:00,1\n");
        assertThatThrownBy(() -> SeriesReader.read(root, other, SeriesFormat.NAB, CsvOptions.defaults()))
                .isInstanceOf(DataFileException.class)
                .hasMessage(other + ":1: the header is 'time,value' but a NAB file has the header"
                        + " 'timestamp,value'; read other files with the CSV format");

        Path iso = write("iso.csv", "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01T00:05:00Z,2\n");
        assertThatThrownBy(() -> SeriesReader.read(root, iso, SeriesFormat.NAB, CsvOptions.defaults()))
                .isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(iso + ":3: column 1 'timestamp': '2014-04-01T00:05:00Z' is not a NAB timestamp");

        Path nab = write("nab.csv", "timestamp,value\n2014-04-01 00:00:00,1\n");
        CsvOptions berlin = CsvOptions.defaults().withZone(ZoneId.of("Europe/Berlin"));
        assertThatThrownBy(() -> SeriesReader.read(root, nab, SeriesFormat.NAB, berlin))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the NAB format takes no CSV options");
        // UTC by any name is the default
        assertThat(SeriesReader.read(root, nab, SeriesFormat.NAB, CsvOptions.defaults().withZone(ZoneId.of("UTC"))).rows())
                .isEqualTo(1);
    }

    @Test
    void readsASemicolonFileWithThreeChannelsAndIsoTimes() throws IOException {
        Path file = write("plant/line-1.csv", """
                Time;temperature;pressure;humidity
                2024-01-02T03:04:05Z;21.5;1013.25;40
                2024-01-02T05:04:06+02:00;21.75;;NaN
                2024-01-02T04:04:07.250;-0.5;1012;nan
                """);
        SeriesFile series = csv(file, CsvOptions.defaults().withZone(ZoneId.of("Europe/Berlin")));

        assertThat(series.delimiter()).isEqualTo(';');
        assertThat(series.timestampColumn()).isZero();
        assertThat(series.channelNames()).containsExactly("temperature", "pressure", "humidity");
        assertThat(series.channels()).isEqualTo(3);
        assertThat(series.eventTimesMillis()).containsExactly(
                millis("2024-01-02T03:04:05Z"), millis("2024-01-02T03:04:06Z"), millis("2024-01-02T03:04:07.250Z"));
        assertThat(series.row(0, new double[3])).containsExactly(21.5, 1013.25, 40.0);
        assertThat(series.value(1, 0)).isEqualTo(21.75);
        assertThat(series.value(1, 1)).isNaN();
        assertThat(series.value(1, 2)).isNaN();
        assertThat(series.value(2, 2)).isNaN();
        assertThat(series.values()).hasSize(9);
        double[] into = {9, 9, 9, 9};
        series.row(2, into);
        assertThat(into[0]).isEqualTo(-0.5);
        assertThat(into[3]).isEqualTo(9);
        assertThatThrownBy(() -> series.row(0, new double[2])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> series.value(3, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> series.value(0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void findsTheTimestampByNameAndChannelsByTheirFirstValue() throws IOException {
        Path file = write("mixed.csv", """
                ,site,reading,Date,status,late,blank
                0,north,1.5,2024-01-02,ok,,
                1,north,2.5,2024-01-03,ok,7,
                """);
        SeriesFile series = csv(file, CsvOptions.defaults());
        assertThat(series.timestampColumn()).isEqualTo(3);
        // the unnamed index column, the text columns and the all-empty column are no channels;
        // 'late' is one: its first non-empty value is a number
        assertThat(series.channelNames()).containsExactly("reading", "late");
        assertThat(series.value(0, 1)).isNaN();
        assertThat(series.value(1, 1)).isEqualTo(7);
    }

    @Test
    void takesTheFirstColumnAsTimeWhenNoneIsNamedSo() throws IOException {
        Path file = write("first.csv", "when,a\n1700000000,1\n");
        SeriesFile series = csv(file, CsvOptions.defaults());
        assertThat(series.timestampColumn()).isZero();
        assertThat(series.channelNames()).containsExactly("a");
    }

    @Test
    void namedColumnsWinAndComeInTheOrderGiven() throws IOException {
        Path file = write("named.csv", "a,b,c,at\n1,2,3,2024-01-02T00:00:00Z\n");
        SeriesFile series = csv(file, CsvOptions.defaults().withTimestampColumn("at").withChannelColumns(List.of("c", "a")));
        assertThat(series.timestampColumn()).isEqualTo(3);
        assertThat(series.channelNames()).containsExactly("c", "a");
        assertThat(series.row(0, new double[2])).containsExactly(3.0, 1.0);

        assertThatThrownBy(() -> csv(file, CsvOptions.defaults().withChannelColumns(List.of("d"))))
                .isInstanceOf(DataFileException.class)
                .hasMessage(file + ":1: there is no channel column 'd'; the header has ['a', 'b', 'c', 'at'] (delimiter ',')");
    }

    @Test
    void readsEpochSecondsAndMilliseconds() throws IOException {
        Path file = write("epoch.csv", "ts,v\n1700000000,1\n1700000000500,2\n1700000001.25,3\n");
        SeriesFile series = csv(file, CsvOptions.defaults());
        assertThat(series.eventTimesMillis()).containsExactly(1_700_000_000_000L, 1_700_000_000_500L, 1_700_000_001_250L);
    }

    @Test
    void aNonNumericCellIsAnErrorNamingFileLineAndColumn() throws IOException {
        Path file = write("bad.csv", "timestamp,a,b\n2024-01-02 00:00:00,1,2\n2024-01-02 00:01:00,1,2\n"
                + "2024-01-02 00:02:00,3,abc\n");
        assertThatThrownBy(() -> csv(file, CsvOptions.defaults()))
                .isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(file + ":4: column 3 'b': 'abc' is not a number; write a number such as 12.5")
                .hasMessageContaining("name the channel columns in the CSV options to leave it out")
                .satisfies(e -> {
                    DataFileException error = (DataFileException) e;
                    assertThat(error.file()).isEqualTo(file.toString());
                    assertThat(error.line()).isEqualTo(4);
                });
        assertThatThrownBy(() -> csv(file, CsvOptions.defaults().withChannelColumns(List.of("b"))))
                .hasMessageStartingWith(file + ":4: column 3 'b': 'abc' is not a number")
                .hasMessageNotContaining("leave it out");

        Path huge = write("huge.csv", "timestamp,a\n2024-01-02 00:00:00,1e999\n");
        assertThatThrownBy(() -> csv(huge, CsvOptions.defaults()))
                .hasMessageStartingWith(huge + ":2: column 2 'a': '1e999' is beyond the range of a double");
        Path hex = write("hex.csv", "timestamp,a\n2024-01-02 00:00:00,1\n2024-01-02 00:00:01,0x10\n");
        assertThatThrownBy(() -> csv(hex, CsvOptions.defaults()))
                .hasMessageStartingWith(hex + ":3: column 2 'a': '0x10' is not a number");
    }

    @Test
    void aBadTimestampIsAnErrorNamingFileLineAndText() throws IOException {
        Path file = write("time.csv", "time,a\n2024-01-02 00:00:00,1\nyesterday,2\n");
        assertThatThrownBy(() -> csv(file, CsvOptions.defaults()))
                .isInstanceOf(DataFileException.class)
                .hasMessage(file + ":3: column 1 'time': 'yesterday' is not a timestamp; " + Timestamps.ACCEPTED);
    }

    @Test
    void followsCsvQuotingAndCountsLinesOfMultiLineCells() throws IOException {
        Path file = write("quoted.csv", "timestamp,\"note, free text\",value\n"
                + "2024-01-02 00:00:00,\"says \"\"hi\"\", twice\",\"1.5\"\n"
                + "\n"
                + "2024-01-02 00:01:00,\"two\nlines\",2\n"
                + "2024-01-02 00:02:00,,3\n");
        SeriesFile first = csv(file, CsvOptions.defaults().withChannelColumns(List.of("value")));
        assertThat(first.header()).containsExactly("timestamp", "note, free text", "value");
        assertThat(first.rawRows().get(0)).containsExactly("2024-01-02 00:00:00", "says \"hi\", twice", "1.5");
        assertThat(first.rawRows().get(1).get(1)).isEqualTo("two\nlines");
        assertThatThrownBy(() -> first.rawRows().get(0).set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(first.value(0, 0)).isEqualTo(1.5);
        // the blank line 3 is skipped; the multi-line row starts on line 4, the next on line 6
        assertThat(first.lineNumber(0)).isEqualTo(2);
        assertThat(first.lineNumber(1)).isEqualTo(4);
        assertThat(first.lineNumber(2)).isEqualTo(6);
    }

    @Test
    void reportsRowsOfTheWrongWidthAndBrokenQuotes() throws IOException {
        Path wide = write("wide.csv", "timestamp,a\n2024-01-02 00:00:00,1\n2024-01-02 00:01:00,2,3\n");
        assertThatThrownBy(() -> csv(wide, CsvOptions.defaults()))
                .isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(wide + ":3: the row has 3 cells but the header has 2 columns");
        Path broken = write("broken.csv", "timestamp,a\n2024-01-02 00:00:00,\"1\"x\n");
        assertThatThrownBy(() -> csv(broken, CsvOptions.defaults()))
                .isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(broken + ":2: is not valid CSV (");
        Path empty = write("empty.csv", "\n\n");
        assertThatThrownBy(() -> csv(empty, CsvOptions.defaults()))
                .hasMessage(empty + ": the file is empty; a series file starts with a header line");
        Path twice = write("twice.csv", "timestamp,a,a\n");
        assertThatThrownBy(() -> csv(twice, CsvOptions.defaults()))
                .hasMessageStartingWith(twice + ":1: the header names column 'a' twice (columns 2 and 3)");
        Path text = write("text.csv", "timestamp,a\n2024-01-02 00:00:00,x\n");
        assertThatThrownBy(() -> csv(text, CsvOptions.defaults()))
                .hasMessageStartingWith(text + ":1: found no channel column");
        Path latin1 = root.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'t', 'i', 'm', 'e', ',', 'a', '\n', '1', ',', (byte) 0xe9, '\n'});
        assertThatThrownBy(() -> csv(latin1, CsvOptions.defaults().withDelimiter(',')))
                .hasMessageContaining("is not UTF-8 text");
    }

    @Test
    void aFileWithAHeaderButNoRowsSaysSo() throws IOException {
        Path headerOnly = write("header-only.csv", "timestamp,a,b\n\n");
        for (CsvOptions options : List.of(CsvOptions.defaults(), CsvOptions.defaults().withChannelColumns(List.of("a")))) {
            assertThatThrownBy(() -> csv(headerOnly, options))
                    .isInstanceOf(DataFileException.class)
                    .hasMessage(headerOnly + ":1: the file has a header line but no rows of readings; a series file"
                            + " needs at least one row below its header");
        }
        Path nab = write("nab-header-only.csv", "timestamp,value\n");
        assertThatThrownBy(() -> SeriesReader.read(root, nab, SeriesFormat.NAB, CsvOptions.defaults()))
                .hasMessageContaining("no rows of readings");
    }

    @Test
    void tabsAreDetectedAndNamedAsDelimiters() throws IOException {
        Path tabs = write("tabs.tsv", "timestamp\ta\tb\n2024-01-02 00:00:00\t1.5\t2\n");
        SeriesFile detected = csv(tabs, CsvOptions.defaults());
        assertThat(detected.delimiter()).isEqualTo('\t');
        assertThat(detected.channelNames()).containsExactly("a", "b");
        assertThatThrownBy(() -> csv(tabs, CsvOptions.defaults().withChannelColumns(List.of("c"))))
                .hasMessageEndingWith("(delimiter tab)");

        assertThat(CsvOptions.parseDelimiter("tab")).isEqualTo('\t');
        assertThat(CsvOptions.parseDelimiter("TAB")).isEqualTo('\t');
        assertThat(CsvOptions.parseDelimiter("\\t")).isEqualTo('\t');
        assertThat(CsvOptions.parseDelimiter("\t")).isEqualTo('\t');
        assertThat(CsvOptions.parseDelimiter(";")).isEqualTo(';');
        assertThat(CsvOptions.parseDelimiter("semicolon")).isEqualTo(';');
        assertThat(CsvOptions.parseDelimiter("pipe")).isEqualTo('|');
        assertThatThrownBy(() -> CsvOptions.parseDelimiter("::")).hasMessageContaining("one character, or tab");
    }

    @Test
    void skipsAByteOrderMarkAndHonoursAGivenDelimiter() throws IOException {
        Path bom = write("bom.csv", "\uFEFFtimestamp,value\n2024-01-02 00:00:00,1\n");
        SeriesFile series = SeriesReader.read(root, bom, SeriesFormat.NAB, CsvOptions.defaults());
        assertThat(series.header()).containsExactly("timestamp", "value");

        Path tabs = write("tabs.tsv", "timestamp\ta\tb\n2024-01-02 00:00:00\t1,5\t2\n");
        SeriesFile tabbed = csv(tabs, CsvOptions.defaults().withDelimiter('\t').withChannelColumns(List.of("b")));
        assertThat(tabbed.delimiter()).isEqualTo('\t');
        assertThat(tabbed.rawRows().get(0)).containsExactly("2024-01-02 00:00:00", "1,5", "2");
    }

    @Test
    void listsCsvFilesRecursivelyInPathOrderWithoutHiddenOnes() throws IOException {
        for (String name : List.of("b/z.csv", "a.csv", "a-b.csv", "a/b/c.CSV", "a/a.csv", "B.csv", ".hidden.csv",
                ".git/x.csv", "c/.cache/y.csv", "notes.txt", "README.md", "c/d.csv")) {
            write(name, "timestamp,value\n");
        }
        Files.createDirectories(root.resolve("empty.csv.d"));
        List<Path> files = SeriesReader.listSeriesFiles(root);
        assertThat(files.stream().map(f -> SeriesReader.relativePath(root, f)))
                .containsExactly("B.csv", "a-b.csv", "a.csv", "a/a.csv", "a/b/c.CSV", "b/z.csv", "c/d.csv");

        Path single = root.resolve("notes.txt");
        assertThat(SeriesReader.listSeriesFiles(single)).containsExactly(single);
        assertThat(SeriesReader.relativePath(single, single)).isEqualTo("notes.txt");
        assertThatThrownBy(() -> SeriesReader.listSeriesFiles(root.resolve("missing")))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aSingleFileInputIsNamedByItsFileName() throws IOException {
        Path file = write("deep/er/one.csv", "timestamp,value\n2024-01-02 00:00:00,1\n");
        SeriesFile series = SeriesReader.read(file, file, SeriesFormat.NAB, CsvOptions.defaults());
        assertThat(series.relativePath()).isEqualTo("one.csv");
        assertThatThrownBy(() -> SeriesReader.read(root.resolve("deep/er/x"), file, SeriesFormat.NAB, CsvOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not inside the input root");
    }

    @Test
    void readBySensorGroupsRowsBySensorInOrderOfFirstAppearance() throws IOException {
        Path file = write("fleet/pumps.csv", """
                sensor,time,flow,temp,site
                p-2,2024-01-02T00:00:00Z,1,10,x
                p-1,2024-01-02T00:00:00Z,2,20,x
                p-2,2024-01-02T00:01:00Z,3,,x
                 p-1 ,2024-01-02T00:01:00Z,4,40,x
                p 3,2024-01-02T00:02:00Z,5,50,x
                """);
        CsvOptions options = CsvOptions.defaults().withSensorColumn("sensor");
        List<SeriesFile> sensors = SeriesReader.readBySensor(root, file, options);

        assertThat(sensors).extracting(SeriesFile::sensorId).containsExactly("p-2", "p-1", "p 3");
        assertThat(sensors).extracting(SeriesFile::name)
                .containsExactly("fleet/pumps.csv#p-2", "fleet/pumps.csv#p-1", "fleet/pumps.csv#p 3");
        assertThat(sensors).allSatisfy(s -> {
            assertThat(s.relativePath()).isEqualTo("fleet/pumps.csv");
            assertThat(s.sensorColumn()).hasValue(0);
            assertThat(s.timestampColumn()).isEqualTo(1);
            assertThat(s.channelNames()).containsExactly("flow", "temp");
            assertThat(s.header()).hasSize(5);
        });
        SeriesFile p2 = sensors.get(0);
        assertThat(p2.rows()).isEqualTo(2);
        assertThat(p2.value(0, 0)).isEqualTo(1);
        assertThat(p2.value(1, 0)).isEqualTo(3);
        assertThat(p2.value(1, 1)).isNaN();
        assertThat(p2.lineNumber(1)).isEqualTo(4);
        assertThat(sensors.get(1).eventTimesMillis())
                .containsExactly(millis("2024-01-02T00:00:00Z"), millis("2024-01-02T00:01:00Z"));
        assertThat(sensors.get(1).rawRows().get(1).get(0)).isEqualTo(" p-1 ");

        assertThat(SeriesReader.readAll(root, file, SeriesFormat.CSV, options)).hasSize(3);
        SeriesFile whole = SeriesReader.read(root, file, SeriesFormat.CSV, options);
        assertThat(whole.rows()).isEqualTo(5);
        assertThat(whole.sensorId()).isEqualTo("fleet/pumps.csv");
        assertThat(whole.sensorColumn()).isEmpty();
        assertThat(whole.channelNames()).containsExactly("flow", "temp");
        assertThat(SeriesReader.readAll(root, file, SeriesFormat.CSV, CsvOptions.defaults())).hasSize(1);

        assertThatThrownBy(() -> SeriesReader.readBySensor(root, file, CsvOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs the name of the sensor-id column");
        Path noId = write("noid.csv", "sensor,time,flow\na,2024-01-02T00:00:00Z,1\n,2024-01-02T00:00:00Z,1\n");
        assertThatThrownBy(() -> SeriesReader.readBySensor(root, noId, options))
                .hasMessageStartingWith(noId + ":3: column 1 'sensor': the sensor id is empty");
    }

    @Test
    void optionsRejectContradictions() {
        CsvOptions defaults = CsvOptions.defaults();
        assertThat(defaults.isDefault()).isTrue();
        assertThat(defaults.withTimestampColumn(" t ").timestampColumn()).hasValue("t");
        assertThatThrownBy(() -> defaults.withChannelColumns(List.of("a", "a")))
                .hasMessage("channel column 'a' is named twice");
        assertThatThrownBy(() -> defaults.withTimestampColumn("a").withChannelColumns(List.of("a")))
                .hasMessageContaining("both the timestamp and a channel");
        assertThatThrownBy(() -> defaults.withSensorColumn("a").withChannelColumns(List.of("a")))
                .hasMessageContaining("both the sensor id and a channel");
        assertThatThrownBy(() -> defaults.withSensorColumn("a").withTimestampColumn("a"))
                .hasMessageContaining("both the sensor id and the timestamp");
        assertThatThrownBy(() -> defaults.withDelimiter('"')).hasMessageContaining("delimiter");
        assertThatThrownBy(() -> defaults.withTimestampColumn(" ")).hasMessage("the timestamp column name is blank");
    }
}
