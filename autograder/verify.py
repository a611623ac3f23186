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
course's package). There the exact functions are compared with gatedrnn.forecasting on fresh
series, and the learner's forecaster is trained and asked for its forecasts one month at a
time: the held-out months, which the hidden test in the kernel holds too (where learner code
could read them), never enter the sandbox but as the history of a month already forecast,
and the score is computed here. The function keeps the smaller of the two scores.

The gru_torch exercise's classes run in a sandbox with PyTorch too, where every built-in GRU
is forbidden before the learner's cells run (gatedrnn/builtin_gru.py, patched entry points and
a torch-function mode that sees the kernels however they are reached). A trusted driver
(autograder/gru_torch_probe.py) builds each class with fresh sizes, loads a torch.nn module's
parameters into it and returns its outputs and gradients in float64; torch.nn decides here.
"""

import ast
import importlib.metadata
import io
import json
import os
import re
import selectors
import shutil
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gatedrnn.testing import TOL_FLOAT64, CheckFailed, FunctionChecks

from .isolation import isolated_system, kill_user_processes
from .limits import SandboxLimits

PROBE = Path(__file__).with_name("probe.py")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
WITH_TORCH = ("numpy", "torch")  # the sandbox's packages for an exercise written with PyTorch


@dataclass(frozen=True)
class CachedPair:
    """A forward function returning (outputs..., cache) and its backward taking (upstreams..., cache).

    inputs/upstreams: argument name -> dimensions (gatedrnn.shapes letters), in argument order.
    reference(inputs, upstreams) -> (dict of outputs, dict of gradients), both keyed by name.
    """
    forward: str
    backward: str
    inputs: dict
    outputs: tuple
    upstreams: dict
    gradients: tuple
    reference: object


class ProbeError(Exception):
    """The probe sandbox did not answer properly (it died, hung, or sent garbage)."""


def package_entries(distributions):
    """The site-packages entries (folders and modules) of distributions and of all they require.

    Inputs: distribution names, e.g. ["numpy"] or ["numpy", "torch"].
    Returns a sorted list of Paths, each a top-level folder or .py file of the environment.
    """
    seen, todo, entries = set(), list(distributions), set()
    while todo:
        name = re.split(r"[ ;<>=!~\[(]", todo.pop())[0].lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        todo += [requirement for requirement in distribution.requires or [] if "extra ==" not in requirement]
        for file in distribution.files or []:
            top = file.parts[0]
            if not (top.endswith((".dist-info", ".pth")) or top in ("..", "__pycache__") or top.startswith("_distutils")):
                entries.add(Path(distribution.locate_file(top)))
    return sorted(entry for entry in entries if entry.exists())


class ProbeSession:
    """The learner's cells, running in a bare sandbox; call their functions with NumPy arrays.

    distributions: the packages the sandbox has (with what they require): NumPy, and PyTorch
    for an assignment written with it.
    """

    def __init__(self, cells, uid, call_seconds=120, distributions=("numpy",), limits=SandboxLimits()):
        self.uid = uid
        self.call_seconds = call_seconds
        self.deadline = time.monotonic() + call_seconds  # for running the cells; each call gets its own
        self.seconds_allowed = call_seconds
        python = os.path.realpath(sys.base_prefix)
        mounts = {f"/pylib/{entry.name}": entry for entry in package_entries(distributions)}
        command = ["bwrap", *isolated_system([python, *mounts])]
        command += ["--ro-bind", python, python,
                    "--tmpfs", f"{python}/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"]
        for target, entry in mounts.items():
            command += ["--ro-bind", str(entry), target]
        if "torch" in distributions:  # PyTorch writes to a temporary folder: a small one it may write to
            command += ["--perms", "1777", "--size", str(64 * 1024 * 1024), "--tmpfs", "/tmp"]
        command += ["--ro-bind", str(PROBE), "/probe.py", "--proc", "/proc", "--dev", "/dev",
                    "--chdir", "/tmp", "--",
                    "prlimit", *limits.prlimit_flags(),
                    "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    f"{python}/bin/python{sys.version_info.major}.{sys.version_info.minor}", "-I", "-S", "/probe.py"]
        env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self._send({"cells": cells, "available": [name for name in distributions if name != "numpy"]})

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        kill_user_processes(self.uid)

    def _send(self, meta, arrays=None):
        buffer = io.BytesIO()
        np.savez(buffer, meta=np.array(json.dumps(meta)), **(arrays or {}))
        payload = buffer.getvalue()
        try:
            self.process.stdin.write(struct.pack("<Q", len(payload)) + payload)
            self.process.stdin.flush()
        except BrokenPipeError:
            raise ProbeError("the sandbox stopped (the code exited or crashed)") from None

    def _read_exactly(self, size):
        chunks, remaining = [], size
        while remaining:
            if not self.selector.select(timeout=max(0.0, self.deadline - time.monotonic())):
                raise ProbeError(f"no answer within {self.seconds_allowed} s (an endless loop?)")
            chunk = os.read(self.process.stdout.fileno(), min(remaining, 1 << 20))
            if not chunk:
                raise ProbeError("the sandbox stopped (the code exited, crashed or ran out of memory)")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def call(self, name, args, keep=False, seconds=None):
        """Call the learner's function `name`; args are arrays, ints or handles; returns a list of results.

        Each result is an ndarray or a handle (an int in a 1-tuple) for a value kept in the sandbox;
        keep: the whole result stays there, as one handle. seconds: this call's time limit
        (default call_seconds). Raises RuntimeError with the learner's exception if the function raised.
        """
        arrays, described = {}, []
        for arg in args:
            if isinstance(arg, tuple):
                described.append({"handle": arg[0]})
            elif isinstance(arg, int):
                described.append({"int": arg})
            else:
                arrays[f"a{len(arrays)}"] = np.asarray(arg)
                described.append({"array": f"a{len(arrays) - 1}"})
        self.seconds_allowed = seconds or self.call_seconds
        self.deadline = time.monotonic() + self.seconds_allowed
        self._send({"call": name, "args": described, "keep": keep}, arrays)
        (size,) = struct.unpack("<Q", self._read_exactly(8))
        if size > MAX_MESSAGE_BYTES:
            raise ProbeError("an answer was too large")
        try:
            with np.load(io.BytesIO(self._read_exactly(size)), allow_pickle=False) as data:
                received = {key: data[key] for key in data.files}
            meta = json.loads(str(received.pop("meta")))
            if not meta["ok"]:
                raise RuntimeError(meta["error"])
            return [received[r["array"]] if "array" in r else (int(r["handle"]),) for r in meta["results"]]
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
            raise ProbeError(f"a malformed answer ({type(error).__name__})") from None


class Sandboxes:
    """The probe sandbox of one independent check: started when first needed, and again after one
    hung or died, so that one function's endless loop or crash does not fail the others.

        with Sandboxes(cells, uid, call_seconds) as sandboxes:
            why = sandboxes.run(check, *args)  # check(session, *args), or why the sandbox failed
    """

    def __init__(self, cells, uid, call_seconds, distributions=("numpy",), limits=SandboxLimits()):
        if shutil.which("bwrap") is None:
            raise RuntimeError("the independent check needs bubblewrap")
        self.options = dict(cells=cells, uid=uid, call_seconds=call_seconds, distributions=distributions, limits=limits)
        self.session = None

    def run(self, check, *args, failed=str):
        """check(session, *args); failed(the reason) if the sandbox hung or died meanwhile."""
        self.session = self.session or ProbeSession(**self.options)
        try:
            return check(self.session, *args)
        except ProbeError as error:
            self.close()
            return failed(str(error))

    def close(self):
        if self.session is not None:
            self.session.close()
            self.session = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
            raise CheckFailed(f"{pair.forward} returned {len(results)} items, expected {len(pair.outputs) + 1}")
        if function == pair.forward:
            for name, found in zip(pair.outputs, results):
                checks.close(f"{name} ({case})", _array(found, name), expected_outputs[name], TOL_FLOAT64)
            return ""
        grads = session.call(pair.backward, list(upstreams.values()) + [results[-1]])
        if len(grads) != len(pair.gradients):
            raise CheckFailed(f"{pair.backward} returned {len(grads)} items, expected {len(pair.gradients)}")
        for name, found in zip(pair.gradients, grads):
            checks.close(f"{name} ({case})", _array(found, name), expected_gradients[name], TOL_FLOAT64)
        return ""
    except (CheckFailed, RuntimeError) as error:
        return str(error).removeprefix(f"{function}: ")


def _array(found, name):
    if isinstance(found, tuple):
        raise CheckFailed(f"{name} is not a NumPy array of numbers")
    return found


def verify(cells, pairs, uid, call_seconds=120, seed=None, limits=SandboxLimits()):
    """Check every pair's functions on the learner's cells in a probe sandbox, two cases each.

    Returns {function name: '' if it passed, else the reason}. If the sandbox hangs or dies
    while a function is checked (an endless loop, os._exit, a crash), that function fails
    with the reason and a fresh sandbox checks the others.
    """
    rng = np.random.default_rng(seed)
    failures = {}
    with Sandboxes(cells, uid, call_seconds, limits=limits) as sandboxes:
        for pair in pairs:
            failures.update({pair.forward: "", pair.backward: ""})
            cases = [dict.fromkeys("NTDH", 1), {letter: int(rng.integers(1, 6)) for letter in "NTDH"}]
            for sizes in cases:
                inputs, upstreams = _draw(rng, pair.inputs, sizes), _draw(rng, pair.upstreams, sizes)
                expected = pair.reference(inputs, upstreams)
                case = ", ".join(f"{k}={v}" for k, v in sizes.items() if any(k in d for d in pair.inputs.values()))
                for function in (pair.forward, pair.backward):
                    if not failures[function]:
                        failures[function] = sandboxes.run(_check_one, pair, function, inputs, upstreams,
                                                           *expected, case)
    return failures


# -- what is checked for each assignment -------------------------------------------------------

def _rnn_step(i, u):
    from gatedrnn.reference import rnn_step_reference
    h_next, grads = rnn_step_reference(*i.values(), u["dh_next"])
    return {"h_next": h_next}, grads


def _rnn(i, u):
    from gatedrnn.reference import rnn_reference
    h, grads = rnn_reference(*i.values(), u["dh"])
    return {"h": h}, grads


def _lstm_step(i, u):
    from gatedrnn.reference import lstm_step_reference
    h_next, c_next, grads = lstm_step_reference(*i.values(), u["dh_next"], u["dc_next"])
    return {"h_next": h_next, "c_next": c_next}, grads


def _lstm(i, u):
    from gatedrnn.reference import lstm_reference
    h, grads = lstm_reference(*i.values(), u["dh"])
    return {"h": h}, grads


def _gru_step(i, u):
    from gatedrnn.reference import gru_step_reference
    h_next, grads = gru_step_reference(*i.values(), u["dh_next"])
    return {"h_next": h_next}, grads


def _gru(i, u):
    from gatedrnn.reference import gru_reference
    h, grads = gru_reference(*i.values(), u["dh"])
    return {"h": h}, grads


ASSIGNMENT_PAIRS = {
    "rnn": [
        CachedPair("rnn_step_forward", "rnn_step_backward",
                   {"x": "N D", "h_prev": "N H", "Wx": "D H", "Wh": "H H", "b": "H"}, ("h_next",),
                   {"dh_next": "N H"}, ("dx", "dh_prev", "dWx", "dWh", "db"), _rnn_step),
        CachedPair("rnn_forward", "rnn_backward",
                   {"x": "N T D", "h0": "N H", "Wx": "D H", "Wh": "H H", "b": "H"}, ("h",),
                   {"dh": "N T H"}, ("dx", "dh0", "dWx", "dWh", "db"), _rnn),
    ],
    "lstm": [
        CachedPair("lstm_step_forward", "lstm_step_backward",
                   {"x": "N D", "h_prev": "N H", "c_prev": "N H", "Wx": "D 4H", "Wh": "H 4H", "b": "4H"},
                   ("h_next", "c_next"), {"dh_next": "N H", "dc_next": "N H"},
                   ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"), _lstm_step),
        CachedPair("lstm_forward", "lstm_backward",
                   {"x": "N T D", "h0": "N H", "c0": "N H", "Wx": "D 4H", "Wh": "H 4H", "b": "4H"}, ("h",),
                   {"dh": "N T H"}, ("dx", "dh0", "dc0", "dWx", "dWh", "db"), _lstm),
    ],
    "gru": [
        CachedPair("gru_step_forward", "gru_step_backward",
                   {"x": "N D", "h_prev": "N H", "Wx": "D 3H", "Wh": "H 3H", "bx": "3H", "bh": "3H"}, ("h_next",),
                   {"dh_next": "N H"}, ("dx", "dh_prev", "dWx", "dWh", "dbx", "dbh"), _gru_step),
        CachedPair("gru_forward", "gru_backward",
                   {"x": "N T D", "h0": "N H", "Wx": "D 3H", "Wh": "H 3H", "bx": "3H", "bh": "3H"}, ("h",),
                   {"dh": "N T H"}, ("dx", "dh0", "dWx", "dWh", "dbx", "dbh"), _gru),
    ],
}


# -- the forecast exercise: exact functions, and a forecaster scored on held-out months --------

HELDOUT_NAME = "HELDOUT_CO2_PPM"  # the list of held-out values in the source notebook's hidden test


@dataclass(frozen=True)
class ExactFunction:
    """A function whose results must equal gatedrnn.forecasting's on inputs drawn at grading time.

    draw(rng) -> list of cases, each a list of arguments (arrays or ints); outputs: result names.
    """
    name: str
    outputs: tuple
    draw: object


def _forecast_cases_make_windows(rng):
    return [[400.0 + rng.standard_normal(M), T] for M, T in [(2, 1), (int(rng.integers(15, 40)), int(rng.integers(1, 13)))]]


def _forecast_cases_standardize(rng):
    cases = []
    for M1, M2 in [(2, 1), (int(rng.integers(10, 40)), int(rng.integers(1, 15)))]:
        train = 350.0 + 10.0 * rng.standard_normal(M1)
        cases.append([train, train.max() + 5.0 + rng.random(M2)])
    return cases


def _forecast_cases_seasonal_naive(rng):
    return [[400.0 + rng.standard_normal(M), horizon, season]
            for M, horizon, season in [(5, 7, 2), (int(rng.integers(24, 50)), int(rng.integers(1, 30)), 12)]]


FORECAST_EXACT = [
    ExactFunction("make_windows", ("X", "y"), _forecast_cases_make_windows),
    ExactFunction("standardize", ("train_z", "rest_z", "mean", "std"), _forecast_cases_standardize),
    ExactFunction("seasonal_naive", ("forecast",), _forecast_cases_seasonal_naive),
]


def _check_exact(session, check, rng):
    """'' or why the learner's `check.name` differs from gatedrnn.forecasting's on fresh inputs."""
    from gatedrnn import forecasting

    checks = FunctionChecks(check.name)
    try:
        for args in check.draw(rng):
            expected = getattr(forecasting, check.name)(*args)
            expected = expected if isinstance(expected, tuple) else (expected,)
            found = session.call(check.name, args)
            if len(found) != len(check.outputs):
                raise CheckFailed(f"{check.name} returned {len(found)} items, expected {len(check.outputs)}")
            case = ", ".join(str(arg.shape) if isinstance(arg, np.ndarray) else str(arg) for arg in args)
            for name, value, want in zip(check.outputs, found, expected):
                checks.close(f"{name} (inputs {case})", _array(value, name), want, TOL_FLOAT64)
        return ""
    except (CheckFailed, RuntimeError) as error:
        return str(error).removeprefix(f"{check.name}: ")


def heldout_series(assignment="forecast"):
    """The held-out months of the forecast exercise, as its source notebook's hidden test lists them (F,)."""
    from .assignments import source_notebook

    import nbformat

    for cell in nbformat.read(str(source_notebook(assignment)), as_version=4).cells:
        for node in ast.walk(ast.parse(cell.source)) if HELDOUT_NAME in cell.source else []:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == HELDOUT_NAME:
                return np.array(ast.literal_eval(node.value), dtype=np.float64)
    raise RuntimeError(f"the source notebook of {assignment} has no {HELDOUT_NAME}")


def _learner_rolling(session, model, history, future):
    """The learner's forecast(model, history), called in the sandbox month after month over future."""
    from gatedrnn.forecasting import rolling_forecasts

    def predict_next(series):
        (value,) = session.call("forecast", [model, series])
        if isinstance(value, tuple) or value.shape != () or not np.isfinite(value):
            raise CheckFailed("forecast did not return a finite float (next month's value)")
        return float(value)

    return rolling_forecasts(predict_next, history, future)


def _check_forecaster(session, points):
    """(why train_forecaster fails or '', (points forecast may keep, why)), trained and run in the sandbox.

    train_forecaster is trained on 1958-2015 (seed 0) and must forecast 2016-2019 with an MAE at
    most MARGIN times seasonal naive's; then it is trained on every public month and forecasts
    the held-out months one at a time, scored by gatedrnn.forecasting.forecast_points.
    """
    from gatedrnn.forecasting import (MARGIN, TRAIN_SECONDS, forecast_points, load_co2, mae, rolling_forecasts,
                                      seasonal_naive, split_by_time)

    _, ppm = load_co2()
    train, validation = split_by_time(ppm, 48)
    heldout = heldout_series()
    limit = 3 * TRAIN_SECONDS  # the kernel's test holds the budget itself; here only a runaway stops
    train_failure = ""
    try:
        (model,) = session.call("train_forecaster", [train, 0], keep=True, seconds=limit)
        found = mae(validation, _learner_rolling(session, model, train, validation))
        naive = mae(validation, rolling_forecasts(seasonal_naive, train, validation))
        if not found <= MARGIN * naive:
            train_failure = (f"trained outside your notebook, your forecaster's validation MAE (2016-2019) was "
                             f"{found:.2f} ppm; expected at most {MARGIN * naive:.2f} ppm.")
    except (CheckFailed, RuntimeError) as error:
        train_failure = str(error)
    try:
        (model,) = session.call("train_forecaster", [ppm, 0], keep=True, seconds=limit)
        predictions = _learner_rolling(session, model, ppm, heldout)
    except (CheckFailed, RuntimeError) as error:
        return train_failure, (0.0, f"trained outside your notebook, your forecaster failed: {error}")
    naive = mae(heldout, rolling_forecasts(seasonal_naive, ppm, heldout))
    return train_failure, forecast_points(mae(heldout, predictions), naive, points)


def verify_forecast(cells, uid, call_seconds=120, seed=None, limits=SandboxLimits()):
    """The forecast exercise's independent check. Returns (failures, caps).

    failures: {function: '' if it passed, else why}; caps: {function: (the most points it may
    keep, why)} for the held-out score of `forecast`.
    """
    from .assignments import graded_functions, source_notebook

    points = {f.name: f.points for f in graded_functions(source_notebook("forecast"))}
    rng = np.random.default_rng(seed)
    failures, caps = {}, {}
    with Sandboxes(cells, uid, call_seconds, WITH_TORCH, limits) as sandboxes:
        for check in FORECAST_EXACT:
            failures[check.name] = sandboxes.run(_check_exact, check, rng)
        failures["train_forecaster"], caps["forecast"] = sandboxes.run(
            _check_forecaster, points["forecast"], failed=lambda why: (why, (0.0, why)))
    return failures, caps


# -- the gru_torch exercise: the learner's modules against torch.nn, built-in GRUs forbidden ---

GRU_TORCH_PROBE = Path(__file__).with_name("gru_torch_probe.py")


@dataclass(frozen=True)
class ModuleCase:
    """One call of a learner's class in the sandbox, and the torch.nn module it must match.

    probe: the function of gru_torch_probe.py that runs it, given sizes (ints), then inputs (an
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


def _drawn_parameters(module, draw):
    """module in float64, its parameters set to draw(*shape)."""
    import torch

    with torch.no_grad():
        for parameter in module.double().parameters():
            parameter.copy_(torch.from_numpy(draw(*parameter.shape)))
    return module


def _gru_torch_cases(rng):
    """ModuleCases with fresh random sizes and values: the cell with and without h and biases; the
    GRU with 1 and 2 layers, batch first or not, with and without biases and h0.
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
            raise CheckFailed(f"returned {len(found)} results, expected {len(names)}")
        for name, value, want in zip(names, found, expected):
            checks.close(f"{name} ({case.text})", _array(value, name), want.detach().numpy(), TOL_FLOAT64)
        return ""
    except (CheckFailed, RuntimeError) as error:
        return str(error).removeprefix(f"{case.cls}: ").rstrip(".") + "."


def verify_gru_torch(cells, uid, call_seconds=120, seed=None, limits=SandboxLimits()):
    """The gru_torch exercise's independent check: {"GRUCell"/"GRU": '' if it passed, else why}.

    The sandbox has PyTorch; every built-in GRU is forbidden there (gatedrnn/builtin_gru.py)
    before the learner's cells run, and the driver (autograder/gru_torch_probe.py) after them.
    """
    from gatedrnn import builtin_gru

    guard = Path(builtin_gru.__file__).read_text()
    guard += ("\n_BUILTIN_GRU_CALLS = []\n_BUILTIN_GRU_BANS = [builtin_gru_forbidden(_BUILTIN_GRU_CALLS), "
              "BuiltinGRUWatch(_BUILTIN_GRU_CALLS)]\n[ban.__enter__() for ban in _BUILTIN_GRU_BANS]  # for good\n")
    cells = [guard, *cells, GRU_TORCH_PROBE.read_text()]
    failures = {"GRUCell": "", "GRU": ""}
    with Sandboxes(cells, uid, call_seconds, WITH_TORCH, limits) as sandboxes:
        for case in _gru_torch_cases(np.random.default_rng(seed)):
            if not failures[case.cls]:
                failures[case.cls] = sandboxes.run(_check_module, case)
    return failures


# How the feedback describes the check outside the notebook, and what it asks of the learner.
NUMPY_ONLY_WORDS = ("on fresh inputs with NumPy alone", "Your function must compute its results itself, in NumPy, "
                    "without torch, the course's helpers, or changes to the tests.")
CHECK_WORDS = {"forecast": ("in a fresh process with NumPy and PyTorch but not the course's package",
                            "Your functions must compute their results themselves, without the course's helpers "
                            "or changes to the tests."),
              "gru_torch": ("in a fresh process with PyTorch but not the course's package, against torch.nn "
                            "with built-in GRUs forbidden",
                            "Your class must compute the GRU itself from tensor operations, without a built-in "
                            "GRU, the course's helpers or changes to the tests.")}


def independent_check(assignment, cells, uid, call_seconds=120, limits=SandboxLimits()):
    """(failures, caps) of an assignment's learner cells checked outside the kernel; None if it has no check.

    failures: {function: '' or why it fails}; caps: {function: (most points it may keep, why)}.
    """
    if assignment in ASSIGNMENT_PAIRS:
        return verify(cells, ASSIGNMENT_PAIRS[assignment], uid, call_seconds, limits=limits), {}
    if assignment == "forecast":
        return verify_forecast(cells, uid, call_seconds, limits=limits)
    if assignment == "gru_torch":
        return verify_gru_torch(cells, uid, call_seconds, limits=limits), {}
    return None
