"""torch references for the character model of gatedrnn.char_lm (float64 throughout).

- the layers: embedding_reference (torch.nn.functional.embedding), temporal_affine_reference
  (h @ W + b by autograd) and temporal_softmax_loss_reference (cross_entropy over the unmasked
  positions);
- the whole model as torch.nn modules holding the same weights (TorchCharLM: torch.nn.Embedding,
  torch.nn.GRU, torch.nn.Linear; ported by transposes as the notation page says), and its training
  with torch.optim.Adam and torch.nn.utils.clip_grad_norm_ (train_reference), the twin of
  gatedrnn.char_lm.train.
"""

import numpy as np
import torch
import torch.nn.functional as F

from ._convert import leaf_tensor, to_numpy
from .gru import torch_gru


def embedding_reference(idx, W, dout=None):
    """torch's embedding lookup W[idx] (N, T, D), and dW (V, D) for an upstream dout (N, T, D) if given."""
    W_t = leaf_tensor(W)
    out = F.embedding(torch.as_tensor(np.asarray(idx), dtype=torch.int64), W_t)
    if dout is None:
        return to_numpy(out), None
    out.backward(torch.from_numpy(np.asarray(dout, dtype=np.float64)))
    return to_numpy(out), to_numpy(W_t.grad)


def temporal_affine_reference(h, W, b, dout=None):
    """h @ W + b (N, T, V) by torch, and (dh, dW, db) for an upstream dout (N, T, V) if given."""
    h_t, W_t, b_t = leaf_tensor(h), leaf_tensor(W), leaf_tensor(b)
    out = h_t @ W_t + b_t
    if dout is None:
        return to_numpy(out), None
    out.backward(torch.from_numpy(np.asarray(dout, dtype=np.float64)))
    return to_numpy(out), (to_numpy(h_t.grad), to_numpy(W_t.grad), to_numpy(b_t.grad))


def temporal_softmax_loss_reference(scores, y, mask):
    """torch's cross_entropy over the positions where mask (N, T) is True: (loss float, dscores (N, T, V))."""
    scores_t = leaf_tensor(scores)
    keep = torch.as_tensor(np.asarray(mask, dtype=bool))
    targets = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    loss = F.cross_entropy(scores_t[keep], targets[keep])           # the mean over the kept positions
    loss.backward()
    return loss.item(), to_numpy(scores_t.grad)


class TorchCharLM(torch.nn.Module):
    """embedding -> GRU -> linear, in float64 torch.nn modules, holding a gatedrnn.char_lm params dict."""

    def __init__(self, params):
        super().__init__()
        V, D = params["W_embed"].shape
        H = params["Wh"].shape[0]
        self.embedding = torch.nn.Embedding(V, D, dtype=torch.float64)
        self.gru = torch_gru(params["Wx"], params["Wh"], params["bx"], params["bh"])
        self.head = torch.nn.Linear(H, V, dtype=torch.float64)
        with torch.no_grad():
            self.embedding.weight.copy_(torch.from_numpy(np.asarray(params["W_embed"], dtype=np.float64)))
            self.head.weight.copy_(torch.from_numpy(np.asarray(params["W_out"], dtype=np.float64).T))
            self.head.bias.copy_(torch.from_numpy(np.asarray(params["b_out"], dtype=np.float64)))

    def forward(self, idx):
        """idx int64 (N, T) -> scores (N, T, V), from a zero initial state."""
        states, _ = self.gru(self.embedding(idx))                       # (N, T, H)
        return self.head(states)

    def params(self):
        """The weights as a gatedrnn.char_lm params dict of NumPy arrays (copies)."""
        return {"W_embed": to_numpy(self.embedding.weight), "Wx": to_numpy(self.gru.weight_ih_l0).T,
                "Wh": to_numpy(self.gru.weight_hh_l0).T, "bx": to_numpy(self.gru.bias_ih_l0),
                "bh": to_numpy(self.gru.bias_hh_l0), "W_out": to_numpy(self.head.weight).T,
                "b_out": to_numpy(self.head.bias)}


def train_reference(params, batches, steps, lr=3e-3, max_norm=1.0):
    """The torch twin of gatedrnn.char_lm.train: same model, same batches, torch.optim.Adam, clip_grad_norm_.

    Inputs as gatedrnn.char_lm.train (params is not modified). Returns (losses, trained params):
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
