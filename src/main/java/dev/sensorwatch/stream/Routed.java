package dev.sensorwatch.stream;

import dev.sensorwatch.avro.AnomalyScore;
import dev.sensorwatch.avro.SensorReading;

/**
 * A record on its way through the topology, tagged with where it goes next.
 *
 * @param route     where it goes
 * @param deadKey   for {@link Route#DEAD_LETTER}: the key of the dead-letter record
 * @param payload   the reading's bytes, or a {@code DeadLetter} or {@code AnomalyScore} encoded in the
 *                  topology's {@link OutputFormat}
 * @param anomaly   for {@link Route#SCORE}: whether the score is flagged
 * @param score     for {@link Route#SCORE}: the score itself, for the fleet view
 * @param reading   for a reading that reaches the detector in the same task as it was routed
 *                  ({@link Route#DIRECT}): the reading as the router decoded it, so that it is
 *                  decoded once; null where only its bytes travel (through the repartition topic)
 */
record Routed(Route route, byte[] deadKey, byte[] payload, boolean anomaly, AnomalyScore score,
              SensorReading reading) {

    /** Where a record goes next. */
    enum Route {
        /** Keyed by its sensor id already: straight to the detector. */
        DIRECT,
        /** Keyed otherwise: through the repartition topic, keyed by sensor id. */
        REKEY,
        /** Not scoreable: to the dead-letter topic. */
        DEAD_LETTER,
        /** A score: to the scores topic, and to the anomalies topic if flagged. */
        SCORE
    }

    /** A reading's bytes, and the reading decoded if it is known ({@code decoded} may be null). */
    static Routed reading(Route route, byte[] bytes, SensorReading decoded) {
        return new Routed(route, null, bytes, false, null, decoded);
    }

    static Routed deadLetter(byte[] key, byte[] deadLetter) {
        return new Routed(Route.DEAD_LETTER, key, deadLetter, false, null, null);
    }

    static Routed score(byte[] encoded, AnomalyScore score) {
        return new Routed(Route.SCORE, null, encoded, score.getAnomaly(), score, null);
    }
}
