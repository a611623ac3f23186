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
"""

import io
import json
import os
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

PROBE = Path(__file__).with_name("probe.py")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


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


class ProbeSession:
    """The learner's cells, running in a bare sandbox; call their functions with NumPy arrays."""

    def __init__(self, cells, uid, call_seconds=120, memory_mb=2048):
        self.uid = uid
        self.call_seconds = call_seconds
        self.deadline = time.monotonic() + call_seconds  # for running the cells; each call gets its own
        python = os.path.realpath(sys.base_prefix)
        numpy_dir = Path(np.__file__).parent
        command = ["bwrap", *isolated_system([python, "/pylib/numpy"])]
        command += ["--ro-bind", python, python,
                    "--tmpfs", f"{python}/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages",
                    "--ro-bind", str(numpy_dir), "/pylib/numpy"]
        if numpy_dir.with_name("numpy.libs").is_dir():
            command += ["--ro-bind", str(numpy_dir.with_name("numpy.libs")), "/pylib/numpy.libs"]
        command += ["--ro-bind", str(PROBE), "/probe.py", "--proc", "/proc", "--dev", "/dev",
                    "--chdir", "/tmp", "--",
                    "prlimit", f"--as={memory_mb * 1024 * 1024}", "--nproc=32", "--cpu=120", "--fsize=1048576",
                    "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    f"{python}/bin/python{sys.version_info.major}.{sys.version_info.minor}", "-I", "-S", "/probe.py"]
        env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self._send({"cells": cells})

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
                raise ProbeError(f"no answer within {self.call_seconds} s (an endless loop?)")
            chunk = os.read(self.process.stdout.fileno(), min(remaining, 1 << 20))
            if not chunk:
                raise ProbeError("the sandbox stopped (the code exited, crashed or ran out of memory)")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def call(self, name, args):
        """Call the learner's function `name`; args are arrays or handles; returns a list of results.

        Each result is an ndarray or a handle (an int in a 1-tuple) for a value kept in the sandbox.
        Raises RuntimeError with the learner's exception if the function raised.
        """
        arrays, described = {}, []
        for arg in args:
            if isinstance(arg, tuple):
                described.append({"handle": arg[0]})
            else:
                arrays[f"a{len(arrays)}"] = np.asarray(arg)
                described.append({"array": f"a{len(arrays) - 1}"})
        self.deadline = time.monotonic() + self.call_seconds
        self._send({"call": name, "args": described}, arrays)
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


def verify(cells, pairs, uid, call_seconds=120, seed=None):
    """Check every pair's functions on the learner's cells in a probe sandbox, two cases each.

    Returns {function name: '' if it passed, else the reason}. If the sandbox hangs or dies
    while a function is checked (an endless loop, os._exit, a crash), that function fails
    with the reason and a fresh sandbox checks the others.
    """
    if shutil.which("bwrap") is None:
        raise RuntimeError("the independent check needs bubblewrap")
    rng = np.random.default_rng(seed)
    failures = {}
    session = None
    try:
        for pair in pairs:
            failures.update({pair.forward: "", pair.backward: ""})
            cases = [dict.fromkeys("NTDH", 1), {letter: int(rng.integers(1, 6)) for letter in "NTDH"}]
            for sizes in cases:
                inputs, upstreams = _draw(rng, pair.inputs, sizes), _draw(rng, pair.upstreams, sizes)
                expected = pair.reference(inputs, upstreams)
                case = ", ".join(f"{k}={v}" for k, v in sizes.items() if any(k in d for d in pair.inputs.values()))
                for function in (pair.forward, pair.backward):
                    if failures[function]:
                        continue
                    session = session or ProbeSession(cells, uid, call_seconds)
                    try:
                        failures[function] = _check_one(session, pair, function, inputs, upstreams, *expected, case)
                    except ProbeError as error:
                        failures[function] = str(error)
                        session.close()
                        session = None
    finally:
        if session is not None:
            session.close()
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
