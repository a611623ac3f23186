"""The ban on built-in GRUs: while a block runs, every built-in GRU entry point raises and records.

    with builtin_gru_forbidden(calls := []):
        learner_model(x)          # torch.nn.GRU, torch._VF.gru_cell, ... raise BuiltinGRUCalled
    assert not calls              # the labels of the entry points that were reached

`BuiltinGRUWatch` catches the kernels below those entry points however they are reached
(torch._C._VariableFunctions, torch.ops.aten, which cannot be patched), through PyTorch's
torch-function modes; the check outside the notebook uses it for good, as a second net.

This module needs only torch (no other part of the course): the autograder runs its source in
the sandbox of the gru_torch exercise's check outside the notebook (autograder/verify.py), before
the learner's code, as well as in the kernel through gatedrnn.torch_testing.
"""

from contextlib import contextmanager

import torch
from torch.overrides import TorchFunctionMode

KERNELS = ("gru", "gru_cell", "_thnn_fused_gru_cell")  # the built-in GRU kernels, as torch names them


class BuiltinGRUCalled(Exception):
    """Raised by a built-in GRU entry point while the learner's code runs."""


def _entry_points():
    """(owner, attribute, label) of every built-in GRU entry point that is patched during a call."""
    points = [(torch.nn.GRU, "forward", "torch.nn.GRU"), (torch.nn.GRUCell, "forward", "torch.nn.GRUCell"),
              (torch.nn.RNNBase, "forward", "torch.nn.RNNBase")]
    for owner, prefix in [(torch, "torch"), (torch._VF, "torch._VF"),
                          (torch._C._VariableFunctions, "torch._C._VariableFunctions")]:
        for name in KERNELS:
            if hasattr(owner, name):
                points.append((owner, name, f"{prefix}.{name}"))
    return points


@contextmanager
def builtin_gru_forbidden(calls):
    """Within the block, every built-in GRU entry point appends its label to `calls` and raises."""
    saved = []
    for owner, attribute, label in _entry_points():
        def refuse(*args, _label=label, **kwargs):
            calls.append(_label)
            raise BuiltinGRUCalled(f"{_label} was called")
        # None: inherited, or served by a module's __getattr__ (torch._VF): deleted afterwards.
        own = vars(owner).get(attribute) if hasattr(owner, "__dict__") else getattr(owner, attribute)
        try:
            setattr(owner, attribute, refuse)
        except (AttributeError, TypeError):  # a C type that cannot be patched: the source scan remains
            continue
        saved.append((owner, attribute, own))
    try:
        yield
    finally:
        for owner, attribute, own in reversed(saved):
            if own is None:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, own)


class BuiltinGRUWatch(TorchFunctionMode):
    """While entered, a call of a built-in GRU kernel, however reached, appends its name to `calls` and raises."""

    def __init__(self, calls):
        super().__init__()
        self.calls = calls

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "").split(".")[0]  # torch.ops.aten.gru_cell.default -> gru_cell
        if name in KERNELS:
            self.calls.append(f"the torch kernel {name}")
            raise BuiltinGRUCalled(f"the torch kernel {name} was called")
        return func(*args, **(kwargs or {}))
