"""Backpropagation through time done short: the gradients of a backward pass that stops too early.

A sequence backward pass must add the gradient that flows back from step t + 1 (dh_prev, and
for the LSTM dc_prev) to the upstream gradient of step t. Two common mistakes:

- the gradient is never carried back: each step's dh_prev is dropped, so dh[:, t] reaches only
  step t ("bptt-no-carry");
- truncation to k steps: dh[:, t] flows back through steps t, t-1, ..., t-k+1 only, as in
  tutorials that truncate BPTT ("bptt-truncated").

`truncated_bptt_values` computes what either mistake gives, from a unit's torch references, so
that the exercises' checks can recognise it. For any recurrent layer whose state is one array
(RNN, GRU) or two (LSTM: h and c).
"""

import numpy as np

from .testing import Misconception


def no_carry_misconception():
    return Misconception(
        "bptt-no-carry",
        "no gradient flows to earlier steps: your gradients are what backpropagation through time gives "
        "when each step's dh_prev (and dc_prev) is dropped instead of being added to the upstream gradient "
        "of the step before. In the backward loop, step t must receive dh[:, t] plus the dh_prev that the "
        "backward of step t + 1 returned.",
        short="no gradient flows to earlier steps")


def truncated_misconception(depth):
    return Misconception(
        "bptt-truncated",
        f"your gradients are those of backpropagation through time truncated to {depth} steps: each dh[:, t] "
        f"flows back through steps t, ..., t - {depth - 1} only. The exercise asks for the exact gradient: "
        "carry the gradient back through every step, down to the initial state.",
        short=f"its gradient flows back only {depth} steps")


def truncated_bptt_gradients(reference, step_reference, inputs, dh, depth, states=1):
    """The gradients of a BPTT in which dh[:, t] flows back through `depth` steps only (1: no carry).

    Inputs:
    - reference: a unit's sequence reference, reference(x, *initial states, *params, dh) -> (h, grads),
      grads a dict dx, the initial states' gradients (dh0, dc0: names ending in "0"), the params'
    - step_reference: its step reference, step_reference(x_t, *states, *params) -> (*new states, grads)
    - inputs: the sequence's inputs, x (N, T, D), the initial states (N, H) each, the params
    - dh: upstream gradient of every hidden state, of shape (N, T, H)
    - depth: how many steps (t, t-1, ...) each dh[:, t] reaches
    - states: how many state arrays the layer has (1 for RNN and GRU, 2 for the LSTM)

    Returns a dict with the keys of reference's grads, of the same shapes.
    """
    x, initial, params = inputs[0], tuple(inputs[1:1 + states]), inputs[1 + states:]
    N, T, _ = np.shape(x)
    before = [initial]  # before[t]: the states that step t starts from
    for t in range(T - 1):
        before.append(tuple(step_reference(x[:, t], *before[t], *params)[:states]))
    total = None
    for t in range(T):
        first = max(0, t - depth + 1)
        window = np.zeros((N, t - first + 1, np.shape(dh)[2]))
        window[:, -1] = dh[:, t]
        _, grads = reference(x[:, first:t + 1], *before[first], *params, window)
        if total is None:
            total = {key: np.zeros(np.shape(x)) if key == "dx" else np.zeros_like(value)
                     for key, value in grads.items()}
        for key, value in grads.items():
            if key == "dx":
                total[key][:, first:t + 1] += value
            elif not key.endswith("0") or first == 0:  # an initial state gets only what reaches step 0
                total[key] += value
    return total


def truncated_bptt_values(reference, step_reference, inputs, dh, states=1):
    """(Misconception, gradients) for BPTT without carry and truncated to 2 ... T-1 steps.

    Arguments as truncated_bptt_gradients. For check.all_close(..., misconceptions=...).
    """
    T = np.shape(inputs[0])[1]
    return [(no_carry_misconception() if depth == 1 else truncated_misconception(depth),
             truncated_bptt_gradients(reference, step_reference, inputs, dh, depth, states))
            for depth in range(1, T)]
