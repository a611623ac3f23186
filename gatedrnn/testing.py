"""Checks for learners' functions, with messages that say what was expected and found.

The exercise notebooks' test cells use these, visible and hidden alike:

    with checking("rnn_step_forward") as check:
        h_next, cache = check.call(rnn_step_forward, x, h_prev, Wx, Wh, b, returns=2)
        check.close("h_next", h_next, expected_h_next, tol=TOL_FLOAT64)

Every failed check raises CheckFailed, an AssertionError whose message alone is
shown in a notebook (no long traceback), and which nbgrader scores as a failed
test cell. A passing block prints one line.
"""

import inspect
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error

#: Learner float64 code against torch.nn in float64: both are exact up to
#: rounding, so the relative error is ~1e-15; 1e-9 leaves room for summation order.
TOL_FLOAT64 = 1e-9
#: Analytic gradients against centered differences: TOL_GRADCHECK, the course's one
#: rule, defined and explained in gatedrnn.gradcheck (imported above).
#: Learner code fed float32 inputs, against the float64 reference: float32 keeps
#: ~7 digits, and a few time steps of accumulation lose about one more.
TOL_FLOAT32 = 1e-5


class CheckFailed(AssertionError):
    """A check of a learner's function failed; the message says what to fix."""


@dataclass(frozen=True)
class Misconception:
    """A common mistake that a check can recognise from the wrong values it produces.

    id: a short stable identifier ("gru-sigmoid-candidate") that feedback shows and
        class reports count; never change it once released.
    explanation: what the learner probably did, in plain words, and what to do instead.
    """
    id: str
    explanation: str

    def tag(self):
        """The marker that feedback shows and autograder.outcomes.misconception_ids finds."""
        return f"[misconception: {self.id}]"


def _short_traceback_handler(shell, etype, value, tb, tb_offset=None):
    """Show a CheckFailed as its message alone: the frames are the test's, not the learner's.

    The shell still records the cell as failed (an error output), which is what
    nbgrader scores and what the self-check reads.
    """
    structured_traceback = [f"\x1b[0;31mCheckFailed\x1b[0m: {value}"]
    shell._showtraceback(etype, value, structured_traceback)
    return structured_traceback


def use_short_tracebacks():
    """In IPython, display CheckFailed as its message alone. Elsewhere do nothing."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        shell.set_custom_exc((CheckFailed,), _short_traceback_handler)


def _where_in_learner_code(tb):
    """'line L of your cell' for the innermost frame in notebook code, or ''."""
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith(_PACKAGE_DIR)]
    notebook_frames = [f for f in frames if "ipykernel" in f.filename or f.filename.startswith("<")]
    frame = (notebook_frames or frames or [None])[-1]
    if frame is None:
        return ""
    code = f": {frame.line.strip()}" if frame.line else ""
    return f" (in {frame.name}, line {frame.lineno}{code})"


_PACKAGE_DIR = __file__.rsplit("/", 1)[0]


def _parameter_names(function, count):
    """The names of the first `count` parameters of function, for messages."""
    try:
        names = list(inspect.signature(function).parameters)[:count]
    except (TypeError, ValueError):
        names = []
    return names + [f"argument {i + 1}" for i in range(len(names), count)]


def _scaled_max_error(found, expected):
    """max |found - expected| / max(1, max |expected|): the error next to order-1 quantities."""
    difference = np.abs(found.astype(np.float64) - expected)
    return float(difference.max(initial=0.0) / max(1.0, float(np.abs(expected).max(initial=0.0))))


def _index_str(index):
    return "(" + ", ".join(str(int(i)) for i in index) + ")"


class FunctionChecks:
    """The checks made on one learner function; created by `checking`."""

    def __init__(self, function_name):
        self.function_name = function_name
        self.count = 0

    def fail(self, message):
        raise CheckFailed(f"{self.function_name}: {message}")

    def call(self, function, *args, returns=None):
        """Call a learner's function, turning its failures into clear messages.

        Checks that it returns a tuple of `returns` items (if given) and that it
        leaves every array argument unmodified (the contract forbids in-place updates).
        Returns the function's result.
        """
        name = getattr(function, "__name__", "the function")
        # A backward test first runs the learner's forward to get a cache: say so when that fails.
        role = "" if name == self.function_name else f" (its test needs {name} to work first)"
        before = [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]
        try:
            result = function(*args)
        except NotImplementedError:
            self.fail(f"{name} is not implemented yet: it raised NotImplementedError{role}.")
        except Exception as error:  # the learner's bug, reported in one line
            self.fail(f"{name} raised {type(error).__name__}: {error}"
                      f"{_where_in_learner_code(error.__traceback__)}{role}.")
        self.count += 1
        for arg_name, old, new in zip(_parameter_names(function, len(args)), before, args):
            if old is not None and (old.shape != new.shape or not np.array_equal(old, new, equal_nan=True)):
                self.fail(f"{name} modified its input {arg_name} in place; compute new arrays instead.")
        if returns is not None and (not isinstance(result, tuple) or len(result) != returns):
            found = (f"a tuple of {len(result)} items" if isinstance(result, tuple)
                     else f"a {type(result).__name__}")
            self.fail(f"{name} should return a tuple of {returns} items, it returned {found}.")
        return result

    def all_close(self, names, found, expected, tol, case="", misconceptions=()):
        """close() for each name: found is a sequence, expected a dict keyed by name.

        misconceptions: (Misconception, values) pairs, values being a dict keyed by name
        like expected: what each output would be after that mistake.
        """
        suffix = f" ({case})" if case else ""
        for name, value in zip(names, found):
            self.close(name + suffix, value, expected[name], tol,
                       misconceptions=[(mistake, values[name]) for mistake, values in misconceptions])

    def shape(self, name, found, expected_shape, hint=""):
        """Check that `found` is an array of `expected_shape`."""
        self.count += 1
        if not isinstance(found, np.ndarray):
            self.fail(f"{name} should be a NumPy array of shape {tuple(expected_shape)}, "
                      f"found a {type(found).__name__}.")
        if found.shape != tuple(expected_shape):
            extra = f" ({hint})" if hint else ""
            self.fail(f"{name} has shape {found.shape}, expected {tuple(expected_shape)}{extra}.")

    def close(self, name, found, expected, tol, hint="", misconceptions=()):
        """Check shape, finiteness, then that found is within tol of expected.

        Within tol means rel_error(found, expected) <= tol, or, where expected is much
        smaller than the numbers that produced it (cancellation, or a vanishing gradient),
        max |found - expected| / max(1, max |expected|) <= tol: every quantity in the
        course's tests is of order 1, so an error small next to 1 is rounding, not a bug.

        misconceptions: (Misconception, value) pairs, value being what `found` would be
        after that mistake. If the check fails and found matches one of them, the message
        names the mistake instead of only reporting wrong values.
        """
        expected = np.asarray(expected, dtype=np.float64)
        self.shape(name, found, expected.shape, hint)
        self.count += 1
        if not np.issubdtype(found.dtype, np.floating):
            self.fail(f"{name} has dtype {found.dtype}, expected a floating-point array.")
        bad = ~np.isfinite(found)
        if bad.any():
            index = _index_str(np.argwhere(bad)[0])
            self.fail(f"{name} contains {found[tuple(np.argwhere(bad)[0])]} at index {index}; "
                      "all values should be finite.")
        error = rel_error(found, expected)
        if error > tol and _scaled_max_error(found, expected) > tol:
            for misconception, value in misconceptions:
                value = np.asarray(value)
                if value.shape == found.shape and rel_error(found, value) <= max(tol, TOL_FLOAT32):
                    self.fail(f"{name} is wrong: {misconception.explanation} {misconception.tag()}")
            diff = np.abs(found.astype(np.float64) - expected)
            worst = np.unravel_index(np.argmax(diff), diff.shape)
            location = f" Largest difference at index {_index_str(worst)}: " if diff.ndim else " "
            extra = f" Hint: {hint}" if hint else ""
            self.fail(f"{name} is wrong (relative error {error:.1e}, tolerance {tol:.0e}).{location}"
                      f"expected {expected[worst]:.6g}, found {found[worst]:.6g}.{extra}")

    def gradients(self, forward, inputs, upstream, analytic, names, tol=TOL_GRADCHECK):
        """Compare analytic gradients with centered differences of `forward`.

        Inputs:
        - forward: callable taking `inputs` and returning the output that `upstream` is the gradient of
        - inputs: list of float64 arrays
        - upstream: gradient of the loss with respect to forward's output
        - analytic: list of the learner's gradients, one per input
        - names: list of the gradients' names, for messages
        """
        numeric = numerical_gradients(forward, inputs, upstream)
        for name, found, expected in zip(names, analytic, numeric):
            self.close(name, found, expected, tol,
                       hint="this is a centered-difference gradient check of your own forward pass.")


@contextmanager
def checking(function_name):
    """Run a block of checks on one learner function; print one line if all pass."""
    use_short_tracebacks()
    checks = FunctionChecks(function_name)
    yield checks
    print(f"\u2713 {function_name}: all {checks.count} checks passed.")


@contextmanager
def ungraded_checking(function_name):
    """Like `checking`, for an ungraded extension: a failed check is printed, not raised.

    The cell then never shows as an error, so a notebook with an unfinished extension runs
    to the end and loses nothing; the printed line says what passed or what was wrong.
    """
    checks = FunctionChecks(function_name)
    try:
        yield checks
    except CheckFailed as failure:
        print(f"\u2717 {failure} (ungraded extension: no points)")
    else:
        print(f"\u2713 {function_name}: all {checks.count} checks passed (ungraded extension: no points).")


def random_arrays(rng, shapes, dtype=np.float64, scale=0.5):
    """Standard-normal arrays times `scale`, one per shape, in the given dtype.

    The scale keeps tanh and sigmoid away from saturation, where every gradient is ~0
    and a check would pass for wrong code.
    """
    return [(scale * rng.standard_normal(shape)).astype(dtype) for shape in shapes]
