package dev.sensorwatch.nab;

import java.util.List;

/**
 * The weights of one NAB application profile: the reward of a detected window ({@code tp}),
 * the cost of a detection outside every window ({@code fp}) and of a missed window ({@code fn}).
 *
 * @param name the profile's name as NAB spells it
 * @param tp   true-positive weight
 * @param fp   false-positive weight
 * @param fn   false-negative weight
 */
public record NabProfile(String name, double tp, double fp, double fn) {

    /** NAB's standard profile (1, 0.11, 1). */
    public static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);
    /** NAB's reward_low_FP_rate profile (1, 0.22, 1). */
    public static final NabProfile REWARD_LOW_FP = new NabProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    /** NAB's reward_low_FN_rate profile (1, 0.11, 2). */
    public static final NabProfile REWARD_LOW_FN = new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);
    /** The three profiles, in NAB's order. */
    public static final List<NabProfile> ALL = List.of(STANDARD, REWARD_LOW_FP, REWARD_LOW_FN);
}
