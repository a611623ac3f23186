"""torch.nn.GRU as the reference for the course's GRU, and a reset-before reference.

The course's GRU is torch.nn.GRU's variant (reset after the recurrent product, two biases,
h' = (1 - z) n + z h, blocks r | z | n), so porting is a transpose of each matrix and a
copy of each bias: weight_ih_l0 = Wx.T, weight_hh_l0 = Wh.T, bias_ih_l0 = bx, bias_hh_l0 = bh.

torch.nn has no reset-before GRU. gru_reset_before_reference computes one with torch
operations from the equations of the ONNX GRU operator (linear_before_reset=0, its
default), in ONNX's own layout: blocks z | r | h, weights multiplied on the left, two
biases. Checking a course-layout implementation against it needs the weights converted
(gatedrnn.gru_variants.course_to_onnx), which is what makes it a test of the layout too.
"""

import numpy as np
import torch

from ..shapes import check_shapes
from ._convert import leaf_tensor, run_sequence, to_numpy

# The dimensions of each argument, in the notation page's letters (see gatedrnn.shapes).
GRU_LAYOUT = {"x": "N T D", "h0": "N H", "Wx": "D 3H", "Wh": "H 3H", "bx": "3H", "bh": "3H"}
GRU_STEP_LAYOUT = {"x": "N D", "h_prev": "N H", "Wx": "D 3H", "Wh": "H 3H", "bx": "3H", "bh": "3H"}
ONNX_GRU_LAYOUT = {"x": "N T D", "h0": "N H", "W": "3H D", "R": "3H H", "Wb": "3H", "Rb": "3H"}


def torch_gru(Wx, Wh, bx, bh):
    """A float64 torch.nn.GRU (one layer, batch_first) holding the course's weights.

    Inputs:
    - Wx: input weights, of shape (D, 3H), blocks r | z | n
    - Wh: recurrent weights, of shape (H, 3H), blocks r | z | n
    - bx: input bias, of shape (3H,)
    - bh: recurrent bias, of shape (3H,)

    Returns a torch.nn.GRU with weight_ih_l0 = Wx.T, weight_hh_l0 = Wh.T,
    bias_ih_l0 = bx and bias_hh_l0 = bh.
    """
    D, H = check_shapes("torch_gru", {"Wx": Wx, "Wh": Wh, "bx": bx, "bh": bh},
                        {"Wx": "D 3H", "Wh": "H 3H", "bx": "3H", "bh": "3H"}).values()
    gru = torch.nn.GRU(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for parameter, value in [(gru.weight_ih_l0, np.asarray(Wx).T), (gru.weight_hh_l0, np.asarray(Wh).T),
                                 (gru.bias_ih_l0, bx), (gru.bias_hh_l0, bh)]:
            parameter.copy_(torch.from_numpy(np.asarray(value, dtype=np.float64)))
    return gru


def gru_reference(x, h0, Wx, Wh, bx, bh, dh=None):
    """torch.nn.GRU's hidden states for the course's inputs, and optionally the gradients.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial hidden state, of shape (N, H)
    - Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,): the course's parameters
    - dh: upstream gradient of every hidden state, of shape (N, T, H), or None

    Returns (h, grads):
    - h: hidden states, of shape (N, T, H)
    - grads: None if dh is None, else a dict with dx (N, T, D), dh0 (N, H), dWx (D, 3H),
      dWh (H, 3H), dbx (3H,), dbh (3H,), obtained by torch autograd.
    """
    arrays = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "bx": bx, "bh": bh, "dh": dh}
    gradient = {} if dh is None else {"dh": "N T H"}
    check_shapes("gru_reference", arrays, dict(GRU_LAYOUT, **gradient))
    gru = torch_gru(Wx, Wh, bx, bh)
    return run_sequence(gru, x, h0, dh, {"dbx": "bias_ih_l0", "dbh": "bias_hh_l0"})


def gru_step_reference(x, h_prev, Wx, Wh, bx, bh, dh_next=None):
    """One GRU step by torch.nn.GRU (a sequence of length 1), and optionally the gradients.

    Inputs:
    - x: input, of shape (N, D)
    - h_prev: previous hidden state, of shape (N, H)
    - Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,): the course's parameters
    - dh_next: upstream gradient of the new hidden state, of shape (N, H), or None

    Returns (h_next, grads): h_next (N, H); grads None or a dict with dx (N, D),
    dh_prev (N, H), dWx (D, 3H), dWh (H, 3H), dbx (3H,), dbh (3H,).
    """
    arrays = {"x": x, "h_prev": h_prev, "Wx": Wx, "Wh": Wh, "bx": bx, "bh": bh, "dh_next": dh_next}
    gradient = {} if dh_next is None else {"dh_next": "N H"}
    check_shapes("gru_step_reference", arrays, dict(GRU_STEP_LAYOUT, **gradient))
    x = np.asarray(x)[:, None, :]  # a sequence of length T = 1
    dh = None if dh_next is None else np.asarray(dh_next)[:, None, :]
    h, grads = gru_reference(x, h_prev, Wx, Wh, bx, bh, dh)
    if grads is not None:
        grads["dx"] = grads["dx"][:, 0, :]
        grads["dh_prev"] = grads.pop("dh0")
    return h[:, 0, :], grads


def gru_reset_before_reference(x, h0, W, R, Wb, Rb):
    """A reset-before GRU in the layout and equations of the ONNX GRU operator (float64 torch).

    For each step, with blocks z | r | h of W, R, Wb, Rb:
        z = sigmoid(x W_z^T + Wb_z + h R_z^T + Rb_z)
        r = sigmoid(x W_r^T + Wb_r + h R_r^T + Rb_r)
        h~ = tanh(x W_h^T + Wb_h + (r * h) R_h^T + Rb_h)      (linear_before_reset = 0)
        h' = (1 - z) * h~ + z * h

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial hidden state, of shape (N, H)
    - W: input weights, of shape (3H, D); R: recurrent weights, of shape (3H, H)
    - Wb, Rb: input and recurrent biases, of shape (3H,)

    Returns h, the hidden states of every step, of shape (N, T, H).
    """
    check_shapes("gru_reset_before_reference", {"x": x, "h0": h0, "W": W, "R": R, "Wb": Wb, "Rb": Rb},
                 ONNX_GRU_LAYOUT)
    x, state, W, R, Wb, Rb = (leaf_tensor(a, requires_grad=False) for a in (x, h0, W, R, Wb, Rb))
    (W_z, W_r, W_h), (R_z, R_r, R_h) = W.chunk(3), R.chunk(3)
    (Wb_z, Wb_r, Wb_h), (Rb_z, Rb_r, Rb_h) = Wb.chunk(3), Rb.chunk(3)
    states = []
    for t in range(x.shape[1]):
        x_t = x[:, t]
        z = torch.sigmoid(x_t @ W_z.T + Wb_z + state @ R_z.T + Rb_z)
        r = torch.sigmoid(x_t @ W_r.T + Wb_r + state @ R_r.T + Rb_r)
        candidate = torch.tanh(x_t @ W_h.T + Wb_h + (r * state) @ R_h.T + Rb_h)
        state = (1 - z) * candidate + z * state
        states.append(state)
    return to_numpy(torch.stack(states, dim=1))
