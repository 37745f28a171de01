package dev.sensorwatch.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Finds the names nearest to a mistyped one, for error messages that say what was probably meant. */
final class Nearest {

    private Nearest() {
    }

    /**
     * The up to {@code limit} names nearest to {@code wanted}: first those that one of the two ends
     * as a path ({@code a/b.csv} and {@code b.csv}), then by edit distance, then by name.
     */
    static List<String> of(String wanted, Collection<String> names, int limit) {
        return names.stream()
                .sorted(Comparator.comparing((String name) -> !pathSuffix(wanted, name) && !pathSuffix(name, wanted))
                        .thenComparingInt(name -> distance(wanted, name))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(limit)
                .toList();
    }

    private static boolean pathSuffix(String path, String end) {
        return path.endsWith("/" + end);
    }

    /** Levenshtein distance: the fewest inserted, deleted or replaced characters turning {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(replace, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
