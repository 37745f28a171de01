package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {

    static final Signal P = Signal.PREDICTION_ERROR;
    static final Signal L = Signal.LEVEL_SHIFT;

    @Test
    void eachRunOfRowsInAnEventIsOneEventWithItsPeak() {
        boolean[] in = {false, true, true, true, false, false, true, true};
        double[] scores = {0.1, 0.6, 0.8, 0.3, 0.1, 0.2, 0.7, 0.7};
        Signal[] signals = {P, P, L, P, P, P, P, L};
        assertThat(Events.find(in, scores, signals)).containsExactly(
                new Events.Event(1, 3, 2, 0.8, L),
                new Events.Event(6, 7, 6, 0.7, P));
    }

    @Test
    void anUnscoredRowNeitherEndsNorOpensAnEvent() {
        boolean[] in = {true, false, true, false, false};
        double[] scores = {0.6, Double.NaN, 0.2, Double.NaN, 0.1};
        Signal[] signals = {P, null, P, null, P};
        assertThat(Events.find(in, scores, signals)).containsExactly(new Events.Event(0, 2, 0, 0.6, P));
        assertThat(Events.find(new boolean[0], new double[0], new Signal[0])).isEmpty();
    }

    @Test
    void theArraysMustHaveOneEntryPerRow() {
        assertThatThrownBy(() -> Events.find(new boolean[2], new double[1], new Signal[2]))
                .hasMessageContaining("2 in-event flags, 1 scores, 2 signals");
        assertThat(List.of(Signal.values())).contains(P, L);
    }
}
