"""Checks for learners' PyTorch modules (the gru_torch exercise), and the ban on built-in GRUs.

    with torch_checking("GRU", GRU) as check:
        model = check.call(GRU, 5, 4, num_layers=2)
        output, h_n = check.call(model, x, returns=2)
        check.close("output", output, expected_output, TOL_FLOAT64)

`torch_checking` first reads the source of the learner's class and fails, with a reason, if
it names a built-in GRU (torch.nn.GRU, torch.nn.GRUCell, torch._VF.gru, torch.gru_cell, ...)
or inherits from one of torch's recurrent modules. Every `check.call` then runs the learner's
code with those entry points replaced by functions that raise and record the call
(gatedrnn.builtin_gru), so that a GRU reached some other way (getattr with a computed name, a
helper function) is caught too: the part that delegates earns nothing, and the message says
why. Outside `check.call` the built-ins are untouched: the tests themselves use torch.nn.GRU as
the reference.

Tensors are compared with gatedrnn.testing's rules (relative error, tolerances) after a check
that their dtype and device are the expected ones.
"""

import ast
import inspect
import textwrap
from contextlib import contextmanager

import numpy as np
import torch

from .builtin_gru import BuiltinGRUCalled, builtin_gru_forbidden
from .gru_variants import gru_variant_forward, wrong_variant_values, wrong_variants
from .i18n import N_, Joined, tr
from .testing import (TOL_FLOAT32, TOL_FLOAT64, CheckFailed, FunctionChecks, label_of, also, where_in_learner_code,
                      use_short_tracebacks)

#: Attribute and imported names that reach a built-in GRU. Learner classes are themselves
#: called GRU and GRUCell, so bare names are allowed; `nn.GRU`, `torch.gru_cell`, `_VF...` are not.
FORBIDDEN_NAMES = {"GRU", "GRUCell", "gru", "gru_cell", "_VF", "_thnn_fused_gru_cell", "RNNBase", "RNNCellBase"}
DELEGATION = tr.later(N_("this exercise asks you to write the GRU yourself from tensor operations, so a part "
                         "that hands its work to a built-in GRU earns no points"))
#: The marker that ends a delegation's message (the units' expected summaries look for it).
DELEGATION_TAG = "[delegation]"


def builtin_gru_references(cls):
    """The built-in GRUs that the source of a learner's class names or inherits from, as strings."""
    found = [tr("inherits from {base}", base=f"{base.__module__}.{base.__name__}") for base in cls.__mro__[1:]
             if base.__module__.startswith("torch") and base.__name__ in FORBIDDEN_NAMES]
    for member in vars(cls).values():
        member = getattr(member, "__func__", member)
        if not inspect.isfunction(member):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(member)))
        except (OSError, TypeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
                found.append(tr("uses {code} (in {method})", code=ast.unparse(node), method=member.__name__))
            elif isinstance(node, ast.ImportFrom) and any(a.name in FORBIDDEN_NAMES for a in node.names):
                found.append(tr("imports {names} from {module} (in {method})", module=node.module,
                                names=", ".join(a.name for a in node.names), method=member.__name__))
    return list(dict.fromkeys(found))


class ModuleChecks(FunctionChecks):
    """The checks made on one learner class; created by `torch_checking`.

    `case` describes the comparison under way ("h0=None, float64 on cpu"), for messages.
    """

    case = ""

    def call(self, function, *args, returns=None, **kwargs):
        """Call learner code (a class, a module, a method) with the built-in GRUs forbidden.

        Checks that no built-in GRU was reached, that tensor arguments are left unmodified
        and, if `returns` is given, that a tuple of that many items comes back.
        """
        name = getattr(function, "__name__", type(function).__name__)
        before = [a.detach().clone() if isinstance(a, torch.Tensor) else None for a in args]
        tensors = [a for a in args if isinstance(a, torch.Tensor) and a.is_floating_point() and a.numel()]
        self.inputs_finite = all(bool(torch.isfinite(a).all()) for a in tensors)
        self.inputs_largest = max((float(a.detach().abs().max()) for a in tensors), default=0.0)
        calls = []
        try:
            with builtin_gru_forbidden(calls):
                result = function(*args, **kwargs)
        except NotImplementedError:
            self.fail(tr("{name} is not implemented yet: it raised NotImplementedError{role}.", name=name, role=""))
        except Exception as error:  # the learner's bug (or a refused built-in), in one line
            if not calls:
                where = where_in_learner_code(error.__traceback__)
                if self.case:
                    self.fail(tr("{name} raised {error_type} in the case {case}: {error}{where}.", name=name,
                                 error_type=type(error).__name__, case=self.case, error=error, where=where))
                self.fail(tr("{name} raised {error_type}: {error}{where}{role}.", name=name,
                             error_type=type(error).__name__, error=error, where=where, role=""))
        if calls:
            self.fail(tr("{name} called {call}, a built-in GRU: {why}.", name=name, call=calls[0], why=DELEGATION)
                      + " " + DELEGATION_TAG)
        self.count += 1
        for position, (old, new) in enumerate(zip(before, args)):
            if old is not None and not torch.equal(old, new.detach()):
                self.fail(tr("{name} modified its argument {position} in place; compute new tensors instead.",
                             name=name, position=position + 1))
        self.check_returns(name, result, returns)
        return result

    def close(self, name, found, expected, tol, hint="", misconceptions=()):
        """Check that `found` is a tensor with expected's dtype and device, then its values."""
        self.count += 1
        if not isinstance(found, torch.Tensor):
            self.fail(tr("{name} should be a torch.Tensor, found a {type}.", name=name, type=type(found).__name__))
        if isinstance(expected, torch.Tensor):
            if found.dtype != expected.dtype:
                self.fail(tr("{name} has dtype {found}, expected {expected} (the inputs' dtype).", name=name,
                             found=found.dtype, expected=expected.dtype))
            if found.device != expected.device:
                self.fail(tr("{name} is on {found}, expected {expected} (where the inputs are).", name=name,
                             found=found.device, expected=expected.device))
            expected = expected.detach().cpu().double().numpy()
        super().close(name, found.detach().cpu().double().numpy(), expected, tol, hint, misconceptions)

    def state_dict_layout(self, module, reference):
        """Check that module's state dict has exactly reference's names and shapes."""
        self.count += 1
        found = {k: tuple(v.shape) for k, v in module.state_dict().items()}
        expected = {k: tuple(v.shape) for k, v in reference.state_dict().items()}
        if found != expected:
            missing = sorted(set(expected) - set(found))
            extra = sorted(set(found) - set(expected))
            shapes = [tr("{name} {found} (expected {expected})", name=k, found=found[k], expected=expected[k])
                      for k in expected if k in found and found[k] != expected[k]]
            parts = (([tr("missing {names}", names=missing)] if missing else [])
                     + ([tr("unexpected {names}", names=extra)] if extra else []) + shapes)
            self.fail(tr("the parameters should be named and shaped as {reference}'s: {problems}.",
                         reference=type(reference).__name__, problems=Joined(parts)))

    def initialised_uniformly(self, name, parameter, bound):
        """Check that a fresh parameter was drawn from U(-bound, bound), bound = 1/sqrt(H), as torch.nn's are."""
        self.count += 1
        if parameter.abs().max() > bound or parameter.std() == 0:
            self.fail(tr("{name} should be initialised uniformly on [-1/sqrt(H), 1/sqrt(H)] = [-{bound}, {bound}].",
                         name=name, bound=bound))

    def load(self, target, state_dict, direction):
        """target.load_state_dict(state_dict), failing with a message if it does not load."""
        self.count += 1
        try:
            target.load_state_dict(state_dict)
        except Exception as error:
            self.fail(tr("load_state_dict {direction} failed: {error}", direction=direction,
                         error=str(error).splitlines()[0]))

    def gradients_close(self, names, found, expected, tol, case=""):
        """close() for gradient tensors, naming every wrong one (found may hold None: no gradient
        reached that tensor)."""
        failures = []
        for name, value, reference in zip(names, found, expected):
            try:
                if value is None:
                    self.fail(tr("no gradient reached {name}: is it used, and is the graph kept?",
                                 name=label_of(name, case)))
                self.close(label_of(tr("gradient of {name}", name=name), case), value, reference, tol)
            except CheckFailed as failure:
                failures.append(str(failure).removeprefix(f"{self.function_name}: "))
        if failures:
            self.fail(also(failures))


@contextmanager
def torch_checking(name, cls):
    """Run a block of checks on one learner class; print one line if all pass.

    Fails at once, with the reason, if the class names or inherits from a built-in GRU.
    The block may set `check.skipped` to a note (a CUDA part on a machine without a GPU):
    it is printed with the result.
    """
    use_short_tracebacks()
    checks = ModuleChecks(name)
    checks.skipped = ""
    if not inspect.isclass(cls):
        checks.fail(tr("{name} should be a class (a torch.nn.Module), found a {type}.", name=name,
                       type=type(cls).__name__))
    references = builtin_gru_references(cls)
    if references:
        checks.fail(tr("{name} {reference}: {why}.", name=name, reference=references[0], why=DELEGATION)
                    + " " + DELEGATION_TAG)
    yield checks
    passed = (tr("all {count} checks passed. ({note})", count=checks.count, note=checks.skipped) if checks.skipped
              else tr("all {count} checks passed.", count=checks.count))
    print(f"\u2713 {name}: {passed}")


def cuda_device():
    """torch.device('cuda') when a GPU is usable, else None."""
    return torch.device("cuda") if torch.cuda.is_available() else None


def gradients(outputs_and_upstreams, tensors):
    """d(sum of <output, upstream>)/d tensors, by autograd; None where a tensor is not reached."""
    loss = sum((out * up).sum() for out, up in outputs_and_upstreams)
    return torch.autograd.grad(loss, tensors, allow_unused=True)


def _draw(shape, dtype):
    """0.5 * standard normal float64 values, rounded to dtype first (so both sides see the same numbers)."""
    return (0.5 * torch.randn(shape, dtype=torch.float64)).to(dtype).double()


def _on(tensor, dtype, device):
    return tensor.detach().to(dtype=dtype, device=device).requires_grad_()


#: Words of the cases compared (see `case_label`), in the learner's language when shown.
ON_CUDA = tr.later(N_("on CUDA"))
DEFAULTS = tr.later(N_("defaults"))
BIDIRECTIONAL = tr.later(N_("bidirectional"))
EVAL_MODE = tr.later(N_("eval mode"))
TRAINING_MODE = tr.later(N_("training mode"))
DROPOUT_BETWEEN_LAYERS = tr.later(N_("dropout=1.0 between layers"))
#: A test's note when it skipped its GPU part (torch_checking prints it with the result).
CUDA_SKIPPED = tr.later(N_("CUDA part skipped: no GPU on this machine"))


def case_label(*parts):
    """The `case` of compare_cell/compare_gru: ' (part, part, ...)', each part a str (sizes, options: code)
    or one of the words above, in the current language."""
    return " (" + ", ".join(map(str, parts)) + ")"


def from_yours(yours, reference):
    """check.load's direction: 'from your GRU into torch.nn.GRU'."""
    return tr("from your {yours} into {reference}", yours=yours, reference=reference)


def into_yours(reference, yours):
    """check.load's direction: 'from torch.nn.GRU into your GRU'."""
    return tr("from {reference} into your {yours}", reference=reference, yours=yours)


def compare_cell(check, cell, reference, N, dtype=torch.float64, device="cpu", tol=None, with_h=True, case=""):
    """Check a learner's GRUCell against a float64 CPU torch.nn.GRUCell that holds the same weights.

    Draws x (N, D), h (N, H) and an upstream gradient (N, H); compares h_next and the gradients
    of x, h and every parameter. The learner's cell must already be in `dtype` on `device`;
    with_h=False calls it as cell(x) and compares with a zero initial state.
    """
    tol = tol or (TOL_FLOAT64 if dtype == torch.float64 else TOL_FLOAT32)
    D, H = reference.input_size, reference.hidden_size
    x64, h64, up64 = _draw((N, D), dtype), _draw((N, H), dtype), _draw((N, H), dtype)
    h64 = h64 if with_h else torch.zeros_like(h64)
    x, h, up = _on(x64, dtype, device), _on(h64, dtype, device), up64.to(dtype=dtype, device=device)
    check.case = _describe(case, dtype, device)
    h_next = check.call(cell, x, h) if with_h else check.call(cell, x)
    x64.requires_grad_(), h64.requires_grad_()
    expected = reference(x64, h64)
    check.close(f"h_next{case}", h_next, expected.to(dtype=dtype, device=device), tol,
                misconceptions=wrong_variant_values(_numpy(x64), _numpy(h64), *_course_weights(reference, "")))
    names = [name for name, _ in reference.named_parameters()]
    mine = dict(cell.named_parameters())
    tensors = [x, h] if with_h else [x]
    found = check.call(gradients, [(h_next, up)], tensors + [mine[n] for n in names])
    check.case = ""
    wanted = gradients([(expected, up64)], ([x64, h64] if with_h else [x64]) + list(reference.parameters()))
    check.gradients_close(["x", "h"][:len(tensors)] + names, found,
                          [g.to(dtype=dtype, device=device) for g in wanted], tol, case.strip(" ,()"))


def compare_gru(check, model, reference, N, T, dtype=torch.float64, device="cpu", tol=None, with_h0=True,
                case=""):
    """Check a learner's GRU against a float64 CPU torch.nn.GRU that holds the same weights.

    Draws x in the reference's layout ((N, T, D) if batch_first else (T, N, D)), h0
    (num_layers * K, N, H), K = 2 if the reference is bidirectional else 1, and upstream
    gradients of output (..., K * H) and h_n; compares output, h_n and the gradients of x, h0
    and every parameter. Both modules must be in the same mode (eval/train).
    """
    tol = tol or (TOL_FLOAT64 if dtype == torch.float64 else TOL_FLOAT32)
    D, H, K = reference.input_size, reference.hidden_size, 2 if reference.bidirectional else 1
    L = reference.num_layers * K
    x_shape = (N, T, D) if reference.batch_first else (T, N, D)
    out_shape = (N, T, K * H) if reference.batch_first else (T, N, K * H)
    x64, h64 = _draw(x_shape, dtype), _draw((L, N, H), dtype)
    up_out64, up_h64 = _draw(out_shape, dtype), _draw((L, N, H), dtype)
    x, h0 = _on(x64, dtype, device), _on(h64, dtype, device)
    up_out, up_h = up_out64.to(dtype=dtype, device=device), up_h64.to(dtype=dtype, device=device)
    check.case = _describe(case, dtype, device)
    output, h_n = check.call(model, x, h0, returns=2) if with_h0 else check.call(model, x, returns=2)
    x64.requires_grad_(), h64.requires_grad_()
    expected_out, expected_h = reference(x64, h64) if with_h0 else reference(x64)
    variants = _wrong_gru_values(reference, _numpy(x64), _numpy(h64) if with_h0 else np.zeros(h64.shape))
    check.close(f"output{case}", output, expected_out.to(dtype=dtype, device=device), tol,
                misconceptions=[(mistake, out) for mistake, out, _ in variants])
    check.close(f"h_n{case}", h_n, expected_h.to(dtype=dtype, device=device), tol,
                misconceptions=[(mistake, last) for mistake, _, last in variants])
    names = [name for name, _ in reference.named_parameters()]
    mine = dict(model.named_parameters())
    tensors = [x, h0] if with_h0 else [x]
    found = check.call(gradients, [(output, up_out), (h_n, up_h)], tensors + [mine[n] for n in names])
    check.case = ""
    wanted = gradients([(expected_out, up_out64), (expected_h, up_h64)],
                       ([x64, h64] if with_h0 else [x64]) + list(reference.parameters()))
    check.gradients_close(["x", "h0"][:len(tensors)] + names, found,
                          [g.to(dtype=dtype, device=device) for g in wanted], tol, case.strip(" ,()"))


def _describe(case, dtype, device):
    """'h0=None, float64 on cpu': the comparison under way, for a crash's message."""
    what = case.strip(" ,()") or str(DEFAULTS)
    return tr("{case}, {dtype} on {device}", case=what, dtype=str(dtype).removeprefix("torch."),
              device=torch.device(device).type)


def _numpy(tensor):
    return tensor.detach().cpu().double().numpy()


def _course_weights(reference, suffix):
    """(Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,)) of a torch GRU or GRUCell (layer `suffix`), float64."""
    Wx = _numpy(getattr(reference, "weight_ih" + suffix)).T
    Wh = _numpy(getattr(reference, "weight_hh" + suffix)).T
    biases = [getattr(reference, name + suffix, None) for name in ("bias_ih", "bias_hh")]
    return [Wx, Wh] + [_numpy(b) if b is not None else np.zeros(Wh.shape[1]) for b in biases]


def _wrong_gru_values(reference, x, h0):
    """(Misconception, output, h_n) of every wrong GRU (gatedrnn.gru_variants) with a torch GRU's weights.

    x and h0 in the reference's layout: x (T, N, D) or (N, T, D) if batch_first, h0 (L*K, N, H),
    K = 2 directions if bidirectional (the reverse one reads the sequence from its end), else 1.
    [] with dropout in training mode, which the variants do not reproduce.
    """
    if reference.training and reference.dropout > 0:
        return []
    K = 2 if getattr(reference, "bidirectional", False) else 1
    sequence = x if reference.batch_first else x.transpose(1, 0, 2)   # (N, T, D)
    found = []
    with np.errstate(over="ignore"):
        for mistake, variant in wrong_variants():
            inputs, last = sequence, []
            for layer in range(reference.num_layers):
                directions = []
                for d in range(K):
                    weights = _course_weights(reference, f"_l{layer}" + ("_reverse" if d else ""))
                    states = gru_variant_forward(inputs[:, ::-1] if d else inputs, h0[layer * K + d], *weights,
                                                 **variant)                      # (N, T, H), in reading order
                    last.append(states[:, -1])
                    directions.append(states[:, ::-1] if d else states)
                inputs = np.concatenate(directions, axis=2)                      # (N, T, K*H)
            output = inputs if reference.batch_first else inputs.transpose(1, 0, 2)
            found.append((mistake, output, np.stack(last)))
    return found


__all__ = ["BuiltinGRUCalled", "CheckFailed", "ModuleChecks", "builtin_gru_forbidden", "builtin_gru_references",
           "compare_cell", "compare_gru", "cuda_device", "gradients", "torch_checking"]
