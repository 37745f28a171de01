package dev.sensorwatch.stream;

import dev.sensorwatch.avro.HistoryState;
import dev.sensorwatch.avro.LiveState;
import dev.sensorwatch.avro.SensorState;
import dev.sensorwatch.avro.TrainedModelState;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.lstm.LstmWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Converts a sensor's {@link DetectorState} to and from the bytes kept in the state store: the
 * {@code SensorState} Avro record (schemas/SensorState.avsc) in single-object encoding, numeric
 * blocks packed as little-endian doubles. Every double survives bit for bit.
 */
public final class SensorStateCodec {

    /**
     * The layout version this release writes. Version 6 adds {@code history}, the detector of a
     * sensor with a training period (a nested record; null for every other sensor). Version 5 adds each channel's two highest and two
     * lowest readings as they came, and the weekly shift's latest ratios. Version 4 adds the
     * weekly profile and the weekly shift's memory. Version 3 has version 2's layout; its
     * {@code holdOff} may also be negative (the damped period after an event), so a version-2
     * release must not read it. This release reads all four: a state before version 5 takes its
     * learned range as those extremes (its ranges stay what they were) and holds no weekly
     * ratios; one before version 4 goes on with an empty weekly profile, as if the sensor had just
     * been switched on for the weekly signal.
     */
    public static final int CURRENT_VERSION = 6;
    /** The oldest layout version this release reads. */
    public static final int OLDEST_READABLE_VERSION = 2;

    private final AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);

    /** Encodes {@code state}. */
    public byte[] encode(DetectorState state) {
        if (state.history() != null) {
            return serde.encode(withoutOnlineParts(state));
        }
        DetectorState.Lstm lstm = state.lstm();
        DetectorState.Scorer scorer = state.scorer();
        SensorState record = SensorState.newBuilder()
                .setFormatVersion(CURRENT_VERSION)
                .setChannels(state.channels())
                .setHiddenSize(lstm.weights().shape().hiddenSize())
                .setReadings(state.readings())
                .setLastEventTime(state.lastEventTime())
                .setHoldOff(state.holdOff())
                .setLastValues(pack(state.lastValues()))
                .setNormalizerMean(pack(lstm.normalizerMean()))
                .setNormalizerVar(pack(lstm.normalizerVar()))
                .setWindowRows(lstm.windowRows())
                .setWindow(pack(lstm.window()))
                .setStartHidden(pack(lstm.startHidden()))
                .setStartCell(pack(lstm.startCell()))
                .setHidden(pack(lstm.hidden()))
                .setCell(pack(lstm.cell()))
                .setPrediction(pack(lstm.prediction()))
                .setWeights(ByteBuffer.wrap(lstm.weights().toBytes()))
                .setAdamFirstMoment(pack(lstm.adamFirstMoment()))
                .setAdamSecondMoment(pack(lstm.adamSecondMoment()))
                .setAdamSteps(lstm.adamSteps())
                .setMemberErrors(pack(state.memberErrors()))
                .setMemberCounts(pack(state.memberCounts()))
                .setProfileTimes(pack(state.profileTimes()))
                .setProfileValues(pack(state.profileValues()))
                .setWeeklyHours(pack(state.weekly().hours()))
                .setWeeklySums(pack(state.weekly().sums()))
                .setWeeklyCounts(pack(state.weekly().counts()))
                .setErrorCount(scorer.errorCount())
                .setErrorScale(pack(scorer.errorScale()))
                .setValueMean(pack(scorer.valueMean()))
                .setValueVar(pack(scorer.valueVar()))
                .setValueMin(pack(scorer.valueMin()))
                .setValueMax(pack(scorer.valueMax()))
                .setErrorRecord(scorer.errorRecord())
                .setMeanErrorRecord(scorer.meanErrorRecord())
                .setLevelRecords(pack(scorer.levelRecords()))
                .setRecentErrorRows(scorer.recentErrorRows())
                .setRecentErrors(pack(scorer.recentErrors()))
                .setRecentValueRows(scorer.recentValueRows())
                .setRecentValues(pack(scorer.recentValues()))
                .setWeeklyStart(scorer.weeklyStart())
                .setRecentShiftRows(scorer.recentShiftRows())
                .setRecentShifts(pack(scorer.recentShifts()))
                .setWeeklyRecords(pack(scorer.weeklyRecords()))
                .setHeldWeeklyRows(scorer.heldRows())
                .setHeldWeeklyRatios(pack(scorer.heldRatios()))
                .setHighestReadings(pack(scorer.highest()))
                .setLowestReadings(pack(scorer.lowest()))
                .build();
        return serde.encode(record);
    }

    /**
     * Decodes stored bytes.
     *
     * @throws SerializationException if the bytes are not a stored sensor state, or are of a
     *                                version this release cannot read, or are inconsistent
     */
    public DetectorState decode(byte[] bytes) {
        int version = formatVersion(bytes);
        if (version < OLDEST_READABLE_VERSION || version > CURRENT_VERSION) {
            throw new SerializationException("stored sensor state has format version " + version
                    + "; this release reads versions " + OLDEST_READABLE_VERSION + " to " + CURRENT_VERSION
                    + (version == 1 ? " (version 1 holds an earlier detector whose model cannot be carried over)" : "")
                    + ". Run the release that wrote it, or reset the application (run --reset) to rebuild"
                    + " the state from the input topic.");
        }
        SensorState record = serde.decode(bytes);
        try {
            if (record.getHistory() != null) {
                return DetectorState.ofHistory(record.getChannels(), decode(record.getHistory()));
            }
            LstmWeights weights = LstmWeights.fromBytes(bytes(record.getWeights()));
            int d = record.getChannels();
            int h = record.getHiddenSize();
            if (weights.shape().inputSize() != d || weights.shape().hiddenSize() != h) {
                throw new IllegalArgumentException("weights are for " + weights.shape()
                        + " but the record says D=" + d + ", H=" + h);
            }
            int parameters = weights.shape().parameterCount();
            DetectorState.Lstm lstm = new DetectorState.Lstm(
                    unpack(record.getNormalizerMean(), d, "normalizerMean"),
                    unpack(record.getNormalizerVar(), d, "normalizerVar"),
                    record.getWindowRows(),
                    unpack(record.getWindow(), -1, "window"),
                    unpack(record.getStartHidden(), h, "startHidden"),
                    unpack(record.getStartCell(), h, "startCell"),
                    unpack(record.getHidden(), h, "hidden"),
                    unpack(record.getCell(), h, "cell"),
                    unpack(record.getPrediction(), d, "prediction"),
                    weights,
                    unpack(record.getAdamFirstMoment(), parameters, "adamFirstMoment"),
                    unpack(record.getAdamSecondMoment(), parameters, "adamSecondMoment"),
                    record.getAdamSteps());
            DetectorState.Scorer scorer = new DetectorState.Scorer(record.getErrorCount(),
                    unpack(record.getErrorScale(), d, "errorScale"),
                    unpack(record.getValueMean(), d, "valueMean"),
                    unpack(record.getValueVar(), d, "valueVar"),
                    unpack(record.getValueMin(), d, "valueMin"),
                    unpack(record.getValueMax(), d, "valueMax"),
                    record.getErrorRecord(), record.getMeanErrorRecord(),
                    unpack(record.getLevelRecords(), d, "levelRecords"),
                    record.getRecentErrorRows(),
                    unpack(record.getRecentErrors(), -1, "recentErrors"),
                    record.getRecentValueRows(),
                    unpack(record.getRecentValues(), -1, "recentValues"),
                    record.getWeeklyStart(),
                    record.getRecentShiftRows(),
                    unpack(record.getRecentShifts(), -1, "recentShifts"),
                    unpack(record.getWeeklyRecords(), version < 4 ? -1 : d, "weeklyRecords"),
                    record.getHeldWeeklyRows(),
                    unpack(record.getHeldWeeklyRatios(), -1, "heldWeeklyRatios"),
                    unpack(record.getHighestReadings(), version < 5 ? -1 : 2 * d, "highestReadings"),
                    unpack(record.getLowestReadings(), version < 5 ? -1 : 2 * d, "lowestReadings"));
            DetectorState.Weekly weekly = new DetectorState.Weekly(
                    unpackLongs(record.getWeeklyHours(), "weeklyHours"),
                    unpack(record.getWeeklySums(), -1, "weeklySums"),
                    unpackLongs(record.getWeeklyCounts(), "weeklyCounts"));
            if (version < 5) {
                scorer = scorer.withVersion5Defaults();
            }
            if (version < 4) {
                scorer = scorer.withoutWeeklyHistory();
                weekly = DetectorState.Weekly.empty(d);
            }
            if (version == 2 && record.getHoldOff() < 0) {
                throw new IllegalArgumentException("a version-2 state has no negative holdOff, got " + record.getHoldOff());
            }
            return new DetectorState(d, record.getReadings(), record.getLastEventTime(), record.getHoldOff(),
                    unpack(record.getLastValues(), d, "lastValues"), lstm,
                    unpack(record.getMemberErrors(), -1, "memberErrors"),
                    unpackLongs(record.getMemberCounts(), "memberCounts"),
                    unpackLongs(record.getProfileTimes(), "profileTimes"),
                    unpack(record.getProfileValues(), -1, "profileValues"),
                    weekly, scorer);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("stored sensor state is inconsistent: " + e.getMessage(), e);
        }
    }

    /** The record of a sensor with a training period: its history, every online field empty. */
    private static SensorState withoutOnlineParts(DetectorState state) {
        ByteBuffer empty = ByteBuffer.allocate(0);
        return SensorState.newBuilder()
                .setFormatVersion(CURRENT_VERSION).setChannels(state.channels()).setHiddenSize(0)
                .setReadings(state.readings()).setLastEventTime(state.lastEventTime()).setHoldOff(0)
                .setLastValues(empty).setNormalizerMean(empty).setNormalizerVar(empty).setWindowRows(0)
                .setWindow(empty).setStartHidden(empty).setStartCell(empty).setHidden(empty).setCell(empty)
                .setPrediction(empty).setWeights(empty).setAdamFirstMoment(empty).setAdamSecondMoment(empty)
                .setAdamSteps(0).setMemberErrors(empty).setMemberCounts(empty).setProfileTimes(empty)
                .setProfileValues(empty).setWeeklyHours(empty).setWeeklySums(empty).setWeeklyCounts(empty)
                .setErrorCount(0).setErrorScale(empty).setValueMean(empty).setValueVar(empty).setValueMin(empty)
                .setValueMax(empty).setErrorRecord(0.0).setMeanErrorRecord(0.0).setLevelRecords(empty)
                .setRecentErrorRows(0).setRecentErrors(empty).setRecentValueRows(0).setRecentValues(empty)
                .setWeeklyStart(Long.MIN_VALUE).setRecentShiftRows(0).setRecentShifts(empty).setWeeklyRecords(empty)
                .setHeldWeeklyRows(0).setHeldWeeklyRatios(empty).setHighestReadings(empty).setLowestReadings(empty)
                .setHistory(encode(state.history()))
                .build();
    }

    private static HistoryState encode(DetectorState.History h) {
        DetectorState.Model m = h.model();
        DetectorState.Live l = h.live();
        return HistoryState.newBuilder()
                .setReadings(h.readings())
                .setFirstEventTime(h.firstEventTime())
                .setLastEventTime(h.lastEventTime())
                .setBufferStart(h.bufferStart())
                .setBuffer(pack(h.buffer()))
                .setModel(m == null ? null : TrainedModelState.newBuilder()
                        .setMean(pack(m.mean()))
                        .setSd(pack(m.sd()))
                        .setChangeMean(pack(m.changeMean()))
                        .setChangeSd(pack(m.changeSd()))
                        .setWeights(m.weights() == null ? null : ByteBuffer.wrap(m.weights().toBytes()))
                        .setErrorMean(pack(m.errorMean()))
                        .setErrorPrecision(pack(m.errorPrecision()))
                        .setStateMean(pack(m.stateMean()))
                        .setStatePrecision(pack(m.statePrecision()))
                        .setLevels(pack(m.levels()))
                        .setTrainingReadings(m.trainingReadings())
                        .setHeldBackErrors(pack(m.heldBackErrors()))
                        .build())
                .setLive(l == null ? null : LiveState.newBuilder()
                        .setHidden(pack(l.hidden()))
                        .setCell(pack(l.cell()))
                        .setPrediction(pack(l.prediction()))
                        .setPrevious(pack(l.previous()))
                        .setStarted(l.started())
                        .setRows(l.rows())
                        .setNext(l.next())
                        .setRecentErrors(pack(l.recentErrors()))
                        .setRecentErrorParts(pack(l.recentErrorParts()))
                        .setRecentStates(pack(l.recentStates()))
                        .build())
                .setHoldOff(h.holdOff())
                .setEventKind(h.eventKind())
                .setEventRecords(pack(h.eventRecords()))
                .build();
    }

    private static DetectorState.History decode(HistoryState h) {
        TrainedModelState m = h.getModel();
        LiveState l = h.getLive();
        DetectorState.Model model = m == null ? null : new DetectorState.Model(
                unpack(m.getMean(), -1, "history.model.mean"),
                unpack(m.getSd(), -1, "history.model.sd"),
                unpack(m.getChangeMean(), -1, "history.model.changeMean"),
                unpack(m.getChangeSd(), -1, "history.model.changeSd"),
                m.getWeights() == null ? null : LstmWeights.fromBytes(bytes(m.getWeights())),
                unpack(m.getErrorMean(), -1, "history.model.errorMean"),
                unpack(m.getErrorPrecision(), -1, "history.model.errorPrecision"),
                unpack(m.getStateMean(), -1, "history.model.stateMean"),
                unpack(m.getStatePrecision(), -1, "history.model.statePrecision"),
                unpack(m.getLevels(), 2, "history.model.levels"),
                m.getTrainingReadings(),
                unpack(m.getHeldBackErrors(), 2, "history.model.heldBackErrors"));
        DetectorState.Live live = l == null ? null : new DetectorState.Live(
                unpack(l.getHidden(), -1, "history.live.hidden"),
                unpack(l.getCell(), -1, "history.live.cell"),
                unpack(l.getPrediction(), -1, "history.live.prediction"),
                unpack(l.getPrevious(), -1, "history.live.previous"),
                l.getStarted(), l.getRows(), l.getNext(),
                unpack(l.getRecentErrors(), -1, "history.live.recentErrors"),
                unpack(l.getRecentErrorParts(), -1, "history.live.recentErrorParts"),
                unpack(l.getRecentStates(), -1, "history.live.recentStates"));
        return new DetectorState.History(h.getReadings(), h.getFirstEventTime(), h.getLastEventTime(),
                h.getBufferStart(), unpack(h.getBuffer(), -1, "history.buffer"), model, live, h.getHoldOff(),
                h.getEventKind(), unpack(h.getEventRecords(), 2, "history.eventRecords"));
    }

    /**
     * The format version of stored bytes, read before anything else so that a value of another
     * version is never decoded with this version's schema. Every version is an Avro
     * single-object encoding (marker {@code C3 01}, the writer schema's 8-byte fingerprint) whose
     * first field is {@code formatVersion}, an Avro int (zig-zag varint).
     *
     * @throws SerializationException if the bytes are not a stored sensor state of any version
     */
    static int formatVersion(byte[] bytes) {
        int header = AvroSerde.HEADER_LENGTH;
        if (bytes == null || bytes.length <= header || (bytes[0] & 0xff) != 0xC3 || bytes[1] != 0x01) {
            throw new SerializationException("stored value is not a sensorwatch sensor state ("
                    + (bytes == null ? "null" : bytes.length + " bytes") + " without an Avro single-object header)");
        }
        long raw = 0;
        int offset = header;
        for (int shift = 0; offset < bytes.length && shift < 35; shift += 7) {
            int b = bytes[offset++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (int) ((raw >>> 1) ^ -(raw & 1));
            }
        }
        throw new SerializationException("stored sensor state is truncated in its format version");
    }

    private static ByteBuffer pack(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return buffer;
    }

    private static long[] unpackLongs(ByteBuffer buffer, String field) {
        ByteBuffer view = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (view.remaining() % 8 != 0) {
            throw new IllegalArgumentException(field + " holds " + view.remaining() + " bytes, expected a multiple of 8");
        }
        long[] values = new long[view.remaining() / 8];
        view.asLongBuffer().get(values);
        return values;
    }

    private static ByteBuffer pack(double[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asDoubleBuffer().put(values);
        return buffer;
    }

    private static double[] unpack(ByteBuffer buffer, int expected, String field) {
        ByteBuffer view = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (view.remaining() % 8 != 0 || (expected >= 0 && view.remaining() != 8 * expected)) {
            throw new IllegalArgumentException(field + " holds " + view.remaining() + " bytes, expected "
                    + (expected >= 0 ? 8 * expected + "" : "a multiple of 8"));
        }
        double[] values = new double[view.remaining() / 8];
        view.asDoubleBuffer().get(values);
        return values;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
