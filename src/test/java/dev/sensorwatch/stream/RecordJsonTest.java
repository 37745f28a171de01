package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.ScoreSignal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RecordJson}'s rules, one at a time: channel names, exact numbers, what is embedded as JSON. */
class RecordJsonTest {

    static final AvroSerde<AnomalyScore> SCORES = AvroSerde.of(AnomalyScore.class);

    @Test
    void channelNamesComeFromTheTagOnlyWhenTheyNameEachChannelOnce() {
        assertThat(RecordJson.channelNames(Map.of("channels", "flow, pressure"), 2)).containsExactly("flow", "pressure");
        assertThat(RecordJson.channelNames(Map.of("channels", "flow"), 2)).isNull();
        assertThat(RecordJson.channelNames(Map.of("channels", "flow,,pressure"), 3)).isNull();
        assertThat(RecordJson.channelNames(Map.of("channels", "flow,flow"), 2)).isNull();
        assertThat(RecordJson.channelNames(Map.of("site", "north"), 1)).isNull();
        assertThat(RecordJson.unnamed(1)).containsExactly("value");
        assertThat(RecordJson.unnamed(3)).containsExactly("value0", "value1", "value2");
        assertThat(RecordJson.unnamed(100)).hasSize(100).endsWith("value99");
    }

    @Test
    void everyDoubleComesBackBitForBitAndNonFiniteOnesAreNull() {
        List<Double> awkward = List.of(0.1 + 0.2, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, 45.057, 123456789.0);
        AnomalyScore score = AnomalyScore.newBuilder().setSensorId("s \"quoted\" \u00e9")
                .setEventTime(Instant.ofEpochMilli(-1_234L)).setObserved(awkward).setPredicted(awkward)
                .setPredictionError(Double.POSITIVE_INFINITY).setAnomalyScore(Double.NaN).setAnomaly(false)
                .setChannelShares(awkward).setLearnedReadings(Long.MAX_VALUE).setSignal(ScoreSignal.WEEKLY_SHIFT)
                .setInEvent(true).build();
        byte[] json = new RecordJson().score(score, null);
        String text = new String(json, StandardCharsets.UTF_8);
        assertThat(text).contains("\"eventTime\":\"1969-12-31T23:59:58.766Z\"", "\"eventTimeMillis\":-1234",
                "\"predictionError\":null", "\"anomalyScore\":null", "\"value0\":0.30000000000000004");
        AnomalyScore back = RecordJson.readScore(json).score();
        assertThat(back.getObserved()).usingElementComparator((a, b) -> Long.compare(Double.doubleToRawLongBits(a),
                Double.doubleToRawLongBits(b))).containsExactlyElementsOf(awkward);
        assertThat(back.getPredictionError()).isNaN();
        assertThat(SCORES.encode(back)).as("all else equal")
                .isEqualTo(SCORES.encode(AnomalyScore.newBuilder(score).setPredictionError(Double.NaN).build()));
    }

    @Test
    void onlyExactlyOneJsonObjectOrArrayIsEmbeddedAsJson() {
        assertThat(RecordJson.jsonText(utf8("{\"a\": [1, 2.5e-3, {\"b\": null}]}"))).isNotNull();
        assertThat(RecordJson.jsonText(utf8("[1,2]"))).isEqualTo("[1,2]");
        for (String not : List.of(" {}", "{} ", "{}{}", "{\"a\":1}, \"reason\": \"x\"", "{\"a\":1,}", "{\"a\":\"\u0001\"}",
                "{'a':1}", "{\"a\":NaN}", "42", "\"text\"", "null", "{", "{\"a\": [1}")) {
            assertThat(RecordJson.jsonText(utf8(not))).as(not).isNull();
        }
        assertThat(RecordJson.jsonText(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'})).as("bad UTF-8").isNull();
    }

    @Test
    void aRecordThatIsNotOneOfOursSaysSo() {
        assertThat(RecordJson.kind(utf8("{\"hello\": 1}"))).isNull();
        assertThat(RecordJson.kind(new byte[] {(byte) 0xC3, 0x01})).isNull();
        assertThat(RecordJson.kind(null)).isNull();
        assertThatThrownBy(() -> RecordJson.readScore(utf8("{\"sensorId\": \"s\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON score");
        assertThatThrownBy(() -> RecordJson.readDeadLetter(utf8("[1]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON dead letter");
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
