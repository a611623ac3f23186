"""torch.nn.GRU with several layers and both directions, as the reference for gatedrnn.deep_gru.

Parameters are a list in the order of torch.nn.GRU's h0 rows: params[k] = (Wx, Wh, bx, bh)
for layer k // num_directions, direction k % num_directions; torch stores weight_ih_l{l} =
Wx.T (weight_ih_l{l}_reverse for direction 1), weight_hh = Wh.T, bias_ih = bx, bias_hh = bh.
"""

import numpy as np
import torch

from ._convert import leaf_tensor, to_numpy


def torch_deep_gru(params, bidirectional=False):
    """A float64, batch_first torch.nn.GRU holding the given weights (evaluation mode).

    Inputs:
    - params: list of num_layers * num_directions tuples (Wx, Wh, bx, bh), Wx of shape
      (D or num_directions * H, 3H), Wh (H, 3H), bx and bh (3H,)
    - bidirectional: whether params hold two directions per layer

    Returns the torch.nn.GRU.
    """
    directions = 2 if bidirectional else 1
    D, H = params[0][0].shape[0], params[0][1].shape[0]
    gru = torch.nn.GRU(D, H, num_layers=len(params) // directions, bidirectional=bidirectional,
                       batch_first=True, dtype=torch.float64).eval()
    with torch.no_grad():
        for k, (Wx, Wh, bx, bh) in enumerate(params):
            suffix = f"_l{k // directions}" + ("_reverse" if k % directions else "")
            for name, value in [("weight_ih", Wx.T), ("weight_hh", Wh.T), ("bias_ih", bx), ("bias_hh", bh)]:
                getattr(gru, name + suffix).copy_(torch.from_numpy(np.asarray(value, dtype=np.float64)))
    return gru


def deep_gru_reference(x, h0, params, bidirectional=False, doutput=None, dh_n=None):
    """torch.nn.GRU's output and h_n for the course's inputs, and optionally the gradients.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial states, of shape (num_layers * num_directions, N, H)
    - params, bidirectional: as for torch_deep_gru
    - doutput (N, T, num_directions * H), dh_n (like h0): upstream gradients, or None

    Returns (output, h_n, grads); grads is None without upstream gradients, else a dict with
    dx (N, T, D), dh0 (like h0) and dparams, a list of (dWx, dWh, dbx, dbh) in params' order.
    """
    gru = torch_deep_gru(params, bidirectional)
    x_t, h0_t = leaf_tensor(x), leaf_tensor(h0)
    output, h_n = gru(x_t, h0_t)
    if doutput is None:
        return to_numpy(output), to_numpy(h_n), None
    loss = (output * torch.from_numpy(doutput)).sum() + (h_n * torch.from_numpy(dh_n)).sum()
    loss.backward()
    directions = 2 if bidirectional else 1
    dparams = []
    for k in range(len(params)):
        suffix = f"_l{k // directions}" + ("_reverse" if k % directions else "")
        grads = [getattr(gru, name + suffix).grad for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        dparams.append((to_numpy(grads[0]).T, to_numpy(grads[1]).T, to_numpy(grads[2]), to_numpy(grads[3])))
    return to_numpy(output), to_numpy(h_n), {"dx": to_numpy(x_t.grad), "dh0": to_numpy(h0_t.grad),
                                              "dparams": dparams}
