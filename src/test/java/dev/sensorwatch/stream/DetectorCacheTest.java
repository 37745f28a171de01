package dev.sensorwatch.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sensorwatch.detect.DetectorConfig;
import dev.sensorwatch.detect.SensorDetector;
import org.junit.jupiter.api.Test;

class DetectorCacheTest {

    private final SensorDetector a = SensorDetector.fresh(DetectorConfig.DEFAULTS, 1);
    private final SensorDetector b = SensorDetector.fresh(DetectorConfig.DEFAULTS, 1);

    @Test
    void handsOutTheDetectorOnlyForTheBytesItWasKeptWith() {
        DetectorCache cache = new DetectorCache(8);
        cache.keep("s", new byte[] {1, 2, 3}, a);

        assertThat(cache.take("s", new byte[] {1, 2, 3})).as("equal bytes, another array").isSameAs(a);
        assertThat(cache.take("s", new byte[] {1, 2, 3})).as("taken: gone until kept again").isNull();

        cache.keep("s", new byte[] {1, 2, 3}, a);
        assertThat(cache.take("s", new byte[] {1, 2, 4})).as("the store holds other bytes").isNull();
        assertThat(cache.take("s", new byte[] {1, 2, 3})).as("a mismatch drops the entry").isNull();
        assertThat(cache.take("t", new byte[] {1, 2, 3})).isNull();
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(4);
    }

    @Test
    void keepsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        DetectorCache cache = new DetectorCache(2);
        cache.keep("x", new byte[] {1}, a);
        cache.keep("y", new byte[] {2}, b);
        cache.keep("z", new byte[] {3}, a);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.take("x", new byte[] {1})).isNull();
        assertThat(cache.take("y", new byte[] {2})).isSameAs(b);
        assertThat(cache.take("z", new byte[] {3})).isSameAs(a);
    }

    @Test
    void capacityZeroCachesNothingAndClearEmpties() {
        DetectorCache none = new DetectorCache(0);
        none.keep("x", new byte[] {1}, a);
        assertThat(none.take("x", new byte[] {1})).isNull();

        DetectorCache cache = new DetectorCache(4);
        cache.keep("x", new byte[] {1}, a);
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThatThrownBy(() -> new DetectorCache(-1)).hasMessageContaining("must not be negative");
    }
}
