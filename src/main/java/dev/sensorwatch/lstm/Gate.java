package dev.sensorwatch.lstm;

/**
 * The four parts of an LSTM cell that are computed from {@code [x, h]}; the enum order is the
 * order of their row blocks in the stacked gate matrix (see {@link LstmShape}).
 */
public enum Gate {
    /** {@code f = σ(W_f·[x, h] + b_f)}: what of the cell state to keep (0 = drop, 1 = keep). */
    FORGET,
    /** {@code i = σ(W_i·[x, h] + b_i)}: which new values to store in the cell state. */
    INPUT,
    /** {@code g = tanh(W_g·[x, h] + b_g)}: the candidate values the input gate selects from. */
    CANDIDATE,
    /** {@code o = σ(W_o·[x, h] + b_o)}: what of the cell state to expose as the hidden state. */
    OUTPUT
}
