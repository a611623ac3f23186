"""torch.nn.LSTM as the reference for the course's LSTM.

The course packs the gates of Wx (D, 4H), Wh (H, 4H) and b (4H,) in PyTorch's order
i | f | g | o, so porting is a transpose: weight_ih_l0 = Wx.T, weight_hh_l0 = Wh.T.
torch.nn.LSTM has two biases that are simply added, so b goes into bias_ih and bias_hh is
zero. One step is a sequence of length T = 1.

Every function also takes gate_order: the order in which the given weights are packed
(see gatedrnn.gates). The weights are reordered to PyTorch's before the run and the weight
gradients back to gate_order after it, so gate_order="ifog" gives exactly what an LSTM that
reads the blocks in cs231n's order computes. The autograder uses that to recognise a
learner who packed the gates in another common order.
"""

import numpy as np
import torch

from ..gates import LSTM_ORDER, reorder_gates
from ..shapes import check_shapes
from ._convert import leaf_tensor, to_numpy

# The dimensions of each argument, in the notation page's letters (see gatedrnn.shapes).
LSTM_LAYOUT = {"x": "N T D", "h0": "N H", "c0": "N H", "Wx": "D 4H", "Wh": "H 4H", "b": "4H"}
LSTM_STEP_LAYOUT = {"x": "N D", "h_prev": "N H", "c_prev": "N H", "Wx": "D 4H", "Wh": "H 4H", "b": "4H"}


def torch_lstm(Wx, Wh, b, gate_order=LSTM_ORDER):
    """A float64 torch.nn.LSTM (one layer, batch_first) holding the course's weights.

    Inputs:
    - Wx: input-to-hidden weights, of shape (D, 4H)
    - Wh: hidden-to-hidden weights, of shape (H, 4H)
    - b: bias, of shape (4H,)
    - gate_order: the order the gate blocks of Wx, Wh and b are packed in

    Returns a torch.nn.LSTM with weight_ih_l0 = Wx.T, weight_hh_l0 = Wh.T, bias_ih_l0 = b
    and bias_hh_l0 = 0, each reordered from gate_order to PyTorch's i | f | g | o.
    """
    sizes = check_shapes("torch_lstm", {"Wx": Wx, "Wh": Wh, "b": b}, {"Wx": "D 4H", "Wh": "H 4H", "b": "4H"})
    lstm = torch.nn.LSTM(sizes["D"], sizes["H"], batch_first=True, dtype=torch.float64)
    ported = [reorder_gates(np.asarray(W, dtype=np.float64), gate_order, LSTM_ORDER) for W in (Wx, Wh, b)]
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(ported[0].T))
        lstm.weight_hh_l0.copy_(torch.from_numpy(ported[1].T))
        lstm.bias_ih_l0.copy_(torch.from_numpy(ported[2]))
        lstm.bias_hh_l0.zero_()
    return lstm


def _run(x, h0, c0, Wx, Wh, b, dh, dc_last, gate_order):
    """The LSTM over x (N, T, D) from (h0, c0); gradients of sum(dh * h) + sum(dc_last * c_T)."""
    lstm = torch_lstm(Wx, Wh, b, gate_order)
    x_t, h0_t, c0_t = leaf_tensor(x), leaf_tensor(h0), leaf_tensor(c0)
    h, (_, c_last) = lstm(x_t, (h0_t.unsqueeze(0), c0_t.unsqueeze(0)))  # states as (num_layers, N, H)
    if dh is None:
        return to_numpy(h), to_numpy(c_last[0]), None
    loss = (h * torch.from_numpy(np.asarray(dh, dtype=np.float64))).sum()
    if dc_last is not None:
        loss = loss + (c_last[0] * torch.from_numpy(np.asarray(dc_last, dtype=np.float64))).sum()
    loss.backward()
    grads = {
        "dx": to_numpy(x_t.grad),
        "dh0": to_numpy(h0_t.grad),
        "dc0": to_numpy(c0_t.grad),
        # the parameters' gradients, packed back in the caller's order
        "dWx": reorder_gates(to_numpy(lstm.weight_ih_l0.grad).T, LSTM_ORDER, gate_order),
        "dWh": reorder_gates(to_numpy(lstm.weight_hh_l0.grad).T, LSTM_ORDER, gate_order),
        "db": reorder_gates(to_numpy(lstm.bias_ih_l0.grad), LSTM_ORDER, gate_order),
    }
    return to_numpy(h), to_numpy(c_last[0]), grads


def lstm_reference(x, h0, c0, Wx, Wh, b, dh=None, gate_order=LSTM_ORDER):
    """torch.nn.LSTM's hidden states for the course's inputs, and optionally the gradients.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial hidden state, of shape (N, H)
    - c0: initial cell state, of shape (N, H)
    - Wx (D, 4H), Wh (H, 4H), b (4H,): the course's parameters, packed in gate_order
    - dh: upstream gradient of every hidden state, of shape (N, T, H), or None
    - gate_order: the order of the gate blocks, PyTorch's "ifgo" unless said otherwise

    Returns (h, grads):
    - h: hidden states, of shape (N, T, H)
    - grads: None if dh is None, else a dict with dx (N, T, D), dh0 (N, H), dc0 (N, H),
      dWx (D, 4H), dWh (H, 4H), db (4H,), obtained by torch autograd.
    """
    arrays = {"x": x, "h0": h0, "c0": c0, "Wx": Wx, "Wh": Wh, "b": b, "dh": dh}
    gradient = {} if dh is None else {"dh": "N T H"}
    check_shapes("lstm_reference", arrays, dict(LSTM_LAYOUT, **gradient))
    h, _, grads = _run(x, h0, c0, Wx, Wh, b, dh, None, gate_order)
    return h, grads


def lstm_step_reference(x, h_prev, c_prev, Wx, Wh, b, dh_next=None, dc_next=None, gate_order=LSTM_ORDER):
    """One LSTM step by torch.nn.LSTM, and optionally the gradients.

    Inputs:
    - x: input, of shape (N, D)
    - h_prev: previous hidden state, of shape (N, H)
    - c_prev: previous cell state, of shape (N, H)
    - Wx (D, 4H), Wh (H, 4H), b (4H,): the course's parameters, packed in gate_order
    - dh_next: upstream gradient of the new hidden state, of shape (N, H), or None
    - dc_next: upstream gradient of the new cell state, of shape (N, H), or None (zero)
    - gate_order: the order of the gate blocks, PyTorch's "ifgo" unless said otherwise

    Returns (h_next, c_next, grads): h_next (N, H), c_next (N, H); grads None if dh_next is
    None, else a dict with dx (N, D), dh_prev (N, H), dc_prev (N, H), dWx (D, 4H),
    dWh (H, 4H), db (4H,).
    """
    arrays = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "Wx": Wx, "Wh": Wh, "b": b,
              "dh_next": dh_next, "dc_next": dc_next}
    layout = dict(LSTM_STEP_LAYOUT)
    if dh_next is not None:
        layout["dh_next"] = "N H"
        if dc_next is not None:
            layout["dc_next"] = "N H"
    elif dc_next is not None:
        raise ValueError("lstm_step_reference: dc_next was given without dh_next (pass zeros for dh_next)")
    check_shapes("lstm_step_reference", arrays, layout)
    dh = None if dh_next is None else np.asarray(dh_next)[:, None, :]  # a sequence of length T = 1
    h, c_next, grads = _run(np.asarray(x)[:, None, :], h_prev, c_prev, Wx, Wh, b,
                            dh, dc_next, gate_order)
    if grads is not None:
        grads["dx"] = grads["dx"][:, 0, :]
        grads["dh_prev"] = grads.pop("dh0")
        grads["dc_prev"] = grads.pop("dc0")
    return h[:, 0, :], c_next, grads
