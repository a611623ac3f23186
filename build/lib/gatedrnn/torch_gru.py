"""Three from-scratch PyTorch GRUs, from slow to fast, for the chapter "The GRU in PyTorch".

All three compute torch.nn.GRU's single layer (the course's GRU, blocks r | z | n) on
time-major tensors and leave the gradients to autograd. They differ in where the work goes:

- `gru_steps`: both products inside the time loop, as the NumPy exercise does: 2T small GEMMs;
- `gru_hoisted`: the input projection of every step as ONE GEMM over T*N rows before the loop,
  then one recurrent GEMM per step (what cuDNN does first);
- `gru_scripted`: `gru_hoisted` with its loop compiled by TorchScript, so that the per-step
  Python overhead goes and, on a GPU, the gate arithmetic can be fused into few kernels.

Parameters use torch.nn.GRU's layout: w_ih (3H, D), w_hh (3H, H), b_ih (3H,), b_hh (3H,).
bench/gru_torch_vs_cudnn.py times them against torch.nn.GRU.
"""

import torch


def _gates(pre_x, pre_h, h):
    """One step's gate arithmetic from the two pre-activations (N, 3H) each; returns h' (N, H)."""
    H = h.shape[-1]
    rz = torch.sigmoid(pre_x[:, :2 * H] + pre_h[:, :2 * H])                       # (N, 2H): r | z
    cand = torch.tanh(pre_x[:, 2 * H:] + rz[:, :H] * pre_h[:, 2 * H:])          # (N, H)
    return cand + rz[:, H:] * (h - cand)                                         # (N, H): (1-z) n + z h


def gru_steps(x, h0, w_ih, w_hh, b_ih, b_hh):
    """x (T, N, D), h0 (N, H) -> hidden states (T, N, H); two GEMMs per step."""
    states, h = [], h0
    for x_t in x.unbind(0):
        h = _gates(torch.addmm(b_ih, x_t, w_ih.t()), torch.addmm(b_hh, h, w_hh.t()), h)
        states.append(h)
    return torch.stack(states)


def gru_hoisted(x, h0, w_ih, w_hh, b_ih, b_hh):
    """x (T, N, D), h0 (N, H) -> hidden states (T, N, H); one input GEMM over all T*N rows."""
    T, N, D = x.shape
    pre_x = torch.addmm(b_ih, x.reshape(T * N, D), w_ih.t()).view(T, N, -1)      # (T, N, 3H)
    states, h = [], h0
    for pre_x_t in pre_x.unbind(0):  # unbind: its backward stacks the T gradients once (indexing
        h = _gates(pre_x_t, torch.addmm(b_hh, h, w_hh.t()), h)  # pre_x[t] would add a full (T, N, 3H) per step)
        states.append(h)
    return torch.stack(states)


@torch.jit.script
def _recurrence(pre_x: torch.Tensor, h: torch.Tensor, w_hh: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """The time loop of gru_hoisted, in TorchScript: pre_x (T, N, 3H), h (N, H) -> (T, N, H)."""
    H = h.shape[1]
    w_t = w_hh.t()
    states = []
    for pre_x_t in pre_x.unbind(0):
        pre_h = torch.addmm(b_hh, h, w_t)
        rz = torch.sigmoid(pre_x_t[:, :2 * H] + pre_h[:, :2 * H])
        cand = torch.tanh(pre_x_t[:, 2 * H:] + rz[:, :H] * pre_h[:, 2 * H:])
        h = cand + rz[:, H:] * (h - cand)
        states.append(h)
    return torch.stack(states)


def gru_scripted(x, h0, w_ih, w_hh, b_ih, b_hh):
    """gru_hoisted with a TorchScript time loop: x (T, N, D), h0 (N, H) -> (T, N, H)."""
    T, N, D = x.shape
    pre_x = torch.addmm(b_ih, x.reshape(T * N, D), w_ih.t()).view(T, N, -1)      # (T, N, 3H)
    return _recurrence(pre_x, h0, w_hh, b_hh)


VERSIONS = {"steps": gru_steps, "hoisted": gru_hoisted, "scripted": gru_scripted}
