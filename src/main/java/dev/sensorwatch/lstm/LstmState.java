package dev.sensorwatch.lstm;

import java.util.Arrays;

/**
 * The recurrent state of one cell: the hidden state {@code h} (short-term output, used to
 * predict) and the cell state {@code c} (the long-term memory line), {@code H} values each.
 *
 * <p>Mutable, and owned by whoever advances it: {@link LstmCell.Workspace#stepInPlace} overwrites
 * it. Methods that change it say so in their name.
 */
public final class LstmState {

    final double[] h;
    final double[] c;

    private LstmState(double[] h, double[] c) {
        this.h = h;
        this.c = c;
    }

    /** Returns the all-zero state of {@code hiddenSize} units, where every sequence starts. */
    public static LstmState zeros(int hiddenSize) {
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hidden size must be at least 1, got " + hiddenSize);
        }
        return new LstmState(new double[hiddenSize], new double[hiddenSize]);
    }

    /**
     * Returns a state holding copies of {@code h} and {@code c}.
     *
     * @throws IllegalArgumentException if their lengths differ or are zero
     */
    public static LstmState of(double[] h, double[] c) {
        if (h.length == 0 || h.length != c.length) {
            throw new IllegalArgumentException("hidden state has " + h.length
                    + " values and cell state has " + c.length + "; they must be equal and non-zero");
        }
        return new LstmState(h.clone(), c.clone());
    }

    /** Number of hidden units {@code H}. */
    public int size() {
        return h.length;
    }

    /** Hidden-state value of {@code unit}. */
    public double hidden(int unit) {
        return h[unit];
    }

    /** Cell-state value of {@code unit}. */
    public double cell(int unit) {
        return c[unit];
    }

    /** Returns a copy of the hidden state. */
    public double[] copyHidden() {
        return h.clone();
    }

    /** Returns a copy of the cell state. */
    public double[] copyCell() {
        return c.clone();
    }

    /** Returns an independent copy of this state. */
    public LstmState copy() {
        return new LstmState(h.clone(), c.clone());
    }

    /** Overwrites this state with {@code other}'s values; sizes must match. */
    public void setInPlace(LstmState other) {
        if (other.h.length != h.length) {
            throw new IllegalArgumentException("cannot copy a state of " + other.h.length
                    + " units into one of " + h.length);
        }
        System.arraycopy(other.h, 0, h, 0, h.length);
        System.arraycopy(other.c, 0, c, 0, c.length);
    }

    /** Sets every value of this state to zero. */
    public void resetInPlace() {
        Arrays.fill(h, 0.0);
        Arrays.fill(c, 0.0);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LstmState that && Arrays.equals(h, that.h) && Arrays.equals(c, that.c);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(h) + Arrays.hashCode(c);
    }

    @Override
    public String toString() {
        return "LstmState[h=" + Arrays.toString(h) + ", c=" + Arrays.toString(c) + "]";
    }
}
