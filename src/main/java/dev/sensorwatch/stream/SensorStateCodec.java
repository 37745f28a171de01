package dev.sensorwatch.stream;

import dev.sensorwatch.avro.DailyProfileState;
import dev.sensorwatch.avro.EnsembleState;
import dev.sensorwatch.avro.HistoryLiveState;
import dev.sensorwatch.avro.HistoryModelState;
import dev.sensorwatch.avro.HistoryState;
import dev.sensorwatch.avro.LiveState;
import dev.sensorwatch.avro.LstmLiveState;
import dev.sensorwatch.avro.OnlineLiveState;
import dev.sensorwatch.avro.OnlineModelState;
import dev.sensorwatch.avro.ScorerState;
import dev.sensorwatch.avro.SensorLiveState;
import dev.sensorwatch.avro.SensorModelState;
import dev.sensorwatch.avro.SensorState;
import dev.sensorwatch.avro.TrainedModelState;
import dev.sensorwatch.avro.WeeklyProfileState;
import dev.sensorwatch.detect.DetectorState;
import dev.sensorwatch.lstm.LstmWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Converts a sensor's {@link DetectorState} to and from the bytes kept in the state stores, in
 * two parts: what changes with every reading (the {@code SensorLiveState} Avro record,
 * schemas/SensorLiveState.avsc, kept in {@value TopologySettings#STORE}) and the model, what
 * changes only when the detector learns ({@code SensorModelState}, schemas/SensorModelState.avsc,
 * kept in {@value TopologySettings#MODEL_STORE}). Both carry the state's
 * {@linkplain DetectorState#modelVersion model version}, so that a store can write the model only
 * when it changes and a reader can tell that the two parts belong together. Avro single-object
 * encoding, numeric blocks packed as little-endian doubles; every double survives bit for bit.
 * Each part of the detector has its own nested record, so a part added later is a new optional
 * field, not a new layout.
 */
public final class SensorStateCodec {

    /**
     * The layout version this release writes. Version 7 splits the state into the per-reading
     * {@code SensorLiveState} and the {@code SensorModelState}. Versions 2 to 6 held the whole
     * detector in one {@code SensorState} record (schemas/SensorState.avsc) in the store that now
     * holds the per-reading part; this release reads them, so a deployment upgrades in place from
     * its changelog, and writes both parts on a sensor's next reading. Version 6 added
     * {@code history}, the detector of a sensor with a training period. Version 5 added each
     * channel's two highest and two lowest readings as they came, and the weekly shift's latest
     * ratios. Version 4 added the weekly profile and the weekly shift's memory. Version 3 has
     * version 2's layout; its {@code holdOff} may also be negative (the damped period after an
     * event), so a version-2 release must not read it. A state before version 5 takes its learned
     * range as those extremes (its ranges stay what they were) and holds no weekly ratios; one
     * before version 4 goes on with an empty weekly profile, as if the sensor had just been
     * switched on for the weekly signal.
     */
    public static final int CURRENT_VERSION = 7;
    /** The oldest layout version this release reads. */
    public static final int OLDEST_READABLE_VERSION = 2;
    /** The newest layout that holds the whole detector in one record ({@code SensorState}). */
    public static final int LAST_WHOLE_VERSION = 6;

    private final AvroSerde<SensorState> serde = AvroSerde.of(SensorState.class);
    private final AvroSerde<SensorLiveState> liveSerde = AvroSerde.of(SensorLiveState.class);
    private final AvroSerde<SensorModelState> modelSerde = AvroSerde.of(SensorModelState.class);

    /** Encodes the per-reading part of {@code state}: the value for {@value TopologySettings#STORE}. */
    public byte[] encodeLive(DetectorState state) {
        SensorLiveState.Builder record = SensorLiveState.newBuilder()
                .setFormatVersion(CURRENT_VERSION)
                .setChannels(state.channels())
                .setModelVersion(state.modelVersion())
                .setReadings(state.readings())
                .setLastEventTime(state.lastEventTime());
        if (state.history() != null) {
            DetectorState.History h = state.history();
            DetectorState.Live l = h.live();
            return liveSerde.encode(record.setHistory(HistoryLiveState.newBuilder()
                    .setFirstEventTime(h.firstEventTime())
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
                    .build()).build());
        }
        DetectorState.Lstm lstm = state.lstm();
        DetectorState.Scorer scorer = state.scorer();
        return liveSerde.encode(record.setOnline(OnlineLiveState.newBuilder()
                .setHoldOff(state.holdOff())
                .setLastValues(pack(state.lastValues()))
                .setLstm(LstmLiveState.newBuilder()
                        .setNormalizerMean(pack(lstm.normalizerMean()))
                        .setNormalizerVar(pack(lstm.normalizerVar()))
                        .setWindowRows(lstm.windowRows())
                        .setWindow(pack(lstm.window()))
                        .setStartHidden(pack(lstm.startHidden()))
                        .setStartCell(pack(lstm.startCell()))
                        .setHidden(pack(lstm.hidden()))
                        .setCell(pack(lstm.cell()))
                        .setPrediction(pack(lstm.prediction()))
                        .build())
                .setEnsemble(EnsembleState.newBuilder()
                        .setMemberErrors(pack(state.memberErrors()))
                        .setMemberCounts(pack(state.memberCounts()))
                        .build())
                .setScorer(ScorerState.newBuilder()
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
                        .setFlatRuns(pack(scorer.flatRuns()))
                        .setFlatLast(pack(scorer.flatLast()))
                        .build())
                .build()).build());
    }

    /** Encodes the model of {@code state}: the value for {@value TopologySettings#MODEL_STORE}. */
    public byte[] encodeModel(DetectorState state) {
        SensorModelState.Builder record = SensorModelState.newBuilder()
                .setFormatVersion(CURRENT_VERSION)
                .setChannels(state.channels())
                .setModelVersion(state.modelVersion());
        if (state.history() != null) {
            DetectorState.History h = state.history();
            DetectorState.Model m = h.model();
            return modelSerde.encode(record.setHistory(HistoryModelState.newBuilder()
                    .setBufferStart(h.bufferStart())
                    .setBuffer(pack(h.buffer()))
                    .setTrained(m == null ? null : encode(m))
                    .build()).build());
        }
        DetectorState.Lstm lstm = state.lstm();
        return modelSerde.encode(record.setOnline(OnlineModelState.newBuilder()
                .setHiddenSize(lstm.weights().shape().hiddenSize())
                .setWeights(ByteBuffer.wrap(lstm.weights().toBytes()))
                .setAdamFirstMoment(pack(lstm.adamFirstMoment()))
                .setAdamSecondMoment(pack(lstm.adamSecondMoment()))
                .setAdamSteps(lstm.adamSteps())
                .setDaily(DailyProfileState.newBuilder()
                        .setTimes(pack(state.profileTimes()))
                        .setValues(pack(state.profileValues()))
                        .build())
                .setWeekly(WeeklyProfileState.newBuilder()
                        .setHours(pack(state.weekly().hours()))
                        .setSums(pack(state.weekly().sums()))
                        .setCounts(pack(state.weekly().counts()))
                        .build())
                .build()).build());
    }

    /** Both parts of a state, encoded: the values for {@value TopologySettings#STORE} and {@value TopologySettings#MODEL_STORE}. */
    public record Encoded(byte[] live, byte[] model) {
    }

    /** Encodes both parts of {@code state}. */
    public Encoded encode(DetectorState state) {
        return new Encoded(encodeLive(state), encodeModel(state));
    }

    /** Decodes both parts of a state, as {@link #decode(byte[], byte[])} does. */
    public DetectorState decode(Encoded encoded) {
        return decode(encoded.live(), encoded.model());
    }

    /**
     * Decodes a whole state as releases before the split wrote it (format version 2 to 6).
     *
     * @throws SerializationException if the bytes are not such a state
     */
    public DetectorState decode(byte[] whole) {
        return decode(whole, null);
    }

    /**
     * Whether {@code live}, a value of {@value TopologySettings#STORE}, keeps its model apart in
     * {@value TopologySettings#MODEL_STORE} (format version 7 on), rather than holding the whole
     * detector as earlier versions did.
     *
     * @throws SerializationException if the bytes are not a stored sensor state of any version
     */
    public static boolean keepsModelApart(byte[] live) {
        return formatVersion(live) > LAST_WHOLE_VERSION;
    }

    /**
     * Decodes a sensor's two stored parts.
     *
     * @param live  the value in {@value TopologySettings#STORE}: a per-reading part (version 7), or
     *              a whole state of an earlier version
     * @param model the value in {@value TopologySettings#MODEL_STORE}; ignored (and may be null)
     *              when {@code live} is a whole state of an earlier version
     * @throws SerializationException if either is not what it should be, they are of different
     *                                model versions, or of a version this release cannot read
     */
    public DetectorState decode(byte[] live, byte[] model) {
        int version = checkedVersion(live, "stored sensor state");
        if (version <= LAST_WHOLE_VERSION) {
            return decodeWhole(live, version);
        }
        if (model == null) {
            throw new SerializationException("stored sensor state (format version " + version + ") has no model in "
                    + TopologySettings.MODEL_STORE + "; reset the application (run --reset) to rebuild the state"
                    + " from the input topic.");
        }
        int modelVersion = checkedVersion(model, "stored sensor model");
        if (modelVersion != version) {
            throw new SerializationException("stored sensor state has format version " + version
                    + " but its model has format version " + modelVersion);
        }
        SensorLiveState l = liveSerde.decode(live);
        SensorModelState m = modelSerde.decode(model);
        try {
            if (l.getModelVersion() != m.getModelVersion() || l.getChannels() != m.getChannels()) {
                throw new IllegalArgumentException("the per-reading part is of model version " + l.getModelVersion()
                        + " and " + l.getChannels() + " channels, the model of version " + m.getModelVersion()
                        + " and " + m.getChannels() + " channels");
            }
            if ((l.getHistory() == null) == (l.getOnline() == null)
                    || (m.getHistory() == null) != (l.getHistory() == null)
                    || (m.getOnline() == null) != (l.getOnline() == null)) {
                throw new IllegalArgumentException("the per-reading part and the model must both hold either the"
                        + " online detector or the detector with a training period");
            }
            if (l.getHistory() != null) {
                return DetectorState.ofHistory(l.getChannels(), decode(l, m)).withModelVersion(l.getModelVersion());
            }
            return decodeOnline(l, m);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("stored sensor state is inconsistent: " + e.getMessage(), e);
        }
    }

    private static DetectorState.History decode(SensorLiveState state, SensorModelState model) {
        HistoryLiveState h = state.getHistory();
        HistoryModelState m = model.getHistory();
        LiveState l = h.getLive();
        return new DetectorState.History(state.getReadings(), h.getFirstEventTime(), state.getLastEventTime(),
                m.getBufferStart(), unpack(m.getBuffer(), -1, "history.buffer"),
                m.getTrained() == null ? null : decode(m.getTrained()),
                l == null ? null : decode(l), h.getHoldOff(), h.getEventKind(),
                unpack(h.getEventRecords(), 2, "history.eventRecords"));
    }

    private static DetectorState decodeOnline(SensorLiveState state, SensorModelState model) {
        OnlineLiveState o = state.getOnline();
        OnlineModelState m = model.getOnline();
        LstmWeights weights = LstmWeights.fromBytes(bytes(m.getWeights()));
        int d = state.getChannels();
        int h = m.getHiddenSize();
        if (weights.shape().inputSize() != d || weights.shape().hiddenSize() != h) {
            throw new IllegalArgumentException("weights are for " + weights.shape()
                    + " but the record says D=" + d + ", H=" + h);
        }
        int parameters = weights.shape().parameterCount();
        LstmLiveState ls = o.getLstm();
        DetectorState.Lstm lstm = new DetectorState.Lstm(
                unpack(ls.getNormalizerMean(), d, "normalizerMean"),
                unpack(ls.getNormalizerVar(), d, "normalizerVar"),
                ls.getWindowRows(),
                unpack(ls.getWindow(), -1, "window"),
                unpack(ls.getStartHidden(), h, "startHidden"),
                unpack(ls.getStartCell(), h, "startCell"),
                unpack(ls.getHidden(), h, "hidden"),
                unpack(ls.getCell(), h, "cell"),
                unpack(ls.getPrediction(), d, "prediction"),
                weights,
                unpack(m.getAdamFirstMoment(), parameters, "adamFirstMoment"),
                unpack(m.getAdamSecondMoment(), parameters, "adamSecondMoment"),
                m.getAdamSteps());
        ScorerState sc = o.getScorer();
        DetectorState.Scorer scorer = new DetectorState.Scorer(sc.getErrorCount(),
                unpack(sc.getErrorScale(), d, "errorScale"),
                unpack(sc.getValueMean(), d, "valueMean"),
                unpack(sc.getValueVar(), d, "valueVar"),
                unpack(sc.getValueMin(), d, "valueMin"),
                unpack(sc.getValueMax(), d, "valueMax"),
                sc.getErrorRecord(), sc.getMeanErrorRecord(),
                unpack(sc.getLevelRecords(), d, "levelRecords"),
                sc.getRecentErrorRows(),
                unpack(sc.getRecentErrors(), -1, "recentErrors"),
                sc.getRecentValueRows(),
                unpack(sc.getRecentValues(), -1, "recentValues"),
                sc.getWeeklyStart(),
                sc.getRecentShiftRows(),
                unpack(sc.getRecentShifts(), -1, "recentShifts"),
                unpack(sc.getWeeklyRecords(), d, "weeklyRecords"),
                sc.getHeldWeeklyRows(),
                unpack(sc.getHeldWeeklyRatios(), -1, "heldWeeklyRatios"),
                unpack(sc.getHighestReadings(), 2 * d, "highestReadings"),
                unpack(sc.getLowestReadings(), 2 * d, "lowestReadings"),
                unpackLongs(sc.getFlatRuns(), "flatRuns"),
                unpack(sc.getFlatLast(), -1, "flatLast"));
        WeeklyProfileState w = m.getWeekly();
        DetectorState.Weekly weekly = new DetectorState.Weekly(unpackLongs(w.getHours(), "weekly.hours"),
                unpack(w.getSums(), -1, "weekly.sums"), unpackLongs(w.getCounts(), "weekly.counts"));
        return new DetectorState(d, state.getReadings(), state.getLastEventTime(), o.getHoldOff(),
                unpack(o.getLastValues(), d, "lastValues"), lstm,
                unpack(o.getEnsemble().getMemberErrors(), -1, "memberErrors"),
                unpackLongs(o.getEnsemble().getMemberCounts(), "memberCounts"),
                unpackLongs(m.getDaily().getTimes(), "daily.times"),
                unpack(m.getDaily().getValues(), -1, "daily.values"),
                weekly, scorer, null, state.getModelVersion());
    }

    /** The format version of {@code bytes}, checked to be one this release reads. */
    private static int checkedVersion(byte[] bytes, String what) {
        int version = formatVersion(bytes);
        if (version < OLDEST_READABLE_VERSION || version > CURRENT_VERSION) {
            throw new SerializationException(what + " has format version " + version
                    + "; this release reads versions " + OLDEST_READABLE_VERSION + " to " + CURRENT_VERSION
                    + (version == 1 ? " (version 1 holds an earlier detector whose model cannot be carried over)" : "")
                    + ". Run the release that wrote it, or reset the application (run --reset) to rebuild"
                    + " the state from the input topic.");
        }
        return version;
    }

    /**
     * Decodes a whole state of format version 2 to 6, one {@code SensorState} record, as a release
     * before the split wrote it.
     */
    private DetectorState decodeWhole(byte[] bytes, int version) {
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

    private static TrainedModelState encode(DetectorState.Model m) {
        return TrainedModelState.newBuilder()
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
                .setFlatLevels(pack(m.flatLevels()))
                .build();
    }

    private static DetectorState.History decode(HistoryState h) {
        return new DetectorState.History(h.getReadings(), h.getFirstEventTime(), h.getLastEventTime(),
                h.getBufferStart(), unpack(h.getBuffer(), -1, "history.buffer"),
                h.getModel() == null ? null : decode(h.getModel()),
                h.getLive() == null ? null : decode(h.getLive()), h.getHoldOff(),
                h.getEventKind(), unpack(h.getEventRecords(), 2, "history.eventRecords"));
    }

    private static DetectorState.Model decode(TrainedModelState m) {
        return new DetectorState.Model(
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
                unpack(m.getHeldBackErrors(), 2, "history.model.heldBackErrors"),
                unpack(m.getFlatLevels(), -1, "history.model.flatLevels"));
    }

    private static DetectorState.Live decode(LiveState l) {
        return new DetectorState.Live(
                unpack(l.getHidden(), -1, "history.live.hidden"),
                unpack(l.getCell(), -1, "history.live.cell"),
                unpack(l.getPrediction(), -1, "history.live.prediction"),
                unpack(l.getPrevious(), -1, "history.live.previous"),
                l.getStarted(), l.getRows(), l.getNext(),
                unpack(l.getRecentErrors(), -1, "history.live.recentErrors"),
                unpack(l.getRecentErrorParts(), -1, "history.live.recentErrorParts"),
                unpack(l.getRecentStates(), -1, "history.live.recentStates"));
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
