"""The char_lm exercise's independent check: its functions are run again outside the learner's kernel.

The sandbox (autograder.verify.Sandboxes) has NumPy alone, plus the course's NumPy GRU, whose
source (gatedrnn/fast_gru.py, NumPy only) runs there before the learner's cells, as the exercise
allows its use. Here, where the learner's code never runs:

- each layer (embedding, temporal affine, softmax loss) is called with sizes and values drawn now
  and compared with torch in float64 (gatedrnn.reference.char_lm): forward outputs, then the
  backward's gradients from the sandbox's own cache; the loss also on scores of order 1e200, where
  only a shifted softmax stays finite;
- `char_lm_loss` is compared with the course's model (gatedrnn.worked.char_lm.model_loss) on fresh
  parameters and a random mask;
- `train_char_lm` trains a model there (seed 0) and its validation perplexity is computed here by
  the course's code: it must reach TARGET_PERPLEXITY. The kernel's test holds the CPU budget; here
  only a runaway is stopped (at three times the budget).

CHECK (a CharLMCheck) has the shape of autograder.verify's checks (packages, cells, functions,
where, rule, verify(sandboxes, rng, skip) -> (failures, caps)); caps is always empty (every
function passes or fails). solutions/char_lm/unit.py registers it.
"""

from pathlib import Path

import numpy as np

from gatedrnn import fast_gru
from gatedrnn.worked import char_lm as course
from gatedrnn.testing import TOL_FLOAT64, CheckFailed, FunctionChecks

from .messages import N_, tr
from .verify import Check, _array, wrong_count

# The trusted calls, appended after the learner's cells: params go in and out as plain arrays.
DRIVER = f'''
_PARAMETER_NAMES = {course.PARAMETER_NAMES!r}


def _probe_char_lm_loss(W_embed, Wx, Wh, bx, bh, W_out, b_out, x, y, mask):
    params = dict(zip(_PARAMETER_NAMES, (W_embed, Wx, Wh, bx, bh, W_out, b_out)))
    loss, grads = char_lm_loss(params, x, y, mask)
    return (float(loss), *[np.asarray(grads[name]) for name in _PARAMETER_NAMES])


def _probe_train_char_lm(train_ids, V, seed):
    params = train_char_lm(train_ids, V, seed)
    return tuple(np.asarray(params[name]) for name in _PARAMETER_NAMES)
'''

FUNCTIONS = ("embedding_forward", "embedding_backward", "temporal_affine_forward", "temporal_affine_backward",
             "temporal_softmax_loss", "char_lm_loss", "train_char_lm")


def _sizes(rng):
    """Two cases of sizes: all ones, and each of N, T, D, H, V drawn from 1..5."""
    return [dict.fromkeys("NTDHV", 1), {letter: int(rng.integers(1, 6)) for letter in "NTDHV"}]


def _case(sizes):
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def _call(session, name, args, count):
    results = session.call(name, args)
    if len(results) != count:
        raise wrong_count(name, len(results), count)
    return results


def _check_embedding(session, function, rng):
    from gatedrnn.reference import embedding_reference  # torch, loaded only when this check runs

    checks = FunctionChecks(function)
    for s in _sizes(rng):
        idx = rng.integers(0, s["V"], size=(s["N"], s["T"]))
        idx.flat[0] = idx.flat[-1] = 0                                       # a repeated id
        W, dout = 0.5 * rng.standard_normal((s["V"], s["D"])), rng.standard_normal((s["N"], s["T"], s["D"]))
        out, dW = embedding_reference(idx, W, dout)
        found, cache = _call(session, "embedding_forward", [idx, W], 2)
        if function == "embedding_forward":
            checks.close(f"out ({_case(s)})", _array(found, "out"), out, TOL_FLOAT64)
        else:
            (found,) = _call(session, "embedding_backward", [dout, cache], 1)
            checks.close(f"dW ({_case(s)})", _array(found, "dW"), dW, TOL_FLOAT64)


def _check_affine(session, function, rng):
    from gatedrnn.reference import temporal_affine_reference

    checks = FunctionChecks(function)
    for s in _sizes(rng):
        h, W, b, dout = (0.5 * rng.standard_normal(shape) for shape in
                         [(s["N"], s["T"], s["H"]), (s["H"], s["V"]), (s["V"],), (s["N"], s["T"], s["V"])])
        out, grads = temporal_affine_reference(h, W, b, dout)
        found, cache = _call(session, "temporal_affine_forward", [h, W, b], 2)
        if function == "temporal_affine_forward":
            checks.close(f"out ({_case(s)})", _array(found, "out"), out, TOL_FLOAT64)
        else:
            for name, value, want in zip(["dh", "dW", "db"], _call(session, "temporal_affine_backward", [dout, cache], 3),
                                         grads):
                checks.close(f"{name} ({_case(s)})", _array(value, name), want, TOL_FLOAT64)


def _check_softmax_loss(session, function, rng):
    from gatedrnn.reference import temporal_softmax_loss_reference

    checks = FunctionChecks(function)
    for s, scale in zip(_sizes(rng) + [{letter: int(rng.integers(2, 6)) for letter in "NTV"}], [1.0, 1.0, 1e200]):
        N, T, V = s["N"], s["T"], s["V"]
        scores, y = scale * rng.standard_normal((N, T, V)), rng.integers(0, V, size=(N, T))
        mask = rng.random((N, T)) < 0.67
        mask[0, 0] = True
        loss, dscores = temporal_softmax_loss_reference(scores, y, mask)
        found_loss, found = _call(session, "temporal_softmax_loss", [scores, y, mask], 2)
        case = f"N={N}, T={T}, V={V}" + (tr(", scores of order {scale:g}", scale=scale) if scale != 1.0 else "")
        size = max(1.0, abs(loss))
        checks.close(f"loss ({case})", np.array(float(_array(found_loss, "loss")) / size), loss / size, TOL_FLOAT64)
        checks.close(f"dscores ({case})", _array(found, "dscores"), dscores, TOL_FLOAT64)


def _check_char_lm_loss(session, function, rng):
    checks = FunctionChecks(function)
    for s in _sizes(rng):
        params = course.init_params(s["V"], s["D"], s["H"], seed=int(rng.integers(1 << 30)))
        x, y = (rng.integers(0, s["V"], size=(s["N"], s["T"])) for _ in range(2))
        mask = rng.random((s["N"], s["T"])) < 0.67
        mask[0, 0] = True
        loss, grads = course.model_loss(params, x, y, mask)
        found = _call(session, "_probe_char_lm_loss", [*params.values(), x, y, mask], 1 + len(params))
        checks.close(f"loss ({_case(s)})", _array(found[0], "loss").astype(np.float64), loss, TOL_FLOAT64)
        for name, value in zip(course.PARAMETER_NAMES, found[1:]):
            checks.close(f"d{name} ({_case(s)})", _array(value, f"d{name}"), grads[name], TOL_FLOAT64)


def _check_training(session, function, rng):
    train_ids, val_ids, chars = course.split_text()
    found = session.call("_probe_train_char_lm", [train_ids, len(chars), 0], seconds=3 * course.TRAIN_CPU_SECONDS)
    if any(isinstance(value, tuple) for value in found):
        raise CheckFailed(tr("train_char_lm's params are not all NumPy arrays of numbers"))
    params = dict(zip(course.PARAMETER_NAMES, found))
    D, H = params["W_embed"].shape[-1], params["Wh"].shape[0]
    V = len(chars)
    shapes = {"W_embed": (V, D), "Wx": (D, 3 * H), "Wh": (H, 3 * H), "bx": (3 * H,), "bh": (3 * H,),
              "W_out": (H, V), "b_out": (V,)}
    for name, shape in shapes.items():
        if params[name].shape != shape or not np.isfinite(params[name]).all():
            raise CheckFailed(tr("train_char_lm returned {name} of shape {found}, expected {expected} with finite "
                                 "values", name=name, found=params[name].shape, expected=shape))
    perplexity = float(np.exp(course.stream_loss(params, val_ids)))
    if not perplexity <= course.TARGET_PERPLEXITY:
        raise CheckFailed(tr("trained outside your notebook, your model's validation perplexity was {perplexity:.2f}; "
                             "expected at most {target:g}.", perplexity=perplexity, target=course.TARGET_PERPLEXITY))


CHECKS = {"embedding_forward": _check_embedding, "embedding_backward": _check_embedding,
          "temporal_affine_forward": _check_affine, "temporal_affine_backward": _check_affine,
          "temporal_softmax_loss": _check_softmax_loss, "char_lm_loss": _check_char_lm_loss,
          "train_char_lm": _check_training}


def _run(session, function, rng):
    """'' or why `function` fails in the sandbox."""
    try:
        CHECKS[function](session, function, rng)
        return ""
    except (CheckFailed, RuntimeError) as error:
        return str(error).removeprefix(f"{function}: ")


class CharLMCheck(Check):
    """The char_lm check: its cells (the course's GRU, the learner's cells, the trusted driver), the
    feedback's words, and verify(sandboxes, rng, skip) -> (failures, caps) for the functions not in skip.
    NumPy alone in the sandbox (Check's default packages)."""
    functions = FUNCTIONS
    where = N_("in a fresh process with NumPy and the course's NumPy GRU alone")
    rule = N_("Your functions must compute their results themselves, in NumPy, without torch, the course's "
              "other helpers, or changes to the tests.")

    def cells(self, learner_cells):
        return [Path(fast_gru.__file__).read_text(), *learner_cells, DRIVER]

    def verify(self, sandboxes, rng, skip=frozenset()):
        return {function: sandboxes.run(_run, function, rng) for function in FUNCTIONS if function not in skip}, {}


CHECK = CharLMCheck()  # solutions/char_lm/unit.py registers it (autograder/units.py)
