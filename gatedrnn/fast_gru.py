"""A fast NumPy GRU (the course's variant), forward and backward, for the performance chapter.

The exercise's GRU calls a step function T times, and each step multiplies x_t by Wx,
h_{t-1} by Wh, and accumulates weight gradients with small products. Here the work that
does not depend on the previous step is taken out of the time loop and done as a few
large matrix products (GEMMs), which BLAS runs far more efficiently than many small ones:

- forward: ONE input-projection GEMM over all N*T rows, (N*T, D) @ (D, 3H), before the
  loop; inside the loop only ONE recurrent GEMM per step, (N, H) @ (H, 3H);
- backward: inside the loop one GEMM per step, for the gradient flowing into h_{t-1};
  after the loop dWx, dWh and dx are each ONE GEMM over all N*T rows, and dbx, dbh
  one sum each.

The elementwise work is kept small too: every factor of the backward pass that does not
depend on the incoming gradient (such as (1 - z) * (1 - n^2)) is computed in the forward
loop, while that step's values are still in the processor's cache, so each backward step
does only a handful of multiplications.
Inputs and outputs stay batch-major (N, T, ...), as the products over all rows need no
particular order; what the loop walks through step by step (the hidden states, the
recurrent products) is kept time-major (T, N, ...), so each step's rows are contiguous.
Elementwise results go into preallocated buffers (ufuncs with out=). Works in the
inputs' dtype; float32 is the fast one. The chapter chapters/03_gru/07_performance shows
this code and measures it (bench/gru_numpy_vs_torch.py).
"""

import numpy as np


def fast_gru_forward(x, h0, Wx, Wh, bx, bh):
    """The course's GRU over a sequence, with batched GEMMs.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial hidden state, of shape (N, H)
    - Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,): blocks r | z | n

    Returns (h, cache): h the hidden states, of shape (N, T, H) (a view of the cache:
    copy it before writing to it); cache for fast_gru_backward.
    """
    N, T, D = x.shape
    H = h0.shape[1]
    dtype = np.result_type(x, h0, Wx, Wh, bx, bh)
    # sigmoid(a) = (1 + tanh(a / 2)) / 2: halve the r|z columns once, here, instead of the
    # pre-activations at every step (halving is exact in floating point).
    half = np.ones(3 * H, dtype=dtype)
    half[:2 * H] = 0.5
    Wh_half = Wh.astype(dtype) * half                                    # (H, 3H)
    bias_rz = ((bx + bh) * half)[:2 * H].astype(dtype)                   # r|z take both biases
    bx_n, bh_n = np.asarray(bx[2 * H:], dtype=dtype), np.asarray(bh[2 * H:], dtype=dtype)
    proj = (x.reshape(N * T, D) @ (Wx.astype(dtype) * half)).reshape(N, T, 3 * H)  # the one input GEMM
    states = np.empty((T + 1, N, H), dtype=dtype)                        # h_0 ... h_T, time-major
    states[0] = h0
    gates = np.empty((T, N, 2 * H), dtype=dtype)                         # r | z of every step
    # What the backward pass multiplies the incoming gradient by, computed here while each
    # step's values are still in the cache (names as in fast_gru_backward):
    to_cand = np.empty((T, N, H), dtype=dtype)                           # (1 - z)(1 - n^2)
    to_update = np.empty((T, N, H), dtype=dtype)                         # (h - n) z (1 - z)
    to_reset = np.empty((T, N, H), dtype=dtype)                          # (h Wh_n + bh_n) r (1 - r)
    rec = np.empty((N, 3 * H), dtype=dtype)                              # this step's h_{t-1} Wh
    c = np.empty((N, H), dtype=dtype)                                    # this step's n
    one_minus = np.empty((N, H), dtype=dtype)
    for t in range(T):
        np.matmul(states[t], Wh_half, out=rec)                           # the one recurrent GEMM
        g = gates[t]                                                     # (N, 2H)
        np.add(proj[:, t, :2 * H], rec[:, :2 * H], out=g)                # half the r|z pre-activations
        g += bias_rz
        np.tanh(g, out=g)
        g += 1.0
        g *= 0.5                                                         # r | z
        r, z = g[:, :H], g[:, H:]
        rn = rec[:, 2 * H:]
        rn += bh_n                                                       # h Wh_n + bh_n
        np.multiply(r, rn, out=c)
        c += proj[:, t, 2 * H:]
        c += bx_n
        np.tanh(c, out=c)                                                # n
        np.subtract(1.0, r, out=one_minus)                               # the reset factor
        np.multiply(one_minus, r, out=to_reset[t])
        to_reset[t] *= rn
        s = states[t + 1]
        np.subtract(states[t], c, out=s)                                 # h - n
        np.subtract(1.0, z, out=one_minus)                               # 1 - z from here on
        np.multiply(s, z, out=s)                                         # z (h - n)
        np.multiply(s, one_minus, out=to_update[t])
        s += c                                                           # h' = n + z (h - n)
        np.multiply(c, c, out=to_cand[t])
        np.subtract(1.0, to_cand[t], out=to_cand[t])
        to_cand[t] *= one_minus
    h = states[1:].transpose(1, 0, 2)                                    # (N, T, H), a view
    return h, (x, states, gates, to_cand, to_update, to_reset, Wx, Wh)


def fast_gru_backward(dh, cache):
    """Backpropagation through time for fast_gru_forward.

    Inputs:
    - dh: upstream gradient of every hidden state, of shape (N, T, H)
    - cache: from fast_gru_forward

    Returns (dx, dh0, dWx, dWh, dbx, dbh) of shapes (N, T, D), (N, H), (D, 3H), (H, 3H),
    (3H,), (3H,).
    """
    x, states, gates, to_cand, to_update, to_reset, Wx, Wh = cache
    N, T, D = x.shape
    H = states.shape[2]
    dtype = states.dtype
    r, z = gates[..., :H], gates[..., H:]                                # each (T, N, H)
    d_proj = np.empty((N, T, 3 * H), dtype=dtype)   # gradient of x_t Wx + bx, batch-major like x
    d_rec = np.empty((T, N, 3 * H), dtype=dtype)    # gradient of h_{t-1} Wh + bh, time-major like states
    carry = np.zeros((N, H), dtype=dtype)           # gradient reaching h_t from step t+1
    g_h = np.empty((N, H), dtype=dtype)             # total gradient reaching h_t
    direct = np.empty((N, H), dtype=dtype)
    Wh_T = np.ascontiguousarray(Wh.T, dtype=dtype)  # (3H, H)
    dh = np.asarray(dh, dtype=dtype)
    for t in range(T - 1, -1, -1):
        np.add(dh[:, t], carry, out=g_h)                                 # (N, H) total dL/dh_t
        dr = d_rec[t]
        d_cand = d_proj[:, t, 2 * H:]                                    # dL/d(pre-activation of n)
        np.multiply(g_h, to_cand[t], out=d_cand)
        np.multiply(g_h, to_update[t], out=dr[:, H:2 * H])               # ... of z
        np.multiply(d_cand, to_reset[t], out=dr[:, :H])                  # ... of r
        np.multiply(d_cand, r[t], out=dr[:, 2 * H:])                     # ... of h Wh_n + bh_n
        d_proj[:, t, :2 * H] = dr[:, :2 * H]                             # r|z: the same for x and h
        np.matmul(dr, Wh_T, out=carry)                                   # (N, H): the one GEMM per step
        np.multiply(g_h, z[t], out=direct)                               # the direct path through z * h
        carry += direct
    flat_proj = d_proj.reshape(N * T, 3 * H)
    flat_rec = d_rec.reshape(T * N, 3 * H)
    dWx = x.reshape(N * T, D).T.astype(dtype, copy=False) @ flat_proj    # (D, 3H), one GEMM over N*T
    dWh = states[:-1].reshape(T * N, H).T @ flat_rec                     # (H, 3H), one GEMM over T*N
    dx = (flat_proj @ np.ascontiguousarray(Wx.T, dtype=dtype)).reshape(N, T, D)  # (N, T, D), one GEMM
    dbh = flat_rec.sum(axis=0)                                           # (3H,)
    dbx = np.concatenate([dbh[:2 * H], flat_proj[:, 2 * H:].sum(axis=0)])  # r|z: the same as dbh
    return dx, carry, dWx, dWh, dbx, dbh
