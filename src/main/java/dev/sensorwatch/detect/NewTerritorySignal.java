package dev.sensorwatch.detect;

/**
 * {@link Signal#NEW_TERRITORY}: a reading outside the range of every earlier reading of its
 * channel, by more than {@value AnomalyScorer#SPATIAL_TOLERANCE} of that range and more than
 * {@value AnomalyScorer#SPATIAL_ERRORS} of the channel's typical prediction error, counts as a
 * ratio of {@value AnomalyScorer#SPATIAL_RATIO}. It keeps no memory of its own: the range is the
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
            double tolerance = Math.max(AnomalyScorer.SPATIAL_TOLERANCE * (statistics.valueMax[d] - statistics.valueMin[d]),
                    AnomalyScorer.SPATIAL_ERRORS * statistics.errorScale[d]);
            if (reading.values[d] > statistics.rangeTop(d) + tolerance
                    || reading.values[d] < statistics.rangeBottom(d) - tolerance) {
                return AnomalyScorer.SPATIAL_RATIO;
            }
        }
        return 0.0;
    }
}
