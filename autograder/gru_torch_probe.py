"""The trusted driver of the gru_torch check outside the notebook (see autograder/verify.py).

Its source runs in the probe sandbox (autograder/probe.py) as a last cell, after the learner's
cells, so GRUCell and GRU below are the learner's classes. It needs only torch and NumPy. Each
function builds the learner's module with the sizes it is given, loads the parameters of a
torch.nn module (arrays, in that module's named_parameters order) with load_state_dict, runs
forward and backward in float64 and returns the outputs, then the gradients of the inputs and of
every parameter, as arrays. The grader compares them with torch.nn outside the sandbox.
Built-in GRUs were forbidden before the learner's cells ran (gatedrnn/builtin_gru.py).
"""

import torch


def _parameter_names(layers, bias, suffix):
    parts = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if bias else [])
    return [f"{part}{suffix(layer)}" for layer in range(layers) for part in parts]


def _run(module, names, parameters, inputs, upstreams):
    """Outputs of module(*inputs), then d(sum <output, upstream>)/d(inputs, parameters), as arrays."""
    _BUILTIN_GRU_CALLS.clear()  # noqa: F821 -- made by the guard cell that ran before the learner's cells
    module = module.double()  # first: load_state_dict copies into the parameters, in their dtype
    module.load_state_dict({name: torch.from_numpy(p) for name, p in zip(names, parameters)})
    inputs = [torch.from_numpy(value).requires_grad_() for value in inputs]
    outputs = module(*inputs)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    if len(outputs) != len(upstreams):
        raise TypeError(f"forward returned {len(outputs)} items, expected {len(upstreams)}")
    mine = dict(module.named_parameters())
    tensors = inputs + [mine[name] for name in names]
    loss = sum((out * torch.from_numpy(up)).sum() for out, up in zip(outputs, upstreams))
    grads = torch.autograd.grad(loss, tensors, allow_unused=True)
    if _BUILTIN_GRU_CALLS:  # noqa: F821 -- a built-in GRU reached, even if the learner caught its error
        raise RuntimeError(f"{_BUILTIN_GRU_CALLS[0]} was called (a built-in GRU)")  # noqa: F821
    for name, grad in zip(["the input", "the initial state"][:len(inputs)] + names, grads):
        if grad is None:
            raise RuntimeError(f"no gradient reached {name}: is it used, and is the graph kept?")
    return tuple(t.detach().numpy() for t in [*outputs, *grads])


def probe_gru_cell(D, H, bias, x, h, dh_next, *parameters):
    """GRUCell(D, H, bias)(x, h) (h=None when h is empty) -> h_next, dx, [dh], d(parameters)..."""
    cell = GRUCell(D, H, bias=bool(bias))  # noqa: F821 -- the learner's class
    inputs = [x, h] if h.size else [x]
    return _run(cell, _parameter_names(1, bias, lambda layer: ""), parameters, inputs, [dh_next])


def probe_gru(D, H, L, bias, batch_first, x, h0, doutput, dh_n, *parameters):
    """GRU(D, H, L, bias, batch_first)(x, h0) (h0=None when empty) -> output, h_n, dx, [dh0], d(parameters)..."""
    model = GRU(D, H, num_layers=L, bias=bool(bias), batch_first=bool(batch_first))  # noqa: F821
    inputs = [x, h0] if h0.size else [x]
    return _run(model, _parameter_names(L, bias, lambda layer: f"_l{layer}"), parameters, inputs, [doutput, dh_n])


def probe_gru_bidirectional(D, H, L, bias, batch_first, x, h0, doutput, dh_n, *parameters):
    """GRU(D, H, L, bias, batch_first, bidirectional=True)(x, h0) -> output, h_n, dx, [dh0], d(parameters)...

    Parameters in torch.nn.GRU's order: each layer's forward direction, then its _reverse one.
    """
    model = GRU(D, H, num_layers=L, bias=bool(bias), batch_first=bool(batch_first), bidirectional=True)  # noqa: F821
    inputs = [x, h0] if h0.size else [x]
    names = _parameter_names(2 * L, bias, lambda row: f"_l{row // 2}" + ("_reverse" if row % 2 else ""))
    return _run(model, names, parameters, inputs, [doutput, dh_n])
