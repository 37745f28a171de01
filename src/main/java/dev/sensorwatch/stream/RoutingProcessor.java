package dev.sensorwatch.stream;

import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.detect.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First stop of every raw record: decodes it, sends what can never be scored to the dead-letter
 * topic (undecodable bytes, no key, no or too many channels, NaN or infinite values), and tags
 * the rest as keyed by their sensor id already or in need of repartitioning.
 */
final class RoutingProcessor implements Processor<byte[], byte[], String, Routed> {

    private final AvroSerde<SensorReading> readings = AvroSerde.of(SensorReading.class);
    private final DeadLetters deadLetters = new DeadLetters();
    private final DetectorMetrics metrics;
    private final int maxChannels;
    private ProcessorContext<String, Routed> context;

    RoutingProcessor(DetectorMetrics metrics, int maxChannels) {
        this.metrics = metrics;
        this.maxChannels = maxChannels;
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
            reject(record, key, Rejection.UNDECODABLE, e.getMessage());
            return;
        }
        String sensorId = reading.getSensorId();
        if (sensorId.isEmpty()) {
            reject(record, key, Rejection.UNDECODABLE, "the reading's sensorId is empty");
            return;
        }
        if (key == null || key.length == 0) {
            reject(record, key, Rejection.NULL_KEY, "record has no key; key readings by their sensor id ("
                    + sensorId + ")");
            return;
        }
        List<Double> values = reading.getValues();
        if (values.isEmpty() || values.size() > maxChannels) {
            reject(record, key, Rejection.BAD_CHANNEL_COUNT, "reading has " + values.size()
                    + " channels; a reading needs 1 to " + maxChannels);
            return;
        }
        for (int d = 0; d < values.size(); d++) {
            double v = values.get(d);
            if (!Double.isFinite(v)) {
                reject(record, key, Rejection.NON_FINITE, "channel " + d + " is " + v);
                return;
            }
        }
        byte[] id = sensorId.getBytes(StandardCharsets.UTF_8);
        if (Arrays.equals(id, key)) {
            context.forward(record.withKey(sensorId).withValue(Routed.reading(Routed.Route.DIRECT, record.value())));
        } else {
            DeadLetters.markOrigin(record.headers(), context, key);
            context.forward(record.withKey(sensorId).withValue(Routed.reading(Routed.Route.REKEY, record.value())));
        }
    }

    private void reject(Record<byte[], byte[]> record, byte[] key, Rejection reason, String detail) {
        metrics.deadLetter(reason);
        context.forward(record.withKey((String) null).withValue(deadLetters.of(context, record, key, reason, detail)));
    }
}
