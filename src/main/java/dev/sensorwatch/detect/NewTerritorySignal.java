package dev.sensorwatch.detect;

/**
 * {@link Signal#NEW_TERRITORY}: a reading outside the range of every earlier reading of its
 * channel, by more than {@value Tuning#SPATIAL_TOLERANCE} of that range and more than
 * {@value Tuning#SPATIAL_ERRORS} of the channel's typical prediction error, counts as a
 * ratio of {@value Tuning#SPATIAL_RATIO}. It keeps no memory of its own: the range is the
 * channel statistics'.
 */
final class NewTerritorySignal implements ScoringSignal {

    @Override
    public Signal signal() {
        return Signal.NEW_TERRITORY;
    }

    @Override
    public double ratioThenLearn(ScoredReading reading, ChannelStatistics statistics) {
        if (!reading.pastWarmup) {
            return 0.0;
        }
        for (int d = 0; d < statistics.channels; d++) {
            double tolerance = Math.max(Tuning.SPATIAL_TOLERANCE * (statistics.valueMax[d] - statistics.valueMin[d]),
                    Tuning.SPATIAL_ERRORS * statistics.errorScale[d]);
            if (reading.values[d] > statistics.rangeTop(d) + tolerance
                    || reading.values[d] < statistics.rangeBottom(d) - tolerance) {
                return Tuning.SPATIAL_RATIO;
            }
        }
        return 0.0;
    }
}
