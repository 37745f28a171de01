package dev.sensorwatch.stream;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.DeadLetter;
import dev.sensorwatch.avro.SensorReading;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded hostile traffic for the readings topic: several sensors' valid readings (some keyed by a
 * gateway, so they take the repartition path) with malformed records of every {@link Kind} mixed
 * in at random places. Each bad record has exactly one defect, so the reason it must be
 * dead-lettered with is known in advance; the same seed gives the same records.
 */
public final class HostileTraffic {

    /** What is wrong with a bad record, and the reason it must be dead-lettered with. */
    public enum Kind {
        /** Random bytes, never starting with the single-object marker. */
        RANDOM_BYTES(DeadLetterReason.UNDECODABLE),
        /** Random bytes as large as the topic takes: too large for a whole dead letter. */
        OVERSIZED_VALUE(DeadLetterReason.UNDECODABLE),
        /** The marker {@code C3 01}, an unknown schema fingerprint, then random bytes. */
        MARKER_THEN_RANDOM(DeadLetterReason.UNDECODABLE),
        /** A proper prefix of a valid reading (every prefix of some readings, random ones of others). */
        TRUNCATED(DeadLetterReason.UNDECODABLE),
        /** A valid reading followed by random bytes. */
        TRAILING_GARBAGE(DeadLetterReason.UNDECODABLE),
        /** An {@code AnomalyScore} or {@code DeadLetter} sent to the readings topic. */
        OTHER_SCHEMA(DeadLetterReason.UNDECODABLE),
        /** A zero-length value. */
        EMPTY_VALUE(DeadLetterReason.UNDECODABLE),
        /** A tombstone: no value. */
        NULL_VALUE(DeadLetterReason.UNDECODABLE),
        /** A valid-looking reading with an empty sensor id. */
        EMPTY_SENSOR_ID(DeadLetterReason.UNDECODABLE),
        /** A reading whose sensor id length, value count or tag count claims up to 2^62 items. */
        HUGE_LENGTH_PREFIX(DeadLetterReason.UNDECODABLE),
        /** A valid reading without a key. */
        NULL_KEY(DeadLetterReason.NULL_KEY),
        /** A valid reading with a zero-length key. */
        EMPTY_KEY(DeadLetterReason.NULL_KEY),
        /** A reading without channel values. */
        NO_CHANNELS(DeadLetterReason.BAD_CHANNEL_COUNT),
        /** A reading with 65 to 5,000 channels. */
        TOO_MANY_CHANNELS(DeadLetterReason.BAD_CHANNEL_COUNT),
        /** A well-formed reading of several hundred kilobytes to megabytes: a huge array of values. */
        HUGE_ARRAY(DeadLetterReason.BAD_CHANNEL_COUNT),
        /** One channel NaN (with various bit patterns). */
        NAN(DeadLetterReason.NON_FINITE),
        /** One channel +Inf or -Inf. */
        INFINITE(DeadLetterReason.NON_FINITE),
        /** An event time more than the allowed skew after the record's timestamp. */
        FAR_FUTURE(DeadLetterReason.FUTURE_TIMESTAMP),
        /** Another channel count (1 to 64) than the sensor's. */
        CHANNEL_MISMATCH(DeadLetterReason.CHANNEL_MISMATCH),
        /** An event time not after the sensor's last valid reading. */
        OUT_OF_ORDER(DeadLetterReason.OUT_OF_ORDER);

        private final DeadLetterReason expected;

        Kind(DeadLetterReason expected) {
            this.expected = expected;
        }

        /** The reason the record must be dead-lettered with. */
        public DeadLetterReason expected() {
            return expected;
        }

        /** Whether the kind needs a sensor that already has an accepted reading. */
        boolean needsSensor() {
            return switch (this) {
                case RANDOM_BYTES, OVERSIZED_VALUE, MARKER_THEN_RANDOM, OTHER_SCHEMA, EMPTY_VALUE, HUGE_LENGTH_PREFIX -> false;
                default -> true;
            };
        }
    }

    /**
     * The sizes of the traffic.
     *
     * @param validPerSensor   valid readings per sensor
     * @param bad              bad records in all
     * @param hugeArrayBytes   the size of a {@link Kind#HUGE_ARRAY} value
     * @param oversizedBytes   the size of an {@link Kind#OVERSIZED_VALUE}
     * @param maxHugeArrays    at most this many {@link Kind#HUGE_ARRAY} and {@link Kind#OVERSIZED_VALUE}
     *                         records (they are big)
     * @param maxFutureSkewMs  the topology's max future skew
     * @param minFutureExcess  a {@link Kind#FAR_FUTURE} event time exceeds the allowed lead by at
     *                         least this (1 ms to test the boundary; more where the broker stamps
     *                         records later than they were made)
     * @param futureFromNow    whether far-future event times also lead the wall clock at
     *                         generation (for topics whose broker stamps the append time)
     */
    public record Sizes(int validPerSensor, int bad, int hugeArrayBytes, int oversizedBytes, int maxHugeArrays, long maxFutureSkewMs,
                        long minFutureExcess, boolean futureFromNow) {
    }

    /**
     * One record for the readings topic.
     *
     * @param key       the key bytes, or null
     * @param value     the value bytes, or null
     * @param timestamp the record's timestamp
     * @param kind      what is wrong with it; null for a valid reading
     * @param sensor    the sensor a valid reading (or a sensor-related bad one) belongs to, or null
     */
    public record Input(byte[] key, byte[] value, long timestamp, Kind kind, String sensor) {
        /** Whether this is a valid reading. */
        public boolean valid() {
            return kind == null;
        }

        /**
         * Whether this record's dead letter must leave the value out: whole, it would exceed the
         * dead-letter size limit. The generated sizes stay clear of the limit on either side.
         */
        public boolean valueLeftOut() {
            int size = (value == null ? 0 : value.length) + 2 * (key == null ? 0 : key.length);
            if (size > DeadLetters.MAX_BYTES - 50_000 && size < DeadLetters.MAX_BYTES + 1_000) {
                throw new IllegalStateException("a generated record of " + size + " bytes is too close to the limit");
            }
            return size > DeadLetters.MAX_BYTES;
        }
    }

    /**
     * The traffic: the mixed sequence, the same valid readings alone in the same order, and how
     * many bad records of each kind the mix holds.
     */
    public record Traffic(long seed, List<Input> mixed, List<Input> validOnly, Map<Kind, Integer> tried) {
        /** Bad records expected per dead-letter reason. */
        public Map<DeadLetterReason, Integer> expectedByReason() {
            Map<DeadLetterReason, Integer> byReason = new EnumMap<>(DeadLetterReason.class);
            tried.forEach((kind, n) -> byReason.merge(kind.expected(), n, Integer::sum));
            return byReason;
        }

        /** How many bad records the mix holds. */
        public int bad() {
            return mixed.size() - validOnly.size();
        }

        /** A table of bad records tried per kind, for the test log. */
        public String table() {
            StringBuilder text = new StringBuilder(String.format("%-20s %-18s %8s%n", "kind", "reason", "tried"));
            tried.forEach((kind, n) -> text.append(String.format("%-20s %-18s %8d%n", kind, kind.expected().code(), n)));
            text.append(String.format("%-20s %-18s %8d%n", "all", "", bad()));
            return text.toString();
        }
    }

    private static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);
    private static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);
    private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);
    /** 2024-01-01T00:00:00Z: the valid readings start here. */
    private static final long START = 1_704_067_200_000L;

    /** A sensor of the generated fleet. */
    private record Sensor(String id, byte[] key, int channels, long period, double[] base, double[] amplitude) {
    }

    /** The state of one sensor while the traffic is generated. */
    private static final class Progress {
        final Sensor sensor;
        final List<Input> readings = new ArrayList<>();
        int next;
        long lastEventTime = Long.MIN_VALUE;
        long lastTimestamp;

        Progress(Sensor sensor) {
            this.sensor = sensor;
        }
    }

    private final Random random;
    private final Sizes sizes;
    private final long now;
    private final byte[] header = READINGS.header();
    private int hugeArrays;

    private HostileTraffic(long seed, Sizes sizes) {
        this.random = new Random(seed);
        this.sizes = sizes;
        this.now = System.currentTimeMillis();
    }

    /** Generates the traffic for {@code seed}. */
    public static Traffic generate(long seed, Sizes sizes) {
        return new HostileTraffic(seed, sizes).generate(seed);
    }

    /** The fleet: three sensors keyed by their id, three keyed by two gateways (repartitioned). */
    private List<Progress> fleet() {
        String[][] layout = {
            {"pump-1", "pump-1", "1"}, {"pump-2", "pump-2", "3"}, {"valve-3", "gateway-A", "1"},
            {"meter-4", "gateway-A", "8"}, {"temp-5", "temp-5", "1"}, {"flow-6", "gateway-B", "2"},
        };
        List<Progress> fleet = new ArrayList<>();
        for (String[] s : layout) {
            int channels = Integer.parseInt(s[2]);
            double[] base = new double[channels];
            double[] amplitude = new double[channels];
            for (int c = 0; c < channels; c++) {
                base[c] = random.nextDouble() * 100 - 50;
                amplitude[c] = 0.5 + random.nextDouble() * 5;
            }
            fleet.add(new Progress(new Sensor(s[0], s[1].getBytes(StandardCharsets.UTF_8), channels,
                    1_000L * (1 + random.nextInt(60)), base, amplitude)));
        }
        return fleet;
    }

    private Traffic generate(long seed) {
        List<Progress> fleet = fleet();
        for (Progress p : fleet) {
            long eventTime = START + random.nextInt(60_000);
            for (int i = 0; i < sizes.validPerSensor(); i++) {
                eventTime += p.sensor.period() / 2 + random.nextInt((int) p.sensor.period());
                long delay = random.nextInt(10) == 0
                        // the sensor's clock is ahead of the broker's, by at most the allowed skew
                        ? -(random.nextInt(4) == 0 ? sizes.maxFutureSkewMs() : (long) (random.nextDouble() * sizes.maxFutureSkewMs()))
                        : random.nextInt(30_000);
                p.readings.add(new Input(p.sensor.key(), validReading(p.sensor, eventTime, i), eventTime + delay, null,
                        p.sensor.id()));
            }
        }
        int valid = fleet.size() * sizes.validPerSensor();
        List<Boolean> slots = new ArrayList<>(Collections.nCopies(valid, Boolean.TRUE));
        slots.addAll(Collections.nCopies(sizes.bad(), Boolean.FALSE));
        Collections.shuffle(slots, random);

        List<Input> mixed = new ArrayList<>(slots.size());
        List<Input> validOnly = new ArrayList<>(valid);
        Map<Kind, Integer> tried = new EnumMap<>(Kind.class);
        List<Input> pending = new ArrayList<>(); // the rest of an every-prefix run
        long clock = START;
        for (boolean isValid : slots) {
            if (isValid) {
                Progress p;
                do {
                    p = fleet.get(random.nextInt(fleet.size()));
                } while (p.next == p.readings.size());
                Input reading = p.readings.get(p.next++);
                p.lastEventTime = READINGS.decode(reading.value()).getEventTime().toEpochMilli();
                p.lastTimestamp = reading.timestamp();
                clock = Math.max(clock, reading.timestamp());
                mixed.add(reading);
                validOnly.add(reading);
                continue;
            }
            Input bad;
            if (!pending.isEmpty()) {
                bad = pending.remove(0);
            } else {
                List<Progress> started = fleet.stream().filter(p -> p.next > 0).toList();
                Kind kind;
                do {
                    kind = Kind.values()[random.nextInt(Kind.values().length)];
                } while ((kind.needsSensor() && started.isEmpty())
                        || ((kind == Kind.HUGE_ARRAY || kind == Kind.OVERSIZED_VALUE) && hugeArrays >= sizes.maxHugeArrays()));
                Progress target = kind.needsSensor() ? started.get(random.nextInt(started.size())) : null;
                if (kind == Kind.TRUNCATED && random.nextInt(40) == 0) {
                    pending.addAll(everyPrefix(target, clock));
                    bad = pending.remove(0);
                } else {
                    bad = bad(kind, target, clock);
                }
            }
            tried.merge(bad.kind(), 1, Integer::sum);
            mixed.add(bad);
        }
        return new Traffic(seed, List.copyOf(mixed), List.copyOf(validOnly), Collections.unmodifiableMap(tried));
    }

    private byte[] validReading(Sensor sensor, long eventTime, int row) {
        List<Double> values = new ArrayList<>(sensor.channels());
        for (int c = 0; c < sensor.channels(); c++) {
            values.add(sensor.base()[c] + sensor.amplitude()[c] * Math.sin(2 * Math.PI * row / (20.0 + 7 * c))
                    + 0.1 * random.nextGaussian());
        }
        return encode(sensor.id(), eventTime, values, random.nextInt(3) == 0);
    }

    private byte[] encode(String id, long eventTime, List<Double> values, boolean decorated) {
        SensorReading.Builder reading = SensorReading.newBuilder().setSensorId(id)
                .setEventTime(Instant.ofEpochMilli(eventTime)).setValues(values);
        if (decorated) {
            reading.setUnit("bar").setTags(Map.of("site", "north-" + random.nextInt(9), "line", "ä"));
        }
        return READINGS.encode(reading.build());
    }

    /** A reading for {@code p}'s sensor that would be valid (given its time), with {@code values}. */
    private byte[] readingFor(Progress p, long eventTime, List<Double> values) {
        return encode(p.sensor.id(), eventTime, values, random.nextBoolean());
    }

    private List<Double> goodValues(Progress p) {
        List<Double> values = new ArrayList<>();
        for (int c = 0; c < p.sensor.channels(); c++) {
            values.add(p.sensor.base()[c] + random.nextGaussian());
        }
        return values;
    }

    private List<Double> values(int count) {
        List<Double> values = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            values.add(random.nextGaussian());
        }
        return values;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Every proper prefix (empty included) of one reading of {@code p}'s sensor. */
    private List<Input> everyPrefix(Progress p, long clock) {
        long timestamp = Math.max(p.lastTimestamp, Math.max(p.lastEventTime, clock)) + random.nextInt(1_000);
        byte[] whole = readingFor(p, p.lastEventTime + 1, goodValues(p));
        List<Input> prefixes = new ArrayList<>();
        for (int length = 0; length < whole.length; length++) {
            prefixes.add(new Input(p.sensor.key(), Arrays.copyOf(whole, length), timestamp, Kind.TRUNCATED, p.sensor.id()));
        }
        return prefixes;
    }

    private Input bad(Kind kind, Progress p, long clock) {
        // a sensor's bad record comes after its last valid one, stamped no earlier than that one
        // was made: only the one defect makes it bad
        long timestamp = p == null ? clock + random.nextInt(1_000)
                : Math.max(p.lastTimestamp, Math.max(p.lastEventTime, clock)) + random.nextInt(1_000);
        byte[] key = p == null ? randomKey() : p.sensor.key();
        long next = p == null ? 0 : p.lastEventTime + 1;
        String sensor = p == null ? null : p.sensor.id();
        byte[] value = switch (kind) {
            case RANDOM_BYTES -> {
                byte[] bytes = randomBytes(1 + random.nextInt(300));
                if (bytes[0] == (byte) 0xC3) {
                    bytes[0] = 0x42;
                }
                yield bytes;
            }
            case OVERSIZED_VALUE -> {
                hugeArrays++;
                byte[] bytes = randomBytes(sizes.oversizedBytes() - key.length);
                bytes[0] = 0x42;
                yield bytes;
            }
            case MARKER_THEN_RANDOM -> {
                byte[] bytes = randomBytes(10 + random.nextInt(120));
                bytes[0] = (byte) 0xC3;
                bytes[1] = 0x01;
                if (Arrays.equals(bytes, 0, 10, header, 0, 10)) {
                    bytes[9] ^= 0x01;
                }
                yield bytes;
            }
            case TRUNCATED -> {
                byte[] whole = readingFor(p, next, goodValues(p));
                yield Arrays.copyOf(whole, random.nextInt(whole.length));
            }
            case TRAILING_GARBAGE -> {
                byte[] whole = readingFor(p, next, goodValues(p));
                byte[] longer = Arrays.copyOf(whole, whole.length + 1 + random.nextInt(32));
                System.arraycopy(randomBytes(longer.length - whole.length), 0, longer, whole.length, longer.length - whole.length);
                yield longer;
            }
            case OTHER_SCHEMA -> random.nextBoolean()
                    ? SCORES.encode(AnomalyScore.newBuilder().setSensorId(random.nextBoolean() ? "pump-1" : "x")
                            .setEventTime(Instant.ofEpochMilli(clock)).setObserved(values(1)).setPredicted(values(1))
                            .setPredictionError(random.nextDouble()).setAnomalyScore(random.nextDouble())
                            .setAnomaly(random.nextBoolean()).setChannelShares(values(1)).setLearnedReadings(random.nextInt(999))
                            .build())
                    : LETTERS.encode(DeadLetter.newBuilder().setKey(ByteBuffer.wrap(randomBytes(4)))
                            .setValue(ByteBuffer.wrap(encode("pump-1", clock, values(1), false)))
                            .setTopic("sensor-readings").setPartition(0).setOffset(random.nextInt(1000))
                            .setTimestamp(Instant.ofEpochMilli(clock)).setReason("undecodable").setDetail("relayed").build());
            case EMPTY_VALUE -> new byte[0];
            case NULL_VALUE -> null;
            case EMPTY_SENSOR_ID -> encode("", next, goodValues(p), random.nextBoolean());
            case HUGE_LENGTH_PREFIX -> hugeLengthPrefix();
            case NULL_KEY, EMPTY_KEY -> readingFor(p, next, goodValues(p));
            case NO_CHANNELS -> readingFor(p, next, List.of());
            case TOO_MANY_CHANNELS -> readingFor(p, next, values(65 + random.nextInt(4_936)));
            case HUGE_ARRAY -> {
                hugeArrays++;
                yield readingFor(p, next, values(sizes.hugeArrayBytes() / 8));
            }
            case NAN, INFINITE -> {
                List<Double> values = goodValues(p);
                double[] poison = kind == Kind.NAN
                        ? new double[] {Double.NaN, -Double.NaN, Double.longBitsToDouble(0x7FF0000000000001L),
                            Double.longBitsToDouble(0xFFFFFFFFFFFFFFFFL)}
                        : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                values.set(random.nextInt(values.size()), poison[random.nextInt(poison.length)]);
                yield readingFor(p, next, values);
            }
            case FAR_FUTURE -> {
                long reference = sizes.futureFromNow() ? Math.max(timestamp, now) : timestamp;
                long excess = sizes.minFutureExcess() + (random.nextInt(4) == 0 ? 0
                        : (long) (random.nextDouble() * 10 * 365 * 86_400_000L));
                yield readingFor(p, reference + sizes.maxFutureSkewMs() + excess, goodValues(p));
            }
            case CHANNEL_MISMATCH -> {
                int channels;
                do {
                    channels = 1 + random.nextInt(64);
                } while (channels == p.sensor.channels());
                yield readingFor(p, next, values(channels));
            }
            case OUT_OF_ORDER -> readingFor(p,
                    p.lastEventTime - (random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(3_600_000)), goodValues(p));
        };
        if (kind == Kind.NULL_KEY) {
            key = null;
        } else if (kind == Kind.EMPTY_KEY) {
            key = new byte[0];
        }
        return new Input(key, value, timestamp, kind, sensor);
    }

    private byte[] randomKey() {
        return switch (random.nextInt(3)) {
            case 0 -> "pump-1".getBytes(StandardCharsets.UTF_8);
            case 1 -> randomBytes(1 + random.nextInt(16));
            default -> "gateway-A".getBytes(StandardCharsets.UTF_8);
        };
    }

    /** A reading whose sensor id length, value count or tag count claims far more than follows. */
    private byte[] hugeLengthPrefix() {
        long claim = random.nextBoolean() ? Integer.MAX_VALUE - 8 - random.nextInt(1_000)
                : 1_000_000L + (long) (random.nextDouble() * (1L << 62));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        int where = random.nextInt(3);
        if (where == 0) {
            varLong(out, claim);
        } else {
            varLong(out, 5);
            out.writeBytes("pump1".getBytes(StandardCharsets.UTF_8));
            varLong(out, START);
            if (where == 1) {
                varLong(out, claim);
            } else {
                varLong(out, 1);
                out.writeBytes(new byte[8]);
                varLong(out, 0);
                varLong(out, 0);
                varLong(out, claim);
            }
        }
        out.writeBytes(randomBytes(random.nextInt(64)));
        return out.toByteArray();
    }

    private static void varLong(ByteArrayOutputStream out, long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
    }

    /** The seed from {@code property}, or a fresh one; either way printed so a failure can be rerun. */
    public static long seed(String property) {
        Long given = Long.getLong(property);
        long seed = given != null ? given : new Random().nextLong();
        System.out.println("fuzz seed " + seed + " (rerun with -D" + property + "=" + seed + ")");
        return seed;
    }

    /** Counts per key, for messages. */
    static <K> Map<K, Integer> count(List<K> keys) {
        Map<K, Integer> counts = new HashMap<>();
        keys.forEach(k -> counts.merge(k, 1, Integer::sum));
        return counts;
    }
}
