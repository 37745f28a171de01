package dev.sensorwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventRuleTest {

    @Test
    void aReachingReadingOpensAnEventThatEndsAfterTheQuietReadingsThenDamps() {
        EventRule rule = new EventRule(3, 2, 2.0);
        assertThat(rule.stepInPlace(false, false)).isEqualTo(EventRule.Phase.OUTSIDE);
        assertThat(rule.stepInPlace(true, true)).isEqualTo(EventRule.Phase.OPENS);
        assertThat(rule.holdOff()).isEqualTo(3);
        assertThat(rule.stepInPlace(true, true)).as("a reading that reaches again only sustains")
                .isEqualTo(EventRule.Phase.INSIDE);
        assertThat(rule.stepInPlace(false, false)).isEqualTo(EventRule.Phase.INSIDE);
        assertThat(rule.stepInPlace(false, true)).as("support starts the count again").isEqualTo(EventRule.Phase.INSIDE);
        assertThat(rule.holdOff()).isEqualTo(3);
        assertThat(rule.stepInPlace(false, false)).isEqualTo(EventRule.Phase.INSIDE);
        assertThat(rule.stepInPlace(false, false)).isEqualTo(EventRule.Phase.INSIDE);
        assertThat(rule.stepInPlace(false, false)).as("the third quiet reading ends it, inside")
                .isEqualTo(EventRule.Phase.INSIDE);
        assertThat(rule.holdOff()).isEqualTo(-2);
        assertThat(rule.damped(3.0)).isEqualTo(1.5);
        assertThat(rule.stepInPlace(false, false)).isEqualTo(EventRule.Phase.OUTSIDE);
        assertThat(rule.stepInPlace(false, false)).isEqualTo(EventRule.Phase.OUTSIDE);
        assertThat(rule.holdOff()).isZero();
        assertThat(rule.damped(3.0)).isEqualTo(3.0);
    }

    @Test
    void withoutADampedPeriodTheRuleIsBackToNothingAfterAnEvent() {
        EventRule rule = new EventRule(1, 0, 1.0);
        assertThat(rule.stepInPlace(true, true)).isEqualTo(EventRule.Phase.OPENS);
        assertThat(rule.stepInPlace(false, false)).isEqualTo(EventRule.Phase.INSIDE);
        assertThat(rule.holdOff()).isZero();
        assertThat(rule.stepInPlace(true, true)).isEqualTo(EventRule.Phase.OPENS);
    }

    @Test
    void aStoredCountOutsideTheRuleIsRefused() {
        EventRule rule = new EventRule(20, 100, 1.5);
        rule.restoreInPlace(-100);
        assertThat(rule.holdOff()).isEqualTo(-100);
        assertThatThrownBy(() -> rule.restoreInPlace(21)).hasMessageContaining("outside [-100, 20]");
        assertThatThrownBy(() -> new EventRule(20, 0, 1.0).restoreInPlace(-1)).hasMessageContaining("outside [0, 20]");
    }
}
