"""NumPy <-> torch conversions shared by the reference modules (float64 throughout)."""

import numpy as np
import torch


def leaf_tensor(array, requires_grad=True):
    """A float64 leaf tensor holding a copy of the array."""
    return torch.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def to_numpy(tensor):
    """A NumPy copy of a tensor, detached from autograd."""
    return tensor.detach().numpy().copy()


def run_sequence(module, x, h0, dh, bias_gradients):
    """Run a one-layer batch-first torch RNN/GRU module on (x, h0) and, if dh is given, backpropagate.

    Inputs: module (batch_first, float64), x (N, T, D), h0 (N, H), dh (N, T, H) or None;
    bias_gradients: the course's bias gradient name -> the module's bias parameter name.
    Returns (h (N, T, H), grads): grads is None if dh is None, else dx (N, T, D), dh0 (N, H),
    dWx (D, G*H) and dWh (H, G*H) in the course's right-multiplied layout, and the biases' gradients.
    """
    x_t, h0_t = leaf_tensor(x), leaf_tensor(h0)
    h, _ = module(x_t, h0_t.unsqueeze(0))  # torch wants h0 as (num_layers, N, H)
    if dh is None:
        return to_numpy(h), None
    h.backward(torch.from_numpy(np.asarray(dh, dtype=np.float64)))
    grads = {"dx": to_numpy(x_t.grad), "dh0": to_numpy(h0_t.grad),
             "dWx": to_numpy(module.weight_ih_l0.grad).T, "dWh": to_numpy(module.weight_hh_l0.grad).T}
    grads.update({name: to_numpy(getattr(module, parameter).grad) for name, parameter in bias_gradients.items()})
    return to_numpy(h), grads
