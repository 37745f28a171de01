package dev.sensorwatch.stream;

import dev.sensorwatch.detect.SensorDetector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded detectors of the sensors a stream task scored last, so that a reading need not
 * decode its sensor's stored state again: a pure memo of "these stored bytes decode to this
 * detector". An entry is used only while the state store still holds exactly the bytes it was
 * encoded to. Anything else — state restored from the changelog, a task that moved between
 * instances and back, a reading whose processing failed half-way — finds other bytes (or no entry)
 * and decodes, so the cache can never change a score. The store is still written on every reading;
 * the cache saves the decode, not the write.
 *
 * <p>Bounded: the least recently used entry leaves once {@code capacity} sensors are cached. Not
 * thread-safe; one per processor, i.e. per task.
 */
final class DetectorCache {

    private record Entry(byte[] encoded, SensorDetector detector) {
    }

    private final Map<String, Entry> entries;
    private long hits;
    private long misses;

    DetectorCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("the detector cache capacity must not be negative, got " + capacity);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Removes and returns the cached detector of {@code sensorId} if it is the one {@code stored}
     * decodes to; otherwise null (decode {@code stored} instead). The caller owns the detector
     * until it {@linkplain #keep keeps} it again, so a detector changed by a failed reading is never
     * handed out for the old bytes.
     */
    SensorDetector take(String sensorId, byte[] stored) {
        Entry entry = entries.remove(sensorId);
        if (entry != null && Arrays.equals(entry.encoded(), stored)) {
            hits++;
            return entry.detector();
        }
        misses++;
        return null;
    }

    /** Caches {@code detector} as what {@code encoded} (the bytes now in the store) decodes to. */
    void keep(String sensorId, byte[] encoded, SensorDetector detector) {
        entries.put(sensorId, new Entry(encoded, detector));
    }

    /** Drops every entry. */
    void clear() {
        entries.clear();
    }

    /** Lookups that found the detector cached. */
    long hits() {
        return hits;
    }

    /** Lookups that had to decode. */
    long misses() {
        return misses;
    }

    /** Sensors cached. */
    int size() {
        return entries.size();
    }
}
