package dev.sensorwatch.detect;

/**
 * What the detector says of one reading.
 *
 * @param eventTime        the reading's event time, epoch milliseconds
 * @param observed         the reading's channel values
 * @param predicted        the prediction of this reading by the ensemble member chosen before it
 *                         arrived (NaN before the first prediction)
 * @param predictionError  root mean square over channels of the error in units of each
 *                         channel's running mean absolute error (NaN before the first prediction)
 * @param score            anomaly score in [0, 1); 0 during warm-up and after a flagged
 *                         reading until its event ends
 * @param anomaly          whether {@code score} reached the threshold
 * @param channelShares    each channel's share of the squared error, summing to 1
 * @param learnedReadings  readings the detector had accepted before this one
 * @param signal           the signal that gave {@code score}; {@link Signal#NONE} when it is 0
 * @param inEvent          whether the reading belongs to an event: the flagged reading that
 *                         opened it and every reading after it until the event ends
 */
public record Score(long eventTime, double[] observed, double[] predicted, double predictionError,
                    double score, boolean anomaly, double[] channelShares, long learnedReadings,
                    Signal signal, boolean inEvent) {
}
