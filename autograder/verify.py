"""The independent check: a function's points are decided outside the learner's kernel too.

Inside the kernel a submission can change anything: numpy, builtins, the test helpers. So
after the notebook has run, the learner's own cells (not the tests) run a second time in a
bare sandbox that has only the Python standard library and NumPy (autograder/probe.py): no
torch, no course packages, no files of the course, no network. This trusted process draws
fresh random inputs, calls the learner's functions there, and compares what comes back with
torch.nn, here, where the learner's code never runs. A function whose test cell passed in
the kernel but fails here loses its points, with feedback that says why. That defeats
patched checks, values read from disk, outputs hard-coded for the visible tests, and
functions that delegate to torch or to the course's reference code.

The forecast exercise is written with PyTorch, so its sandbox has PyTorch too (still not the
course's package). There the exact functions are compared with gatedrnn.worked.forecasting on fresh
series, and the learner's forecaster is trained and asked for its forecasts one month at a
time: the held-out months, which the hidden test in the kernel holds too (where learner code
could read them), never enter the sandbox but as the history of a month already forecast,
and the score is computed here. The function keeps the smaller of the two scores.

The gru_torch exercise's classes run in a sandbox with PyTorch too, where every built-in GRU
is forbidden before the learner's cells run (gatedrnn/builtin_gru.py, patched entry points and
a torch-function mode that sees the kernels however they are reached). A trusted driver
(autograder/gru_torch_probe.py) builds each class with fresh sizes, loads a torch.nn module's
parameters into it and returns its outputs and gradients in float64; torch.nn decides here.

Which check a unit runs, and with what, is data in its solutions/<a>/unit.py (CHECK, see
autograder/units.py): a PairsCheck, an ExactCheck (with a ForecasterCheck), or a ModulesCheck.
Every check runs the learner's cells once (autograder/probe_session.py) and is told which
functions to leave out: those that scored zero in the kernel have nothing to lose.
"""

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gatedrnn.i18n import language
from gatedrnn.testing import TOL_FLOAT64, CheckFailed, FunctionChecks

from .messages import N_, tr
from .probe_session import Sandboxes

WITH_TORCH = ("numpy", "torch")  # the sandbox's packages for an exercise written with PyTorch
NUMPY_ONLY = ("numpy",)


@dataclass(frozen=True)
class CachedPair:
    """A forward function returning (outputs..., cache) and its backward taking (upstreams..., cache).

    inputs/upstreams: argument name -> dimensions (gatedrnn.shapes letters), in argument order
    (a gatedrnn.reference *_LAYOUT); reference: the name of a gatedrnn.reference function
    f(*inputs, *upstreams) -> (outputs..., dict of gradients); outputs and gradients: names.
    """
    forward: str
    backward: str
    inputs: dict
    outputs: tuple
    upstreams: dict
    gradients: tuple
    reference: str

    def expected(self, inputs, upstreams):
        """(dict of outputs, dict of gradients) of the reference."""
        import gatedrnn.reference

        *outputs, grads = getattr(gatedrnn.reference, self.reference)(*inputs.values(), *upstreams.values())
        return dict(zip(self.outputs, outputs)), grads


def run_check(check, cells, uid, limits=None, skip=frozenset(), seed=None):
    """(failures, caps) of a unit's check on the learner's cells, run once in one probe sandbox.

    check: a unit's CHECK (PairsCheck, ExactCheck, ModulesCheck, or anything with packages,
    cells(learner_cells) and verify(sandboxes, rng, skip)); limits: the submission's limits;
    skip: functions not to check (they scored zero in the kernel: nothing to take away).
    failures: {function: '' or why it fails}; caps: {function: (most points it may keep, why)}.
    """
    with Sandboxes(check.cells(cells), uid, limits, check.packages) as sandboxes:
        return check.verify(sandboxes, np.random.default_rng(seed), frozenset(skip))


class Check:
    """What every check shares: its sandbox's packages, its cells, and the feedback's words.

    where: how the feedback describes the check ("... outside your notebook, WHERE, failed");
    rule: what it asks of the learner. Both are per unit: the defaults below are in the catalog
    (autograder/messages_ja.py); a unit's own give each language, {"en": text, "ja": text}.
    """
    packages = NUMPY_ONLY
    where = N_("on fresh inputs with NumPy alone")
    rule = N_("Your function must compute its results itself, in NumPy, without torch, the course's helpers, "
              "or changes to the tests.")

    def __init__(self, where=None, rule=None):
        self.where, self.rule = where or self.where, rule or self.rule

    def words(self):
        """(where, rule) in the current language."""
        return tuple(tr.shown(text) if isinstance(text, str) else text.get(language(), text["en"])
                     for text in (self.where, self.rule))

    def cells(self, learner_cells):
        """The cells the probe runs: the learner's, in order."""
        return list(learner_cells)


def _draw(rng, layouts, sizes):
    """Arrays of 0.5 * standard normal values for each name -> dimensions."""
    arrays = {}
    for name, dims in layouts.items():
        shape = []
        for dim in dims.split():
            factor, letter = (int(dim[:-1]), dim[-1]) if dim[:-1].isdigit() else (1, dim)
            shape.append(factor * sizes[letter])
        arrays[name] = 0.5 * rng.standard_normal(shape)
    return arrays


def _check_one(session, pair, function, inputs, upstreams, expected_outputs, expected_gradients, case):
    """'' or why `function` (the pair's forward or backward) fails on one case."""
    checks = FunctionChecks(function)
    try:
        results = session.call(pair.forward, list(inputs.values()))
        if len(results) != len(pair.outputs) + 1:
            raise wrong_count(pair.forward, len(results), len(pair.outputs) + 1)
        if function == pair.forward:
            for name, found in zip(pair.outputs, results):
                checks.close(f"{name} ({case})", _array(found, name), expected_outputs[name], TOL_FLOAT64)
            return ""
        grads = session.call(pair.backward, list(upstreams.values()) + [results[-1]])
        if len(grads) != len(pair.gradients):
            raise wrong_count(pair.backward, len(grads), len(pair.gradients))
        for name, found in zip(pair.gradients, grads):
            checks.close(f"{name} ({case})", _array(found, name), expected_gradients[name], TOL_FLOAT64)
        return ""
    except (CheckFailed, RuntimeError) as error:
        return str(error).removeprefix(f"{function}: ")


def wrong_count(function, found, expected):
    """The failure of a function that returned `found` items where `expected` were due."""
    return CheckFailed(tr("{function} returned {found} items, expected {expected}", function=function, found=found,
                          expected=expected))


def _array(found, name):
    if isinstance(found, tuple):
        raise CheckFailed(tr("{name} is not a NumPy array of numbers", name=name))
    return found


class PairsCheck(Check):
    """Forward/backward pairs (CachedPairs) against gatedrnn.reference's torch.nn runs, two cases each:
    every size 1, then random sizes. NumPy alone in the sandbox."""

    def __init__(self, pairs, **words):
        super().__init__(**words)
        self.pairs = list(pairs)
        self.functions = [name for pair in self.pairs for name in (pair.forward, pair.backward)]

    def verify(self, sandboxes, rng, skip):
        failures = {}
        for pair in self.pairs:
            checked = [function for function in (pair.forward, pair.backward) if function not in skip]
            failures.update(dict.fromkeys(checked, ""))
            for sizes in [dict.fromkeys("NTDH", 1), {letter: int(rng.integers(1, 6)) for letter in "NTDH"}]:
                inputs, upstreams = _draw(rng, pair.inputs, sizes), _draw(rng, pair.upstreams, sizes)
                expected = pair.expected(inputs, upstreams)
                case = ", ".join(f"{k}={v}" for k, v in sizes.items() if any(k in d for d in pair.inputs.values()))
                for function in checked:
                    if not failures[function]:
                        failures[function] = sandboxes.run(_check_one, pair, function, inputs, upstreams,
                                                           *expected, case)
        return failures, {}


# -- functions whose results must equal a reference module's exactly ---------------------------

@dataclass(frozen=True)
class ExactFunction:
    """A function whose results must equal the reference module's on inputs drawn at grading time.

    draw(rng) -> list of cases, each a list of arguments (arrays or ints); outputs: result names.
    """
    name: str
    outputs: tuple
    draw: object


class ExactCheck(Check):
    """ExactFunctions compared with `reference`'s functions of the same names on fresh inputs;
    then, optionally, `then`: a further check (a ForecasterCheck) in the same sandbox.

    reference: a module name (e.g. "gatedrnn.worked.forecasting"), or any object with those functions.
    """

    def __init__(self, reference, functions, then=None, packages=NUMPY_ONLY, **words):
        super().__init__(**words)
        self.reference, self.exact, self.then, self.packages = reference, list(functions), then, packages
        self.functions = [check.name for check in self.exact] + (then.functions if then else [])

    def verify(self, sandboxes, rng, skip):
        module = importlib.import_module(self.reference) if isinstance(self.reference, str) else self.reference
        failures = {check.name: sandboxes.run(_check_exact, module, check, rng)
                    for check in self.exact if check.name not in skip}
        caps = {}
        if self.then is not None:
            more, caps = self.then.verify(sandboxes, rng, skip)
            failures.update(more)
        return failures, caps


def _check_exact(session, module, check, rng):
    """'' or why the learner's `check.name` differs from the reference module's on fresh inputs."""
    checks = FunctionChecks(check.name)
    try:
        for args in check.draw(rng):
            expected = getattr(module, check.name)(*args)
            expected = expected if isinstance(expected, tuple) else (expected,)
            found = session.call(check.name, args)
            if len(found) != len(check.outputs):
                raise wrong_count(check.name, len(found), len(check.outputs))
            case = ", ".join(str(arg.shape) if isinstance(arg, np.ndarray) else str(arg) for arg in args)
            for name, value, want in zip(check.outputs, found, expected):
                checks.close(tr("{name} (inputs {case})", name=name, case=case), _array(value, name), want, TOL_FLOAT64)
        return ""
    except (CheckFailed, RuntimeError) as error:
        return str(error).removeprefix(f"{check.name}: ")


# -- a forecaster trained in the sandbox and scored on held-out months -----------------------

def heldout_series(assignment, name="HELDOUT_CO2_PPM"):
    """The held-out months of an exercise, as its source notebook's hidden test lists them under `name` (F,)."""
    from .assignments import source_notebook

    import nbformat

    for cell in nbformat.read(str(source_notebook(assignment)), as_version=4).cells:
        for node in ast.walk(ast.parse(cell.source)) if name in cell.source else []:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == name:
                return np.array(ast.literal_eval(node.value), dtype=np.float64)
    raise RuntimeError(f"the source notebook of {assignment} has no {name}")


def _learner_rolling(session, model, history, future):
    """The learner's forecast(model, history), called in the sandbox month after month over future."""
    from gatedrnn.forecasting import rolling_forecasts

    def predict_next(series):
        (value,) = session.call("forecast", [model, series])
        if isinstance(value, tuple) or value.shape != () or not np.isfinite(value):
            raise CheckFailed(tr("forecast did not return a finite float (next month's value)"))
        return float(value)

    return rolling_forecasts(predict_next, history, future)


class ForecasterCheck:
    """train_forecaster and forecast, trained and run in the sandbox, scored here on held-out months.

    train_forecaster is trained on 1958-2015 (seed 0) and must forecast 2016-2019 with an MAE at
    most MARGIN times seasonal naive's; then it is trained on every public month and forecasts
    the held-out months (heldout_series(assignment)) one at a time, scored by
    gatedrnn.forecasting.forecast_points: forecast keeps the smaller of that and its kernel score.
    """
    functions = ["train_forecaster", "forecast"]

    def __init__(self, assignment):
        self.assignment = assignment

    def verify(self, sandboxes, rng, skip):
        if {"train_forecaster", "forecast"} <= skip:
            return {}, {}
        from .assignments import graded_functions, source_notebook

        points = {f.name: f.points for f in graded_functions(source_notebook(self.assignment))}["forecast"]
        failure, cap = sandboxes.run(self._check, points, failed=lambda why: (why, (0.0, why)))
        return {"train_forecaster": failure}, {"forecast": cap}

    def _check(self, session, points):
        """(why train_forecaster fails or '', (points forecast may keep, why))."""
        from gatedrnn.worked.forecasting import (MARGIN, TRAIN_SECONDS, forecast_points, load_co2, mae, rolling_forecasts,
                                                 seasonal_naive, split_by_time)

        _, ppm = load_co2()
        train, validation = split_by_time(ppm, 48)
        heldout = heldout_series(self.assignment)
        limit = 3 * TRAIN_SECONDS  # the kernel's test holds the budget itself; here only a runaway stops
        train_failure = ""
        try:
            (model,) = session.call("train_forecaster", [train, 0], keep=True, seconds=limit)
            found = mae(validation, _learner_rolling(session, model, train, validation))
            naive = mae(validation, rolling_forecasts(seasonal_naive, train, validation))
            if not found <= MARGIN * naive:
                train_failure = tr("trained outside your notebook, your forecaster's validation MAE (2016-2019) was "
                                   "{found:.2f} ppm; expected at most {limit:.2f} ppm.", found=found, limit=MARGIN * naive)
        except (CheckFailed, RuntimeError) as error:
            train_failure = str(error)
        try:
            (model,) = session.call("train_forecaster", [ppm, 0], keep=True, seconds=limit)
            predictions = _learner_rolling(session, model, ppm, heldout)
        except (CheckFailed, RuntimeError) as error:
            return train_failure, (0.0, tr("trained outside your notebook, your forecaster failed: {error}", error=error))
        naive = mae(heldout, rolling_forecasts(seasonal_naive, ppm, heldout))
        return train_failure, forecast_points(mae(heldout, predictions), naive, points)


# -- classes against torch.nn modules, built-in GRUs forbidden ---------------------------------

@dataclass(frozen=True)
class ModuleCase:
    """One call of a learner's class in the sandbox, and the torch.nn module it must match.

    probe: the function of the driver that runs it, given sizes (ints), then inputs (an
    empty array for a state left out: the module is called without it), upstreams and the
    reference's parameters; results: names of the outputs, then of the inputs' gradients.
    """
    cls: str
    probe: str
    reference: object
    sizes: list
    inputs: list
    upstreams: list
    results: list
    text: str
    part: str = ""  # the graded part (test cell) this case decides, when it is not cls itself

    @property
    def graded(self):
        return self.part or self.cls


def _drawn_parameters(module, draw):
    """module in float64, its parameters set to draw(*shape)."""
    import torch

    with torch.no_grad():
        for parameter in module.double().parameters():
            parameter.copy_(torch.from_numpy(draw(*parameter.shape)))
    return module


def _gru_torch_cases(rng):
    """ModuleCases with fresh random sizes and values: the cell with and without h and biases; the
    GRU with 1 and 2 layers, batch first or not, with and without biases and h0; and the same GRU
    with bidirectional=True, which decides the graded part GRU_bidirectional.
    """
    import torch

    N, T, D, H = (int(n) for n in rng.integers(1, 6, size=4))
    draw = lambda *shape: 0.5 * rng.standard_normal(shape)  # noqa: E731
    cases = []
    for bias, with_h in [(True, True), (False, False)]:
        cell = _drawn_parameters(torch.nn.GRUCell(D, H, bias=bias), draw)
        cases.append(ModuleCase("GRUCell", "probe_gru_cell", cell, [D, H, int(bias)], [draw(N, D), draw(N, H)[:N * with_h]],
                                [draw(N, H)], ["h_next", "dx", "dh"][:2 + with_h],
                                f"N={N}, D={D}, H={H}, bias={bias}, h={'given' if with_h else 'None'}"))
    for L, bias, batch_first, with_h in [(2, True, False, True), (1, False, True, False), (2, False, True, True)]:
        gru = _drawn_parameters(torch.nn.GRU(D, H, num_layers=L, bias=bias, batch_first=batch_first), draw)
        x, out = ((N, T, D), (N, T, H)) if batch_first else ((T, N, D), (T, N, H))
        cases.append(ModuleCase("GRU", "probe_gru", gru, [D, H, L, int(bias), int(batch_first)],
                                [draw(*x), draw(L, N, H)[:L * with_h]], [draw(*out), draw(L, N, H)],
                                ["output", "h_n", "dx", "dh0"][:3 + with_h],
                                f"N={N}, T={T}, D={D}, H={H}, num_layers={L}, bias={bias}, "
                                f"batch_first={batch_first}, h0={'given' if with_h else 'None'}"))
    Tb = T + 1  # GRU_bidirectional: at least 2 steps, or both directions read the same
    for L, bias, batch_first, with_h in [(2, True, True, True), (1, False, False, False)]:
        gru = _drawn_parameters(torch.nn.GRU(D, H, num_layers=L, bias=bias, batch_first=batch_first,
                                             bidirectional=True), draw)
        x, out = ((N, Tb, D), (N, Tb, 2 * H)) if batch_first else ((Tb, N, D), (Tb, N, 2 * H))
        cases.append(ModuleCase("GRU", "probe_gru_bidirectional", gru, [D, H, L, int(bias), int(batch_first)],
                                [draw(*x), draw(2 * L, N, H)[:2 * L * with_h]], [draw(*out), draw(2 * L, N, H)],
                                ["output", "h_n", "dx", "dh0"][:3 + with_h],
                                f"N={N}, T={Tb}, D={D}, H={H}, num_layers={L}, bias={bias}, batch_first={batch_first}, "
                                f"bidirectional=True, h0={'given' if with_h else 'None'}", part="GRU_bidirectional"))
    return cases


def _check_module(session, case):
    """'' or why the learner's class fails one ModuleCase: its results are compared with the reference's here."""
    import torch

    reference = case.reference
    tensors = [torch.from_numpy(value).requires_grad_() for value in case.inputs if value.size]
    outputs = reference(*tensors)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    loss = sum((out * torch.from_numpy(up)).sum() for out, up in zip(outputs, case.upstreams))
    expected = [*outputs, *torch.autograd.grad(loss, tensors + list(reference.parameters()))]
    names = [*case.results, *(f"d{n}" for n, _ in reference.named_parameters())]
    parameters = [p.detach().numpy() for p in reference.parameters()]
    checks = FunctionChecks(case.cls)
    try:
        found = session.call(case.probe, [*case.sizes, *case.inputs, *case.upstreams, *parameters])
        if len(found) != len(names):
            raise CheckFailed(tr("returned {found} results, expected {expected}", found=len(found), expected=len(names)))
        for name, value, want in zip(names, found, expected):
            checks.close(f"{name} ({case.text})", _array(value, name), want.detach().numpy(), TOL_FLOAT64)
        return ""
    except (CheckFailed, RuntimeError) as error:
        return str(error).removeprefix(f"{case.cls}: ").rstrip(".") + "."


class ModulesCheck(Check):
    """Learner classes against torch.nn modules, in a sandbox with PyTorch.

    parts: the graded parts (test cells) the cases decide (ModuleCase.graded); cases(rng) ->
    ModuleCases; driver: a file of trusted functions run as a last cell after the
    learner's (autograder/gru_torch_probe.py); forbid_builtin_gru: gatedrnn/builtin_gru.py's
    guard runs before the learner's cells, so every built-in GRU is forbidden there.
    """
    packages = WITH_TORCH

    def __init__(self, parts, cases, driver, forbid_builtin_gru=False, **words):
        super().__init__(**words)
        self.functions, self.cases, self.driver, self.forbid_builtin_gru = list(parts), cases, driver, forbid_builtin_gru

    def cells(self, learner_cells):
        before = []
        if self.forbid_builtin_gru:
            from gatedrnn import builtin_gru

            before = [Path(builtin_gru.__file__).read_text() + (
                "\n_BUILTIN_GRU_CALLS = []\n_BUILTIN_GRU_BANS = [builtin_gru_forbidden(_BUILTIN_GRU_CALLS), "
                "BuiltinGRUWatch(_BUILTIN_GRU_CALLS)]\n[ban.__enter__() for ban in _BUILTIN_GRU_BANS]  # for good\n")]
        return [*before, *learner_cells, Path(self.driver).read_text()]

    def verify(self, sandboxes, rng, skip):
        failures = {part: "" for part in self.functions if part not in skip}
        if failures:
            for case in self.cases(rng):
                if case.graded in failures and not failures[case.graded]:
                    failures[case.graded] = sandboxes.run(_check_module, case)
        return failures, {}


GRU_TORCH_PROBE = Path(__file__).with_name("gru_torch_probe.py")  # the gru_torch unit's driver
