package dev.sensorwatch.stream;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.ScoreSignal;
import dev.sensorwatch.avro.SensorReading;
import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.Rejection;
import dev.sensorwatch.detect.Score;
import dev.sensorwatch.detect.SensorDetector;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each reading against its sensor's detector: takes the detector from the task's
 * {@link DetectorStore} (held in memory, or decoded from the state stores, or a fresh one for a new
 * sensor), rejects a reading it cannot score (another channel count, not after the last event
 * time) to the dead-letter topic, otherwise scores, learns, hands the advanced detector back to the
 * store, which writes it before the task commits, and forwards the score, timestamped with the
 * reading's event time.
 *
 * <p>A detector is stored as a checkpoint in two parts ({@link SensorStateCodec}): what changes
 * with every reading in {@value TopologySettings#STORE}, the model in
 * {@value TopologySettings#MODEL_STORE} (written only when readings changed it: its
 * {@linkplain SensorDetector#modelVersion() model version} moved), and the readings it scored
 * since in {@value TopologySettings#JOURNAL_STORE} ({@link ReadingJournal}); the processor hands
 * the store each reading it scored ({@link DetectorStore.Held#changed}), and the store decides at
 * the commit which to write. All writes of a commit belong to its transaction, so the parts
 * always match.
 *
 * <p>The score is written in the topology's {@link OutputFormat}. When the reading names its
 * channels (tag {@value RecordJson#CHANNELS_TAG}), the JSON score keys its channel values by
 * those names, and in either format the score record carries them in the header
 * {@value RecordJson#CHANNELS_HEADER}.
 */
final class DetectorProcessor implements Processor<String, Routed, String, Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorProcessor.class);

    private final AvroSerde<SensorReading> readings = AvroSerde.of(SensorReading.class);
    private final AvroSerde<AnomalyScore> scores = AvroSerde.of(AnomalyScore.class);
    private final DeadLetters deadLetters;
    private final RecordJson json;
    private final SensorDetector.Workspace workspace = new SensorDetector.Workspace();
    private final DetectorConfig config;
    private final DetectorMetrics metrics;
    private ProcessorContext<String, Routed> context;
    private DetectorStore detectors;
    /** The last channel-name tag seen, and what it gave: most readings repeat their sensor's tag. */
    private String lastNamesTag;
    private int lastNamesCount;
    private List<String> lastNames;
    private byte[] lastNamesHeader;

    DetectorProcessor(DetectorConfig config, OutputFormat format, DetectorMetrics metrics) {
        this.config = config;
        this.deadLetters = new DeadLetters(format);
        this.json = format == OutputFormat.JSON ? new RecordJson() : null;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.detectors = context.getStateStore(TopologySettings.STORE);
        detectors.attach(context.getStateStore(TopologySettings.MODEL_STORE),
                context.getStateStore(TopologySettings.JOURNAL_STORE));
    }

    @Override
    public void process(Record<String, Routed> routed) {
        long started = System.nanoTime();
        Record<String, byte[]> record = routed.withValue(routed.value().payload());
        String sensorId = record.key();
        SensorReading reading = routed.value().reading();
        if (reading == null) { // it came through the repartition topic: only its bytes travelled
            try {
                reading = readings.decode(record.value());
            } catch (SerializationException e) {
                reject(record, DeadLetterReason.UNDECODABLE, e.getMessage());
                return;
            }
        }
        double[] values = toArray(reading.getValues());
        long eventTime = reading.getEventTime().toEpochMilli();

        DetectorStore.Held held = detectors.take(sensorId, config);
        metrics.detectorLookup(held != null && held.fromMemory(), held != null);
        if (held != null && held.replayed() > 0) {
            metrics.journalReadings(held.replayed());
        }
        SensorDetector detector = held != null ? held.detector() : SensorDetector.fresh(config, values.length);
        Rejection rejection = detector.check(eventTime, values);
        if (rejection != null) {
            if (held != null) {
                detectors.keep(sensorId, held); // check changes nothing
            }
            String detail = switch (rejection) {
                case CHANNEL_MISMATCH -> "reading has " + values.length + " channels, sensor " + sensorId
                        + " has " + detector.channels();
                case OUT_OF_ORDER -> "event time " + reading.getEventTime() + " is not after sensor " + sensorId
                        + "'s last reading at " + Instant.ofEpochMilli(detector.lastEventTime());
                default -> rejection.code();
            };
            reject(record, DeadLetterReason.of(rejection), detail);
            return;
        }
        boolean training = detector.trainedModel() == null;
        Score score = detector.process(eventTime, values, workspace);
        if (training && detector.trainedModel() != null) {
            // this reading ended the sensor's training period and the model was trained on it: ask
            // for a commit, which Kafka Streams makes after its current processing iteration, so that
            // a transaction holds few trainings (a replay of history ends many sensors' periods at once)
            context.commit();
            LOG.debug("sensor {} trained on {} readings in {} ms: {}", sensorId,
                    detector.trainedModel().trainingReadings(), (System.nanoTime() - started) / 1_000_000,
                    detector.trainedModel().predictor());
        }
        if (held == null) {
            held = DetectorStore.Held.fresh(detector);
        }
        held.changed(eventTime, values);
        detectors.keep(sensorId, held);

        AnomalyScore out = AnomalyScore.newBuilder()
                .setSensorId(sensorId)
                .setEventTime(reading.getEventTime())
                .setObserved(toList(score.observed()))
                .setPredicted(toList(score.predicted()))
                .setPredictionError(score.predictionError())
                .setAnomalyScore(score.score())
                .setAnomaly(score.anomaly())
                .setChannelShares(toList(score.channelShares()))
                .setLearnedReadings(score.learnedReadings())
                .setSignal(ScoreSignal.valueOf(score.signal().name()))
                .setInEvent(score.inEvent())
                .build();
        List<String> names = channelNames(reading, values.length);
        byte[] payload = json == null ? scores.encode(out) : json.score(out, names);
        context.forward(withChannelHeader(record.withValue(Routed.score(payload, out)), names)
                .withTimestamp(eventTime));
        metrics.scored(score.score(), score.anomaly() ? score.signal() : null, eventTime, System.nanoTime() - started);
    }

    /** The reading's channel names, or null if it names none (see {@link RecordJson#channelNames}). */
    private List<String> channelNames(SensorReading reading, int channels) {
        String tag = reading.getTags().get(RecordJson.CHANNELS_TAG);
        if (tag == null) {
            return null;
        }
        if (!tag.equals(lastNamesTag) || channels != lastNamesCount) {
            lastNames = RecordJson.parseNames(tag, channels);
            lastNamesHeader = lastNames == null ? null
                    : String.join(",", lastNames).getBytes(StandardCharsets.UTF_8);
            lastNamesTag = tag;
            lastNamesCount = channels;
        }
        return lastNames;
    }

    /**
     * {@code record} with the header {@value RecordJson#CHANNELS_HEADER} naming the channels, or
     * without it when {@code names} is null; the reading's own headers are left as they are.
     */
    private Record<String, Routed> withChannelHeader(Record<String, Routed> record, List<String> names) {
        Headers headers = record.headers();
        if (names == null && headers.lastHeader(RecordJson.CHANNELS_HEADER) == null) {
            return record;
        }
        Headers copy = new RecordHeaders(headers.toArray());
        copy.remove(RecordJson.CHANNELS_HEADER);
        if (names != null) {
            copy.add(RecordJson.CHANNELS_HEADER, lastNamesHeader);
        }
        return record.withHeaders(copy);
    }

    private void reject(Record<String, byte[]> record, DeadLetterReason reason, String detail) {
        metrics.deadLetter(reason);
        byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
        context.forward(record.withValue(deadLetters.of(context, record, key, reason, detail)));
    }

    private static double[] toArray(List<Double> values) {
        double[] array = new double[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    private static List<Double> toList(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return list;
    }
}
