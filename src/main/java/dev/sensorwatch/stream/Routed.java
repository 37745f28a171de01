package dev.sensorwatch.stream;

import dev.sensorwatch.avro.AnomalyScore;

/**
 * A record on its way through the topology, tagged with where it goes next.
 *
 * @param route     where it goes
 * @param deadKey   for {@link Route#DEAD_LETTER}: the key of the dead-letter record
 * @param payload   the reading's bytes, or a {@code DeadLetter} or {@code AnomalyScore} encoded in the
 *                  topology's {@link OutputFormat}
 * @param anomaly   for {@link Route#SCORE}: whether the score is flagged
 * @param score     for {@link Route#SCORE}: the score itself, for the fleet view
 */
record Routed(Route route, byte[] deadKey, byte[] payload, boolean anomaly, AnomalyScore score) {

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

    static Routed reading(Route route, byte[] bytes) {
        return new Routed(route, null, bytes, false, null);
    }

    static Routed deadLetter(byte[] key, byte[] deadLetter) {
        return new Routed(Route.DEAD_LETTER, key, deadLetter, false, null);
    }

    static Routed score(byte[] encoded, AnomalyScore score) {
        return new Routed(Route.SCORE, null, encoded, score.getAnomaly(), score);
    }
}
