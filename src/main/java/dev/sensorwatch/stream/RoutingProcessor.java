package dev.sensorwatch.stream;

import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.detect.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First stop of every raw record: decodes it, sends what can never be scored to the dead-letter
 * topic (undecodable bytes, no key, no or too many channels, NaN or infinite values, an event
 * time too far ahead of the record's timestamp), and tags the rest as keyed by their sensor id
 * already (passed on with the decoded reading, which the detector then need not decode again) or in
 * need of repartitioning (only the bytes travel through the repartition topic).
 *
 * <p>The record timestamp seen here is the one {@link ReadingTimestampExtractor} chose: the
 * reading's event time, or the record's own timestamp when the event time lies too far ahead of
 * it. So the future-timestamp check compares the event time with the Kafka record's timestamp,
 * never with the wall clock, and a replay of the same topic decides the same way.
 */
final class RoutingProcessor implements Processor<byte[], byte[], String, Routed> {

    private final AvroSerde<SensorReading> readings = AvroSerde.of(SensorReading.class);
    private final DeadLetters deadLetters;
    private final DetectorMetrics metrics;
    private final int maxChannels;
    private final long maxFutureSkewMillis;
    private ProcessorContext<String, Routed> context;

    RoutingProcessor(DetectorMetrics metrics, int maxChannels, long maxFutureSkewMillis, OutputFormat format) {
        this.deadLetters = new DeadLetters(format);
        this.metrics = metrics;
        this.maxChannels = maxChannels;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] key = record.key();
        SensorReading reading;
        try {
            reading = readings.decode(record.value());
        } catch (SerializationException e) {
            reject(record, key, DeadLetterReason.UNDECODABLE, e.getMessage());
            return;
        }
        String sensorId = reading.getSensorId();
        if (sensorId.isEmpty()) {
            reject(record, key, DeadLetterReason.UNDECODABLE, "the reading's sensorId is empty");
            return;
        }
        if (key == null || key.length == 0) {
            reject(record, key, DeadLetterReason.NULL_KEY, "record has no key; key readings by their sensor id ("
                    + sensorId + ")");
            return;
        }
        List<Double> values = reading.getValues();
        if (values.isEmpty() || values.size() > maxChannels) {
            reject(record, key, DeadLetterReason.BAD_CHANNEL_COUNT, "reading has " + values.size()
                    + " channels; a reading needs 1 to " + maxChannels);
            return;
        }
        for (int d = 0; d < values.size(); d++) {
            double v = values.get(d);
            if (!Rejection.usable(v)) {
                reject(record, key, DeadLetterReason.NON_FINITE, "channel " + d + " is " + v
                        + (Double.isFinite(v) ? ", beyond the usable magnitude " + Rejection.LARGEST_VALUE : ""));
                return;
            }
        }
        long eventTime = reading.getEventTime().toEpochMilli();
        if (ReadingTimestampExtractor.tooFarAhead(eventTime, record.timestamp(), maxFutureSkewMillis)) {
            reject(record, key, DeadLetterReason.FUTURE_TIMESTAMP, "event time " + reading.getEventTime() + " is "
                    + Duration.ofMillis(eventTime - record.timestamp()) + " ahead of the record's timestamp "
                    + Instant.ofEpochMilli(record.timestamp()) + "; at most " + Duration.ofMillis(maxFutureSkewMillis)
                    + " is allowed (--max-future-skew)");
            return;
        }
        byte[] id = sensorId.getBytes(StandardCharsets.UTF_8);
        if (Arrays.equals(id, key)) {
            context.forward(record.withKey(sensorId).withValue(Routed.reading(Routed.Route.DIRECT, record.value(), reading)));
        } else {
            DeadLetters.markOrigin(record.headers(), context, key);
            context.forward(record.withKey(sensorId).withValue(Routed.reading(Routed.Route.REKEY, record.value(), null)));
        }
    }

    private void reject(Record<byte[], byte[]> record, byte[] key, DeadLetterReason reason, String detail) {
        metrics.deadLetter(reason);
        context.forward(record.withKey((String) null).withValue(deadLetters.of(context, record, key, reason, detail)));
    }
}
