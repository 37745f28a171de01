package dev.sensorwatch.stream;

import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.io.SeriesFile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes series as {@code SensorReading}s, keyed by sensor id, merged across series in event
 * time order (ties keep the series order), either as fast as the broker takes them or at the
 * recorded pace times a speed factor. Idempotent producer, {@code acks=all}.
 */
public final class Replayer {

    private static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);

    private final Properties producerProperties;
    private final String topic;
    private final double speed;

    /**
     * A replayer to {@code topic} of the cluster {@code clientProperties} name (bootstrap servers
     * and any security settings); a producer setting among them wins over the replayer's own
     * ({@code acks=all}, idempotence, 20 ms linger, 256 KB batches).
     *
     * @param speed recorded pace multiplied by this, or {@code Double.POSITIVE_INFINITY} for as
     *              fast as possible
     */
    public Replayer(Properties clientProperties, String topic, double speed) {
        Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.putAll(clientProperties);
        this.producerProperties = props;
        this.topic = topic;
        this.speed = speed;
    }

    /** Total readings in {@code series}. */
    public static long count(List<SeriesFile> series) {
        return series.stream().mapToLong(SeriesFile::rows).sum();
    }

    /**
     * Publishes every row of {@code series}; {@code progress} hears the running count.
     *
     * @return the number of readings sent and acknowledged
     */
    public long publish(List<SeriesFile> series, LongConsumer progress) throws InterruptedException {
        PriorityQueue<Cursor> queue = new PriorityQueue<>();
        for (int i = 0; i < series.size(); i++) {
            if (series.get(i).rows() > 0) {
                queue.add(new Cursor(series.get(i), i));
            }
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        long firstEventTime = queue.isEmpty() ? 0 : queue.peek().time();
        long startNanos = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer())) {
            while (!queue.isEmpty()) {
                Cursor cursor = queue.poll();
                if (Double.isFinite(speed)) {
                    long dueNanos = startNanos + (long) ((cursor.time() - firstEventTime) * 1e6 / speed);
                    long wait = dueNanos - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                SeriesFile file = cursor.file;
                String sensor = file.sensorId();
                List<Double> values = new ArrayList<>(file.channels());
                for (int c = 0; c < file.channels(); c++) {
                    values.add(file.value(cursor.row, c));
                }
                SensorReading reading = SensorReading.newBuilder()
                        .setSensorId(sensor)
                        .setEventTime(Instant.ofEpochMilli(cursor.time()))
                        .setValues(values)
                        .setTags(file.channels() > 1 ? Map.of("channels", String.join(",", file.channelNames())) : Map.of())
                        .build();
                producer.send(new ProducerRecord<>(topic, null, cursor.time(),
                        sensor.getBytes(StandardCharsets.UTF_8), READINGS.encode(reading)), (meta, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                sent++;
                if (failure.get() != null) {
                    break;
                }
                if ((sent & 1023) == 0) {
                    progress.accept(sent);
                }
                if (++cursor.row < file.rows()) {
                    queue.add(cursor);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publishing to " + topic + " failed: " + failure.get().getMessage(),
                    failure.get());
        }
        progress.accept(sent);
        return sent;
    }

    /** The next row of one series. */
    private static final class Cursor implements Comparable<Cursor> {
        final SeriesFile file;
        final int order;
        int row;

        Cursor(SeriesFile file, int order) {
            this.file = file;
            this.order = order;
        }

        long time() {
            return file.eventTimeMillis(row);
        }

        @Override
        public int compareTo(Cursor other) {
            int byTime = Long.compare(time(), other.time());
            return byTime != 0 ? byTime : Integer.compare(order, other.order);
        }
    }
}
