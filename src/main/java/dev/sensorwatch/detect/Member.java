package dev.sensorwatch.detect;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A predictor the detector may use: the ensemble takes, per reading, the enabled member with the
 * lowest running error (online), or, after a training period, the enabled member with the lowest
 * held-back error ({@link TrainedModel}). Switching members off shows what each contributes.
 */
public enum Member {
    /** The LSTM: learned online from the reading-to-reading changes, or trained on the training period. */
    LSTM("lstm"),
    /** The last reading. */
    LAST_VALUE("last"),
    /** The reading at the same time of day a day earlier ({@link DailyProfile}); online only. */
    DAILY_PROFILE("daily");

    private final String code;

    Member(String code) {
        this.code = code;
    }

    /** The name used on the command line. */
    public String code() {
        return code;
    }

    /** Every member. */
    public static Set<Member> all() {
        return Set.copyOf(EnumSet.allOf(Member.class));
    }

    /**
     * Parses a comma-separated list of codes ({@code lstm,last,daily}).
     *
     * @throws IllegalArgumentException naming the unknown code and the known ones
     */
    public static Set<Member> parse(String text) {
        EnumSet<Member> members = EnumSet.noneOf(Member.class);
        for (String part : text.split(",")) {
            String code = part.strip().toLowerCase(Locale.ROOT);
            Member found = null;
            for (Member m : values()) {
                if (m.code.equals(code)) {
                    found = m;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown member '" + part.strip() + "'; the members are lstm, last, daily");
            }
            members.add(found);
        }
        return Set.copyOf(members);
    }
}
