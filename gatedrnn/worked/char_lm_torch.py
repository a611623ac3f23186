"""The torch twin of gatedrnn.worked.char_lm.train: the same model trained with torch.optim.Adam and clipping.

The chapter "Training a character model in NumPy" and tests/test_char_lm.py compare the NumPy
training with it step by step. It is here, not in gatedrnn.reference, because the learner's kit
holds gatedrnn.reference and no training loop.
"""

import numpy as np
import torch
import torch.nn.functional as F

from ..reference.char_lm import TorchCharLM


def train_reference(params, batches, steps, lr=3e-3, max_norm=1.0):
    """The torch twin of gatedrnn.worked.char_lm.train: same model, same batches, torch.optim.Adam, clip_grad_norm_.

    Inputs as gatedrnn.worked.char_lm.train (params is not modified). Returns (losses, trained params):
    the loss of every step's batch before its update (a list of floats) and the final weights.
    """
    model = TorchCharLM(params)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        x, y = (torch.as_tensor(np.asarray(a), dtype=torch.int64) for a in batches())
        scores = model(x)
        loss = F.cross_entropy(scores.reshape(-1, scores.shape[-1]), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        losses.append(loss.item())
    return losses, model.params()
