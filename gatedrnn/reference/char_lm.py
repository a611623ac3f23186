"""torch references for the character model of gatedrnn.worked.char_lm (float64 throughout).

- the layers: embedding_reference (torch.nn.functional.embedding), temporal_affine_reference
  (h @ W + b by autograd) and temporal_softmax_loss_reference (cross_entropy over the unmasked
  positions);
- the whole model as torch.nn modules holding the same weights (TorchCharLM: torch.nn.Embedding,
  torch.nn.GRU, torch.nn.Linear; ported by transposes as the notation page says); its loss and
  gradients on a batch (char_lm_loss_reference) and on a whole text (stream_loss_reference), the
  twins of gatedrnn.worked.char_lm's model_loss and stream_loss. Its torch training is
  gatedrnn.worked.char_lm_torch: the learner's kit holds this module and no training loop.
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
        return self._as_params(lambda tensor: tensor)

    def grads(self):
        """The weights' gradients (after a backward pass), keyed and laid out like params()."""
        return self._as_params(lambda tensor: tensor.grad)

    def _as_params(self, pick):
        """A params dict of NumPy arrays from pick(each weight tensor), ported back by transposes."""
        return {"W_embed": to_numpy(pick(self.embedding.weight)), "Wx": to_numpy(pick(self.gru.weight_ih_l0)).T,
                "Wh": to_numpy(pick(self.gru.weight_hh_l0)).T, "bx": to_numpy(pick(self.gru.bias_ih_l0)),
                "bh": to_numpy(pick(self.gru.bias_hh_l0)), "W_out": to_numpy(pick(self.head.weight)).T,
                "b_out": to_numpy(pick(self.head.bias))}


def char_lm_loss_reference(params, idx, y, mask=None):
    """torch's loss of the whole model on a batch and the gradient of every parameter.

    Inputs: params (a gatedrnn.char_lm params dict), idx and y integer ids (N, T), mask booleans
    (N, T) or None for every position. Returns (loss, grads): the mean cross_entropy over the
    positions where mask is True (a float) and a dict of gradients keyed like params.
    """
    model = TorchCharLM(params)
    scores = model(torch.as_tensor(np.asarray(idx), dtype=torch.int64))          # (N, T, V)
    keep = torch.ones(np.shape(y), dtype=torch.bool) if mask is None else torch.as_tensor(np.asarray(mask, dtype=bool))
    loss = F.cross_entropy(scores[keep], torch.as_tensor(np.asarray(y), dtype=torch.int64)[keep])
    loss.backward()
    return loss.item(), model.grads()


def stream_loss_reference(params, ids, n_streams=16):
    """torch's cross-entropy in nats per character on a whole split, read as n_streams contiguous pieces.

    The twin of gatedrnn.worked.char_lm.stream_loss: ids (L,) is cut into n_streams pieces of
    L // n_streams characters, each one sequence from a zero state predicting its next characters.
    Returns a float.
    """
    L = len(ids) // n_streams
    if L < 2:
        raise ValueError(f"stream_loss_reference: ids has {len(ids)} characters, too few for {n_streams} streams")
    streams = torch.as_tensor(np.asarray(ids[:n_streams * L]), dtype=torch.int64).reshape(n_streams, L)
    with torch.no_grad():
        scores = TorchCharLM(params)(streams[:, :-1])                         # (n_streams, L - 1, V)
        return F.cross_entropy(scores.reshape(-1, scores.shape[-1]), streams[:, 1:].reshape(-1)).item()
