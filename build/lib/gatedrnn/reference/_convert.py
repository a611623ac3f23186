"""NumPy <-> torch conversions shared by the reference modules (float64 throughout)."""

import numpy as np
import torch


def leaf_tensor(array, requires_grad=True):
    """A float64 leaf tensor holding a copy of the array."""
    return torch.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def to_numpy(tensor):
    """A NumPy copy of a tensor, detached from autograd."""
    return tensor.detach().numpy().copy()
