package dev.sensorwatch.it;

import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.io.CsvOptions;
import dev.sensorwatch.io.SeriesFile;
import dev.sensorwatch.io.SeriesFormat;
import dev.sensorwatch.io.SeriesReader;
import dev.sensorwatch.stream.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The fixed input of the resilience tests: deterministic synthetic sensors ({@code pump-1}, …) plus
 * series of the shipped NAB sample, published round-robin across sensors (so each partition holds
 * interleaved sensors), keyed by sensor id, with a few records that must go to the dead-letter
 * topic: undecodable bytes, a NaN reading and a reading that is not after its sensor's last one.
 */
final class ResilienceData {

    private static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);
    private static final long START = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;

    /** One record as published: key and value bytes. */
    record Input(byte[] key, byte[] value) {
    }

    /** One reading the detector scores. */
    record Reading(long eventTime, double value) {
    }

    /** Records in publication order. */
    final List<Input> records;
    /** Per sensor, the readings that are scored, in order. */
    final Map<String, List<Reading>> scored;
    /** Number of records that go to the dead-letter topic. */
    final int deadLetters;

    private ResilienceData(List<Input> records, Map<String, List<Reading>> scored, int deadLetters) {
        this.records = records;
        this.scored = scored;
        this.deadLetters = deadLetters;
    }

    /** Number of scores an undisturbed run writes. */
    int scoredCount() {
        return scored.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Builds the data set.
     *
     * @param syntheticSensors number of synthetic sensors
     * @param readings         readings per synthetic sensor
     * @param nabSeries        paths of NAB sample series (below {@code demo/nab}) to add whole
     */
    static ResilienceData build(int syntheticSensors, int readings, List<String> nabSeries) throws Exception {
        List<List<Input>> perSensor = new ArrayList<>();
        Map<String, List<Reading>> scored = new LinkedHashMap<>();
        int deadLetters = 0;
        for (int s = 1; s <= syntheticSensors; s++) {
            String sensor = "pump-" + s;
            Random random = new Random(1_000L + s);
            double period = 96 + 17 * s;
            List<Input> inputs = new ArrayList<>();
            List<Reading> accepted = new ArrayList<>();
            for (int row = 0; row < readings; row++) {
                long time = START + row * MINUTE;
                double value = 20 + 5 * StrictMath.sin(2 * StrictMath.PI * row / period) + 0.5 * random.nextGaussian()
                        + (row % 1500 >= 1200 && row % 1500 < 1210 ? 8 : 0);
                inputs.add(new Input(key(sensor), reading(sensor, time, value)));
                accepted.add(new Reading(time, value));
                switch (row % 1000) {
                    case 250 -> { // the same event time again: not after the last reading
                        inputs.add(new Input(key(sensor), reading(sensor, time, value + 1)));
                        deadLetters++;
                    }
                    case 500 -> { // not a SensorReading
                        inputs.add(new Input(key(sensor), new byte[] {0x42, 0x00, 0x13, (byte) s}));
                        deadLetters++;
                    }
                    case 750 -> { // NaN
                        inputs.add(new Input(key(sensor), reading(sensor, time + 1, Double.NaN)));
                        deadLetters++;
                    }
                    default -> {
                    }
                }
            }
            perSensor.add(inputs);
            scored.put(sensor, accepted);
        }
        Path root = Path.of(ResilienceData.class.getResource("/demo/nab/index.txt").toURI()).getParent();
        for (String name : nabSeries) {
            SeriesFile file = SeriesReader.read(root, root.resolve(name), SeriesFormat.NAB, CsvOptions.defaults());
            List<Input> inputs = new ArrayList<>();
            List<Reading> accepted = new ArrayList<>();
            for (int row = 0; row < file.rows(); row++) {
                inputs.add(new Input(key(file.sensorId()), reading(file.sensorId(), file.eventTimeMillis(row), file.value(row, 0))));
                accepted.add(new Reading(file.eventTimeMillis(row), file.value(row, 0)));
            }
            perSensor.add(inputs);
            scored.put(file.sensorId(), accepted);
        }
        List<Input> records = new ArrayList<>();
        int longest = perSensor.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<Input> inputs : perSensor) {
                if (i < inputs.size()) {
                    records.add(inputs.get(i));
                }
            }
        }
        return new ResilienceData(List.copyOf(records), scored, deadLetters);
    }

    static byte[] key(String sensor) {
        return sensor.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] reading(String sensor, long eventTime, double value) {
        return READINGS.encode(SensorReading.newBuilder().setSensorId(sensor)
                .setEventTime(Instant.ofEpochMilli(eventTime)).setValues(List.of(value)).build());
    }

    @Override
    public String toString() {
        return String.format("%,d records: %,d readings to score of %d sensors, %d for the dead-letter topic",
                records.size(), scoredCount(), scored.size(), deadLetters);
    }
}
