package dev.sensorwatch.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The nearest of a set of valid names to a misspelt one, for "did you mean …?" in error messages. */
final class Names {

    private Names() {
    }

    /**
     * The candidate closest to {@code name} by edit distance (insertions, deletions, substitutions
     * and swaps of neighbours each count one; case is ignored), or {@code null} if even the closest
     * differs in more than a third of its characters (at least two are always allowed). Ties go
     * to the candidate that comes first.
     */
    static String nearest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = name.toLowerCase(Locale.ROOT);
        for (String candidate : candidates) {
            int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    /** Optimal string alignment distance: Levenshtein plus the swap of two neighbouring characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * The up to {@code limit} candidates nearest to {@code wanted}, however far: first those that
     * one of the two ends as a path ({@code a/b.csv} and {@code b.csv}), then by
     * {@linkplain #distance distance}, then by name.
     */
    static List<String> nearest(String wanted, Collection<String> candidates, int limit) {
        String lower = wanted.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .sorted(Comparator.comparing((String name) -> !name.endsWith("/" + wanted) && !wanted.endsWith("/" + name))
                        .thenComparingInt(name -> distance(lower, name.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(limit)
                .toList();
    }

    /** {@code " (did you mean X?)"} for the nearest candidate, or an empty string if none is near. */
    static String didYouMean(String name, Collection<String> candidates) {
        String nearest = nearest(name, candidates);
        return nearest == null ? "" : " (did you mean " + nearest + "?)";
    }
}
