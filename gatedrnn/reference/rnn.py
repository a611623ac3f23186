"""torch.nn.RNN (tanh) as the reference for the course's vanilla RNN.

A course RNN has one bias b (H,); torch.nn.RNN has two (bias_ih, bias_hh) that
are simply added, so b goes into bias_ih and bias_hh is zero. The gradient of
the loss with respect to b equals the gradient with respect to either torch bias.
"""

import numpy as np
import torch

from ..shapes import check_shapes
from ._convert import run_sequence

# The dimensions of each argument, in the notation page's letters (see gatedrnn.shapes).
RNN_LAYOUT = {"x": "N T D", "h0": "N H", "Wx": "D H", "Wh": "H H", "b": "H"}
RNN_STEP_LAYOUT = {"x": "N D", "h_prev": "N H", "Wx": "D H", "Wh": "H H", "b": "H"}


def torch_rnn(Wx, Wh, b):
    """A float64 torch.nn.RNN (tanh, batch_first) holding the course's weights.

    Inputs:
    - Wx: input-to-hidden weights, of shape (D, H)
    - Wh: hidden-to-hidden weights, of shape (H, H)
    - b: bias, of shape (H,)

    Returns a torch.nn.RNN with weight_ih_l0 = Wx.T, weight_hh_l0 = Wh.T,
    bias_ih_l0 = b and bias_hh_l0 = 0.
    """
    D, H = check_shapes("torch_rnn", {"Wx": Wx, "Wh": Wh, "b": b}, {"Wx": "D H", "Wh": "H H", "b": "H"}).values()
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(np.asarray(Wx, dtype=np.float64).T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(np.asarray(Wh, dtype=np.float64).T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(np.asarray(b, dtype=np.float64)))
        rnn.bias_hh_l0.zero_()
    return rnn


def rnn_reference(x, h0, Wx, Wh, b, dh=None):
    """torch.nn.RNN's hidden states for the course's inputs, and optionally the gradients.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial hidden state, of shape (N, H)
    - Wx (D, H), Wh (H, H), b (H,): the course's parameters
    - dh: upstream gradient of every hidden state, of shape (N, T, H), or None

    Returns (h, grads):
    - h: hidden states, of shape (N, T, H)
    - grads: None if dh is None, else a dict with dx (N, T, D), dh0 (N, H),
      dWx (D, H), dWh (H, H), db (H,), obtained by torch autograd.
    """
    arrays = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}
    gradient = {} if dh is None else {"dh": "N T H"}
    check_shapes("rnn_reference", dict(arrays, dh=dh), dict(RNN_LAYOUT, **gradient))
    rnn = torch_rnn(Wx, Wh, b)
    return run_sequence(rnn, x, h0, dh, {"db": "bias_ih_l0"})


def rnn_step_reference(x, h_prev, Wx, Wh, b, dh_next=None):
    """One tanh RNN step by torch.nn.RNN, and optionally the gradients.

    Inputs:
    - x: input, of shape (N, D)
    - h_prev: previous hidden state, of shape (N, H)
    - Wx (D, H), Wh (H, H), b (H,): the course's parameters
    - dh_next: upstream gradient of the new hidden state, of shape (N, H), or None

    Returns (h_next, grads): h_next (N, H); grads None or a dict with
    dx (N, D), dh_prev (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    arrays = {"x": x, "h_prev": h_prev, "Wx": Wx, "Wh": Wh, "b": b, "dh_next": dh_next}
    gradient = {} if dh_next is None else {"dh_next": "N H"}
    check_shapes("rnn_step_reference", arrays, dict(RNN_STEP_LAYOUT, **gradient))
    x = np.asarray(x)[:, None, :]  # a sequence of length T = 1
    dh = None if dh_next is None else np.asarray(dh_next)[:, None, :]
    h, grads = rnn_reference(x, h_prev, Wx, Wh, b, dh)
    if grads is not None:
        grads["dx"] = grads["dx"][:, 0, :]
        grads["dh_prev"] = grads.pop("dh0")
    return h[:, 0, :], grads
