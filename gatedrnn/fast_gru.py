"""A fast NumPy GRU (the course's variant), forward and backward, for the performance chapter.

The exercise's GRU calls a step function T times, and each step multiplies x_t by Wx,
h_{t-1} by Wh, and accumulates weight gradients with small products. Here the work that
does not depend on the previous step is taken out of the time loop and done as a few
large matrix products (GEMMs), which BLAS runs far more efficiently than many small ones:

- forward: ONE input-projection GEMM over all T*N rows, (T*N, D) @ (D, 3H), before the
  loop; inside the loop only ONE recurrent GEMM per step, (N, H) @ (H, 3H);
- backward: inside the loop one GEMM per step, for the gradient flowing into h_{t-1};
  after the loop dWx, dWh and dx are each ONE GEMM over all T*N rows, and dbx, dbh
  one sum each.

Arrays are kept time-major (T, N, ...) inside, so that each step's rows are contiguous.
The elementwise work writes into preallocated buffers (ufuncs with out=) to avoid
allocating new arrays at every step. Works in the inputs' dtype; float32 is the fast one.
The chapter chapters/03_gru/07_performance shows this code and measures it
(bench/gru_numpy_vs_torch.py).
"""

import numpy as np


def _sigmoid_inplace(a):
    """a <- sigmoid(a), as (1 + tanh(a / 2)) / 2, which never overflows. Returns a."""
    a *= 0.5
    np.tanh(a, out=a)
    a += 1.0
    a *= 0.5
    return a


def fast_gru_forward(x, h0, Wx, Wh, bx, bh):
    """The course's GRU over a sequence, with batched GEMMs.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial hidden state, of shape (N, H)
    - Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,): blocks r | z | n

    Returns (h, cache): h the hidden states, of shape (N, T, H); cache for fast_gru_backward.
    """
    N, T, D = x.shape
    H = h0.shape[1]
    dtype = np.result_type(x, h0, Wx, Wh, bx, bh)
    x_tm = np.ascontiguousarray(x.transpose(1, 0, 2), dtype=dtype)     # (T, N, D)
    proj = x_tm.reshape(T * N, D) @ Wx                                   # (T*N, 3H): the one input GEMM
    proj += bx
    proj = proj.reshape(T, N, 3 * H)                                     # (T, N, 3H)
    states = np.empty((T + 1, N, H), dtype=dtype)                        # h_0 ... h_T
    states[0] = h0
    gates = np.empty((T, N, 2 * H), dtype=dtype)                         # r | z of every step
    cand = np.empty((T, N, H), dtype=dtype)                              # n of every step
    recs = np.empty((T, N, 3 * H), dtype=dtype)                          # h_{t-1} Wh + bh of every step
    for t in range(T):
        rec = recs[t]                                                    # (N, 3H)
        np.matmul(states[t], Wh, out=rec)                                # the one recurrent GEMM
        rec += bh
        g = gates[t]                                                     # (N, 2H)
        np.add(proj[t, :, :2 * H], rec[:, :2 * H], out=g)
        _sigmoid_inplace(g)
        c = cand[t]                                                      # (N, H)
        np.multiply(g[:, :H], rec[:, 2 * H:], out=c)                     # r * (h Wh_n + bh_n)
        c += proj[t, :, 2 * H:]
        np.tanh(c, out=c)
        s = states[t + 1]                                                # (N, H)
        np.subtract(states[t], c, out=s)                                 # h' = n + z * (h - n)
        s *= g[:, H:]
        s += c
    h = states[1:].transpose(1, 0, 2).copy()                             # (N, T, H)
    return h, (x_tm, states, gates, cand, recs, Wx, Wh)


def fast_gru_backward(dh, cache):
    """Backpropagation through time for fast_gru_forward.

    Inputs:
    - dh: upstream gradient of every hidden state, of shape (N, T, H)
    - cache: from fast_gru_forward

    Returns (dx, dh0, dWx, dWh, dbx, dbh) of shapes (N, T, D), (N, H), (D, 3H), (H, 3H),
    (3H,), (3H,).
    """
    x_tm, states, gates, cand, recs, Wx, Wh = cache
    T, N, D = x_tm.shape
    H = states.shape[2]
    dtype = states.dtype
    dh_tm = np.ascontiguousarray(dh.transpose(1, 0, 2), dtype=dtype)    # (T, N, H)
    d_proj = np.empty((T, N, 3 * H), dtype=dtype)   # gradient of x_t Wx + bx, every step
    d_rec = np.empty((T, N, 3 * H), dtype=dtype)    # gradient of h_{t-1} Wh + bh, every step
    carry = np.zeros((N, H), dtype=dtype)           # gradient reaching h_t from step t+1
    g_h = np.empty((N, H), dtype=dtype)             # total gradient reaching h_t
    tmp = np.empty((N, H), dtype=dtype)
    Wh_T = np.ascontiguousarray(Wh.T)               # (3H, H)
    for t in range(T - 1, -1, -1):
        np.add(dh_tm[t], carry, out=g_h)                                 # (N, H) total dL/dh_t
        r, z = gates[t, :, :H], gates[t, :, H:]
        c, prev = cand[t], states[t]
        dp = d_proj[t]
        d_cand = dp[:, 2 * H:]                                           # dL/d(pre-activation of n)
        np.multiply(c, c, out=tmp)                                       # 1 - n^2, times (1 - z) g_h
        np.subtract(1.0, tmp, out=tmp)
        np.multiply(g_h, tmp, out=d_cand)
        np.subtract(1.0, z, out=tmp)
        d_cand *= tmp
        d_upd = dp[:, H:2 * H]                                           # dL/d(pre-activation of z)
        np.subtract(prev, c, out=d_upd)
        d_upd *= g_h
        d_upd *= z
        d_upd *= tmp                                                     # tmp is 1 - z
        d_rst = dp[:, :H]                                                # dL/d(pre-activation of r)
        np.multiply(d_cand, recs[t, :, 2 * H:], out=d_rst)
        d_rst *= r
        np.subtract(1.0, r, out=tmp)
        d_rst *= tmp
        dr = d_rec[t]
        dr[:, :2 * H] = dp[:, :2 * H]
        np.multiply(d_cand, r, out=dr[:, 2 * H:])
        np.matmul(dr, Wh_T, out=carry)                                   # (N, H): the one GEMM per step
        np.multiply(g_h, z, out=tmp)                                     # the direct path through z * h
        carry += tmp
    flat_proj = d_proj.reshape(T * N, 3 * H)
    flat_rec = d_rec.reshape(T * N, 3 * H)
    dWx = x_tm.reshape(T * N, D).T @ flat_proj                           # (D, 3H), one GEMM over T*N
    dWh = states[:-1].reshape(T * N, H).T @ flat_rec                     # (H, 3H), one GEMM over T*N
    dx = (flat_proj @ Wx.T).reshape(T, N, D).transpose(1, 0, 2).copy()  # (N, T, D), one GEMM
    return dx, carry, dWx, dWh, flat_proj.sum(axis=0), flat_rec.sum(axis=0)
