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
from typing import Callable

import numpy as np

from .gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error
from .i18n import N_, Joined, speaking, tr

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
    text: what the learner probably did, in plain words, and what to do instead: a str (as a
        notebook writes it), or tr.later(N_(template), ...), shown in the learner's language.
    """
    id: str
    text: object
    #: a few words naming the mistake (a str or tr.later), for a message that names several at once
    short: object = ""
    #: for mistakes found together (see `combined`): the single mistakes, each with its own id
    parts: tuple = ()
    #: for mistakes found together: what the values are those of (tr.later(N_("a GRU")))
    subject: object = ""

    def explain(self):
        """The explanation in the current language (gatedrnn.i18n): what a failure message shows."""
        if not self.parts:
            return str(self.text)
        listed = Joined(tr("({number}) {short} ({id})", number=k, short=str(part.short), id=part.id)
                        for k, part in enumerate(self.parts, 1))
        return tr("your values are those of {subject} that differs from the course's in {count} ways, "
                  "each to fix: {listed}.", subject=str(self.subject), count=len(self.parts), listed=listed)

    @property
    def explanation(self):
        """The explanation in English (the language the course's code and tests are written in)."""
        with speaking("en"):
            return self.explain()

    def tag(self):
        """The marker(s) that feedback shows and autograder.outcomes.misconception_ids finds."""
        return " ".join(f"[misconception: {part.id}]" for part in (self.parts or (self,)))


def combined(parts, subject):
    """One Misconception for several mistakes made together; the message names each in turn.

    parts: the single Misconceptions, each with a `short` phrase; subject: what the values are
    those of (N_("a GRU"), translated when shown). Its tag lists every part's id, so each is
    counted on its own.
    """
    if len(parts) == 1:
        return parts[0]
    return Misconception("+".join(part.id for part in parts), "", parts=tuple(parts), subject=tr.later(subject))


#: Results in a lower precision than the inputs (float32 out of float64 in).
PRECISION_LOST = Misconception(
    "precision-lost",
    tr.later(N_("somewhere your code computes in a lower precision "
                "(an array made with dtype=np.float32, an .astype(np.float32), a float32 constant array). Create "
                "arrays in the inputs' dtype (np.zeros_like, np.result_type of the inputs), so that float64 inputs "
                "give float64 results.")),
    short=tr.later(N_("computes in a lower precision than its inputs")))
#: NaN or inf out of finite inputs: an exp that overflowed.
#: Inputs at least this large (in absolute value) can make an activation written with exponentials
#: overflow; the course's ordinary test inputs (0.5 times standard normal) never reach it, so a
#: non-finite result on them is not diagnosed as an overflow.
LARGE_INPUT = 10.0

ACTIVATION_OVERFLOW = Misconception(
    "activation-overflow",
    tr.later(N_("The inputs were all finite, so an intermediate value overflowed: np.exp(a) is inf beyond a = 709.8 "
                "in float64 (88.7 in float32), and inf / inf is nan. This happens with large pre-activations "
                "(unscaled inputs such as 0 ... 24) and an activation written with exponentials, such as tanh as "
                "(e^a - e^-a) / (e^a + e^-a). Use np.tanh, and a sigmoid that cannot overflow, such as "
                "0.5 * (1 + np.tanh(0.5 * a)).")),
    short=tr.later(N_("an activation written with exponentials that overflow")))


#: The case of a notebook's visible test, in the name of a checked value: label_of("dW", VISIBLE_EXAMPLE).
VISIBLE_EXAMPLE = tr.later(N_("visible example"))
#: The case of a visible test repeated with huge values (label_of("loss", HUGE_SCORES)).
HUGE_SCORES = tr.later(N_("the same scores times 10^4: must stay finite"))
#: The case of a hidden test fed saturating_arrays (below): label_of("h", SATURATING_INPUTS).
SATURATING_INPUTS = tr.later(N_("saturating inputs 0 ... 24"))


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


def where_in_learner_code(tb):
    """'line L of your cell' for the innermost frame in notebook code, or ''."""
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith(_PACKAGE_DIR)]
    notebook_frames = [f for f in frames if "ipykernel" in f.filename or f.filename.startswith("<")]
    frame = (notebook_frames or frames or [None])[-1]
    if frame is None:
        return ""
    if not frame.line:
        return tr(" (in {function}, line {line})", function=frame.name, line=frame.lineno)
    return tr(" (in {function}, line {line}: {code})", function=frame.name, line=frame.lineno, code=frame.line.strip())


_PACKAGE_DIR = __file__.rsplit("/", 1)[0]


def _parameter_names(function, count):
    """The names of the first `count` parameters of function, for messages."""
    try:
        names = list(inspect.signature(function).parameters)[:count]
    except (TypeError, ValueError):
        names = []
    return names + [tr("argument {number}", number=i + 1) for i in range(len(names), count)]


def _scaled_max_error(found, expected):
    """max |found - expected| / max(1, max |expected|): the error next to order-1 quantities."""
    difference = np.abs(found.astype(np.float64) - expected)
    return float(difference.max(initial=0.0) / max(1.0, float(np.abs(expected).max(initial=0.0))))


def _index_str(index):
    return "(" + ", ".join(str(int(i)) for i in index) + ")"


def _distinct_digits(expected, found):
    """expected and found as strings with just enough significant digits (6 to 17) to tell them apart."""
    for digits in range(6, 18):
        a, b = f"{expected:.{digits}g}", f"{found:.{digits}g}"
        if a != b:
            return a, b
    return a, b


def _join_names(names):
    """'dWx', 'dWx and dWh', 'dWx, dWh and dbx' (in the current language)."""
    return names[0] if len(names) == 1 else tr("{names} and {last}", names=", ".join(names[:-1]), last=names[-1])


def label_of(name, case=""):
    """The name of a checked value as a message shows it: 'h_n', or 'h_n (h0=None)' with the case compared."""
    return tr("{name} ({case})", name=name, case=case) if case else name


def used_by_this_test(name, function):
    """The name of a value of another learner function that a test needs ('h of your gru_forward, ...')."""
    return tr("{name} of your {function}, which this test uses,", name=name, function=function)


def scale_misconceptions(sizes):
    """The gradient-scale mistakes for these sizes, as (Misconception, factor) pairs, likeliest first.

    sizes: {"N": batch size, "T": number of steps (sequences only)}. A gradient multiplied
    by factor (1/N, 1/T, 2 or 1/2) instead of the right one is named by these.
    """
    found = []
    N, T = sizes.get("N", 1), sizes.get("T", 1)
    if N > 1:
        found.append((Misconception(
            "grad-averaged-over-batch",
            tr.later(N_("each is the right gradient divided by N = {N}, the batch size: it was averaged over the "
                        "batch. The loss these functions differentiate is a sum over the batch (an average, if one "
                        "is wanted, is already in the upstream gradient), so add the examples' contributions "
                        "without dividing by N."), N=N),
            short=tr.later(N_("averaged over the batch"))), 1.0 / N))
    if T > 1:
        found.append((Misconception(
            "grad-averaged-over-time",
            tr.later(N_("each is the right gradient divided by T = {T}, the number of steps: it was averaged over "
                        "time. The weights are shared by every step, so their gradient is the sum of the steps' "
                        "gradients, not their mean."), T=T),
            short=tr.later(N_("averaged over the steps"))), 1.0 / T))
    for factor in (2.0, 0.5):
        found.append((Misconception(
            "grad-factor-of-two",
            tr.later(N_("each is the right gradient times {factor:g}: look for a derivative written as 2 * ... (of "
                        "a square that is not there) or a 0.5 too many, or a contribution added twice (or half of "
                        "one missing)."), factor=factor),
            short=tr.later(N_("off by a factor of two"))), factor))
    return found


def _sizes_of(names, expected):
    """{"N": ..., "T": ...} read from the gradient of x, (N, D) or (N, T, D), if names has one."""
    shape = np.shape(expected[names[0]]) if names and names[0] == "dx" else ()
    return {"N": shape[0], "T": shape[1]} if len(shape) == 3 else {"N": shape[0]} if len(shape) == 2 else {}


@dataclass
class Problem:
    """What is wrong with one checked value: its name, the message, the mistake recognised if any.

    say(label) is the message, in the current language, about the value shown as label (its
    name, or its name with the case compared: see `label_of`).
    """
    name: str
    say: Callable[[str], str]
    misconception: Misconception = None

    def message(self, case=""):
        return self.say(label_of(self.name, case))


class FunctionChecks:
    """The checks made on one learner function; created by `checking`."""

    def __init__(self, function_name):
        self.function_name = function_name
        self.count = 0
        self.inputs_dtype = None       # the float dtype of the last call's array arguments
        self.inputs_finite = True      # whether they were all finite
        self.inputs_largest = 0.0      # their largest absolute value (an overflow needs large inputs)

    def fail(self, message):
        raise CheckFailed(f"{self.function_name}: {message}")

    def call(self, function, *args, returns=None):
        """Call a learner's function, turning its failures into clear messages.

        Checks that it returns a tuple of `returns` items (if given) and that it
        leaves every array argument unmodified (the contract forbids in-place updates).
        Returns the function's result.
        """
        name = getattr(function, "__name__", None)
        name = tr("the function") if name is None else name
        # A backward test first runs the learner's forward to get a cache: say so when that fails.
        role = "" if name == self.function_name else tr(" (its test needs {name} to work first)", name=name)
        before = [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]
        floats = [a for a in args if isinstance(a, np.ndarray) and np.issubdtype(a.dtype, np.floating)]
        self.inputs_dtype = np.result_type(*floats) if floats else None
        self.inputs_finite = all(np.isfinite(a).all() for a in floats)
        self.inputs_largest = max((float(np.abs(a).max()) for a in floats if a.size), default=0.0)
        try:
            result = function(*args)
        except NotImplementedError:
            self.fail(tr("{name} is not implemented yet: it raised NotImplementedError{role}.", name=name, role=role))
        except Exception as error:  # the learner's bug, reported in one line
            self.fail(tr("{name} raised {error_type}: {error}{where}{role}.", name=name,
                         error_type=type(error).__name__, error=error,
                         where=where_in_learner_code(error.__traceback__), role=role))
        self.count += 1
        for arg_name, old, new in zip(_parameter_names(function, len(args)), before, args):
            if old is not None and (old.shape != new.shape or not np.array_equal(old, new, equal_nan=True)):
                self.fail(tr("{name} modified its input {argument} in place; compute new arrays instead.",
                             name=name, argument=arg_name))
        self.check_returns(name, result, returns)
        return result

    def check_returns(self, name, result, returns):
        """Fail unless result is a tuple of `returns` items (returns None: anything goes)."""
        if returns is not None and (not isinstance(result, tuple) or len(result) != returns):
            found = (tr("a tuple of {count} items", count=len(result)) if isinstance(result, tuple)
                     else tr("a {type}", type=type(result).__name__))
            self.fail(tr("{name} should return a tuple of {returns} items, it returned {found}.",
                         name=name, returns=returns, found=found))

    def all_close(self, names, found, expected, tol, case="", misconceptions=()):
        """close() for each name, reporting every wrong one: found is a sequence, expected a dict.

        misconceptions: (Misconception, values) pairs, values being a dict keyed by name
        like expected: what each output would be after that mistake. Gradients (names
        starting with "d") are also compared with the right ones scaled by 1/N, 1/T, 2 and
        1/2 (N and T read from the shape of dx), to name a gradient averaged by mistake.
        Wrong values that share a recognised mistake are named together, in one sentence.
        """
        scales = scale_misconceptions(_sizes_of(names, expected))
        problems = []
        for name, value in zip(names, found):
            mistakes = [(mistake, values[name]) for mistake, values in misconceptions]
            if name.startswith("d"):
                mistakes += [(mistake, factor * np.asarray(expected[name], dtype=np.float64))
                             for mistake, factor in scales]
            problem = self._problem(name, value, expected[name], tol, "", mistakes)
            if problem is not None:
                problems.append(problem)
        self._fail_with(problems, case)

    def _fail_with(self, problems, case=""):
        """Fail naming every problem (if any); problems sharing a recognised mistake in one sentence."""
        if not problems:
            return
        groups = {}  # one sentence per recognised mistake, one per unexplained value, in order
        for problem in problems:
            key = problem.misconception.id if problem.misconception else problem.name
            groups.setdefault(key, []).append(problem)
        sentences = []
        for group in groups.values():
            mistake = group[0].misconception
            if mistake is None or len(group) == 1:
                sentences.append(group[0].message(case))
            else:
                names = label_of(_join_names([p.name for p in group]), case)
                sentences.append(tr("{names} are wrong: {explanation}", names=names, explanation=mistake.explain())
                                 + " " + mistake.tag())
        self.fail(also(sentences))

    def shape(self, name, found, expected_shape, hint=""):
        """Check that `found` is an array of `expected_shape`."""
        self.count += 1
        problem = self._shape_problem(name, found, expected_shape, hint)
        if problem is not None:
            self.fail(problem.message())

    def _shape_problem(self, name, found, expected_shape, hint=""):
        expected_shape = tuple(expected_shape)
        if not isinstance(found, np.ndarray):
            return Problem(name, lambda label: tr("{name} should be a NumPy array of shape {shape}, found a {type}.",
                                                  name=label, shape=expected_shape, type=type(found).__name__))
        if found.shape != expected_shape and hint:
            return Problem(name, lambda label: tr("{name} has shape {found}, expected {expected} ({hint}).",
                                                  name=label, found=found.shape, expected=expected_shape, hint=hint))
        if found.shape != expected_shape:
            return Problem(name, lambda label: tr("{name} has shape {found}, expected {expected}.",
                                                  name=label, found=found.shape, expected=expected_shape))
        return None

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
        problem = self._problem(name, found, expected, tol, hint, misconceptions)
        if problem is not None:
            self.fail(problem.message())

    def _problem(self, name, found, expected, tol, hint="", misconceptions=()):
        """close()'s verdict: None if found passes, else the Problem (with the mistake recognised)."""
        expected = np.asarray(expected, dtype=np.float64)
        self.count += 2
        problem = self._shape_problem(name, found, expected.shape, hint)
        if problem is not None:
            return problem
        if not np.issubdtype(found.dtype, np.floating):
            return Problem(name, lambda label: tr("{name} has dtype {dtype}, expected a floating-point array.",
                                                  name=label, dtype=found.dtype))
        bad = ~np.isfinite(found)
        if bad.any():
            index = np.argwhere(bad)[0]
            value, where = found[tuple(index)], _index_str(index)
            if self.inputs_finite and self.inputs_largest >= LARGE_INPUT and np.isfinite(expected).all():
                return Problem(name, lambda label: tr(
                    "{name} contains {value} at index {index}; all values should be finite. {explanation}",
                    name=label, value=value, index=where, explanation=ACTIVATION_OVERFLOW.explain())
                    + " " + ACTIVATION_OVERFLOW.tag(), ACTIVATION_OVERFLOW)
            return Problem(name, lambda label: tr("{name} contains {value} at index {index}; all values should "
                                                  "be finite.", name=label, value=value, index=where))
        error = rel_error(found, expected)
        if not (error > tol and _scaled_max_error(found, expected) > tol):  # nan in expected cannot fail found
            return None
        for misconception, value in misconceptions:
            value = np.asarray(value)
            if value.shape == found.shape and rel_error(found, value) <= max(tol, TOL_FLOAT32):
                return Problem(name, lambda label, mistake=misconception: tr(
                    "{name} is wrong: {explanation}", name=label, explanation=mistake.explain())
                    + " " + mistake.tag(), misconception)
        diff = np.abs(found.astype(np.float64) - expected)
        worst = np.unravel_index(np.argmax(diff), diff.shape)
        wanted, got = _distinct_digits(expected[worst], float(found[worst]))
        lower = self.inputs_dtype is not None and found.dtype.itemsize < np.dtype(self.inputs_dtype).itemsize
        dtypes = {"dtype": found.dtype, "inputs": np.dtype(self.inputs_dtype).name if lower else ""}

        def numbers(label):
            """'h is wrong (relative error ...). Largest difference at index (i, j): expected ..., found ...'"""
            text = tr("{name} is wrong (relative error {error:.1e}, tolerance {tol:.0e}).", name=label, error=error,
                      tol=tol)
            if diff.ndim:
                return text + tr(" Largest difference at index {index}: expected {wanted}, found {got}.",
                                 index=_index_str(worst), wanted=wanted, got=got)
            return text + tr(" expected {wanted}, found {got}.", wanted=wanted, got=got)

        if lower and error <= 1000 * np.finfo(found.dtype).eps:  # rounding-sized: the dtype is the bug
            return Problem(name, lambda label: numbers(label) + tr(
                " It has dtype {dtype} but the inputs were {inputs}: {explanation}",
                explanation=PRECISION_LOST.explain(), **dtypes) + " " + PRECISION_LOST.tag(), PRECISION_LOST)

        def say(label):
            text = numbers(label)
            if lower:
                text += tr(" (Also, it has dtype {dtype} but the inputs were {inputs}.)", **dtypes)
            return text + (tr(" Hint: {hint}", hint=hint) if hint else "")
        return Problem(name, say)

    def finite_float(self, name, value, meaning):
        """Fail unless value, what function `name` returned, is a finite float; returns it as a float.

        meaning: what the number is (tr.later(N_("next month's ppm"))), for the message.
        """
        if not isinstance(value, (float, np.floating)) or not np.isfinite(value):
            self.fail(tr("{name} should return a finite float ({meaning}), it returned {value!r}.",
                         name=name, meaning=meaning, value=value))
        return float(value)

    def dict_with_keys(self, name, value, keys):
        """Fail unless value (named name, e.g. "grads") is a dict with exactly these keys."""
        if not isinstance(value, dict) or sorted(value) != sorted(keys):
            found = sorted(value) if isinstance(value, dict) else ""
            self.fail(tr("{name} should be a dict with the keys {keys}, found {type} {found}.",
                         name=name, keys=list(keys), type=type(value).__name__, found=found))

    def returns_dict_with(self, name, value, keys):
        """Fail unless value, what function `name` returned, is a dict with (at least) these keys."""
        if not isinstance(value, dict) or not set(keys) <= set(value):
            self.fail(tr("{name} should return a dict with the keys {keys}.", name=name, keys=list(keys)))

    def keeps_dtype(self, name, found, inputs_dtype):
        """Fail unless the array found has the inputs' dtype (a float32 result for float32 inputs)."""
        inputs_dtype = np.dtype(inputs_dtype)
        if found.dtype != inputs_dtype:
            self.fail(tr("{name} has dtype {dtype} for {inputs} inputs; keep the inputs' dtype.",
                         name=name, dtype=found.dtype, inputs=inputs_dtype.name))

    def not_diverged(self, name, values):
        """Fail if trained parameters (an array named name) hold a NaN or an infinity."""
        if not np.isfinite(values).all():
            self.fail(tr("{name} has values that are not finite: training diverged.", name=name))

    def within_budget(self, seconds, budget, advice, cpu=False):
        """Fail if training took more than budget seconds (of CPU time if cpu), saying how to be faster.

        advice: what to change (tr.later(N_("use fewer steps or a smaller model."))).
        """
        if seconds > budget:
            if cpu:
                self.fail(tr("training took {seconds:.1f} s of CPU, more than the budget of {budget:g} s: {advice}",
                             seconds=seconds, budget=budget, advice=advice))
            self.fail(tr("training took {seconds:.1f} s, more than the budget of {budget:g} s: {advice}",
                         seconds=seconds, budget=budget, advice=advice))

    def at_most(self, what, found, target, formats=("{:.2f}", "{:.2f}"), note=""):
        """Fail if a measured score found is above its target: '{what} is {found}; expected at most {target}{note}.'

        what: the score (tr.later(N_("your model's validation perplexity"))); formats: how found and
        target are shown, with their unit ("{:.2f} ppm"); note: a remark after the target, or "".
        """
        if found > target:
            self.fail(tr("{what} is {found}; expected at most {target}{note}.", what=what,
                         found=formats[0].format(found), target=formats[1].format(target), note=note))

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
        hint = tr("this is a centered-difference gradient check of your own forward pass.")
        problems = [self._problem(name, found, expected, tol, hint) for name, found, expected in
                    zip(names, analytic, numeric)]
        self._fail_with([problem for problem in problems if problem is not None])


def also(sentences):
    """Several failure sentences as one message: 'A. Also: B. Also: C.' (in the current language)."""
    message = sentences[0]
    for sentence in sentences[1:]:
        message = tr("{message} Also: {sentence}", message=message, sentence=sentence)
    return message


@contextmanager
def checking(function_name):
    """Run a block of checks on one learner function; print one line if all pass."""
    use_short_tracebacks()
    checks = FunctionChecks(function_name)
    yield checks
    print(f"\u2713 {function_name}: " + tr("all {count} checks passed.", count=checks.count))


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
        print(f"\u2717 {failure}" + tr(" (ungraded extension: no points)"))
    else:
        print(f"\u2713 {function_name}: "
              + tr("all {count} checks passed (ungraded extension: no points).", count=checks.count))


def random_arrays(rng, shapes, dtype=np.float64, scale=0.5):
    """Standard-normal arrays times `scale`, one per shape, in the given dtype.

    The scale keeps tanh and sigmoid away from saturation, where every gradient is ~0
    and a check would pass for wrong code.
    """
    return [(scale * rng.standard_normal(shape)).astype(dtype) for shape in shapes]


#: The scale of the weights in saturating_arrays: with inputs up to 24, pre-activations reach tens of
#: thousands, far beyond 709.8, where np.exp overflows in float64.
SATURATING_WEIGHT_SCALE = 100.0


def saturating_arrays(rng, shapes, states=1, dtype=np.float64):
    """Inputs that saturate every activation: unscaled integers 0, 1, ..., 24 and large weights.

    shapes: x's first ((N, D) or (N, T, D)), then `states` initial states (N, H) (1, or 2 for
    the LSTM's h and c), then the weights, Wx (D, G*H) first. x holds 0, 1, 2, ... (cycling
    through 0 ... 24), the raw kind of input a learner might feed a network unscaled; the
    states are 0.5 times standard normal, the weights standard normal times
    SATURATING_WEIGHT_SCALE, redrawn until every block of H columns of x @ Wx has a value
    beyond 2000 (every gate and the candidate then overflow np.exp somewhere). Correct code
    gives finite values (saturated gates, states near -1 and 1); an activation written with
    exponentials gives inf or nan.
    """
    x = (np.arange(np.prod(shapes[0])) % 25).reshape(shapes[0]).astype(np.float64)
    H = shapes[1][-1]
    Wx_at = 1 + states
    for _ in range(1000):
        arrays = ([x] + [0.5 * rng.standard_normal(s) for s in shapes[1:Wx_at]]
                  + [SATURATING_WEIGHT_SCALE * rng.standard_normal(s) for s in shapes[Wx_at:]])
        pre = np.abs(x @ arrays[Wx_at]).reshape(-1, shapes[Wx_at][1] // H, H)   # (..., G, H)
        if (pre.max(axis=(0, 2)) > 2000).all():
            break
    return [a.astype(dtype) for a in arrays]
