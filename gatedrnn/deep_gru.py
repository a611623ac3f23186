"""Stacked and bidirectional GRUs in NumPy, built from the course's GRU layer.

The chapter chapters/04_gru_torch/04_deep_bidirectional explains and checks this code
against torch.nn.GRU(num_layers=2, bidirectional=True) and centered differences. Every
direction of every layer is one call of the course's NumPy GRU over a sequence
(gatedrnn.fast_gru: the same function as the exercise's gru_forward / gru_backward, with
batched products); this module adds only the bookkeeping around it:

- a reverse direction reads the sequence backwards: flip the time axis, run the GRU, flip
  its states back, so that position t of every output holds the state after reading x_t;
- a layer's output is its directions' states side by side, (N, T, num_directions * H), and
  it is the next layer's input;
- the final states are stacked as torch.nn.GRU stacks them: row k of h_n (and of h0) is
  layer k // num_directions, direction k % num_directions (0 forward, 1 reverse).

Parameters follow the same order: params[k] = (Wx, Wh, bx, bh) for row k, with the course's
shapes, Wx (D_l, 3H), Wh (H, 3H), bx (3H,), bh (3H,), blocks r | z | n, where D_l is D for
layer 0 and num_directions * H above it. torch.nn.GRU's weight_ih_l{l}{suffix} is Wx.T,
with suffix "" for direction 0 and "_reverse" for direction 1.
No dropout: this is the layer in evaluation mode (dropout acts only in training).
"""

import numpy as np

from .fast_gru import fast_gru_backward, fast_gru_forward


def gru_direction_forward(x, h0, params, reverse=False):
    """One direction of one layer: the course's GRU over x, forwards or backwards in time.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial hidden state of this direction, of shape (N, H)
    - params: (Wx, Wh, bx, bh) of shapes (D, 3H), (H, 3H), (3H,), (3H,)
    - reverse: if True, read x from step T down to step 1

    Returns (h, cache): h of shape (N, T, H), h[:, t] the state after reading x[:, t] (for
    the reverse direction: after reading x[:, T-1] down to x[:, t]); cache for the backward.
    """
    if reverse:
        x = x[:, ::-1]                                        # (N, T, D), step T first
    h, cache = fast_gru_forward(x, h0, *params)               # (N, T, H), in reading order
    h = h[:, ::-1] if reverse else h
    return h.copy(), (cache, reverse)


def gru_direction_backward(dh, cache):
    """Backward pass of gru_direction_forward.

    Inputs:
    - dh: upstream gradient of every state h[:, t], of shape (N, T, H)
    - cache: from gru_direction_forward

    Returns (dx, dh0, dparams): dx (N, T, D), dh0 (N, H), dparams = (dWx, dWh, dbx, dbh).
    """
    cache, reverse = cache
    if reverse:
        dh = dh[:, ::-1]                                      # into reading order
    dx, dh0, *dparams = fast_gru_backward(np.ascontiguousarray(dh), cache)
    dx = dx[:, ::-1] if reverse else dx
    return dx, dh0, tuple(dparams)


def deep_gru_forward(x, h0, params, bidirectional=False):
    """A stack of GRU layers, each with one or two directions, as torch.nn.GRU computes it.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial states, of shape (num_layers * num_directions, N, H), rows ordered as
      torch.nn.GRU's h0: layer by layer, forward direction before reverse
    - params: list of num_layers * num_directions tuples (Wx, Wh, bx, bh), in h0's order
    - bidirectional: whether each layer has a reverse direction

    Returns (output, h_n, cache):
    - output: the last layer's states, of shape (N, T, num_directions * H); output[:, t, :H]
      is the forward state after x[:, t], output[:, t, H:] the reverse one
    - h_n: every direction's final state, of shape (num_layers * num_directions, N, H);
      for a reverse direction, its state at t = 0, after reading the whole sequence backwards
    - cache: for deep_gru_backward
    """
    directions = 2 if bidirectional else 1
    if len(params) != h0.shape[0] or len(params) % directions:
        raise ValueError(f"deep_gru_forward: {len(params)} parameter tuples and h0 with "
                         f"{h0.shape[0]} rows; both must be num_layers * {directions}")
    layer_input, h_n, caches = x, [], []
    for first in range(0, len(params), directions):          # first row of each layer
        states = []
        for d in range(directions):
            k = first + d                                     # row of h0, h_n and params
            h, cache = gru_direction_forward(layer_input, h0[k], params[k], reverse=d == 1)
            states.append(h)                                  # (N, T, H)
            h_n.append(h[:, 0] if d == 1 else h[:, -1])       # after the last step read
            caches.append(cache)
        layer_input = np.concatenate(states, axis=2)          # (N, T, directions * H)
    return layer_input, np.stack(h_n), (caches, directions)


def deep_gru_backward(doutput, dh_n, cache):
    """Backward pass of deep_gru_forward.

    Inputs:
    - doutput: upstream gradient of output, of shape (N, T, num_directions * H)
    - dh_n: upstream gradient of h_n, of shape (num_layers * num_directions, N, H)
    - cache: from deep_gru_forward

    Returns (dx, dh0, dparams): dx (N, T, D), dh0 (num_layers * num_directions, N, H), and
    dparams, a list of (dWx, dWh, dbx, dbh) in the order of params.
    """
    caches, directions = cache
    H = dh_n.shape[2]
    dh0, dparams = [None] * len(caches), [None] * len(caches)
    d_layer_output = doutput                                  # (N, T, directions * H)
    for first in reversed(range(0, len(caches), directions)):
        d_input = 0.0
        for d in range(directions):
            k = first + d
            dh = d_layer_output[..., d * H:(d + 1) * H].copy()  # (N, T, H)
            dh[:, 0 if d == 1 else -1] += dh_n[k]             # h_n[k] is one of its states
            dx, dh0[k], dparams[k] = gru_direction_backward(dh, caches[k])
            d_input = d_input + dx                            # both read the same input
        d_layer_output = d_input
    return d_layer_output, np.stack(dh0), dparams
