"""The probe sandbox of the independent check: the learner's cells, run once, answering calls.

The trusted side (autograder/verify.py) starts one ProbeSession per submission. Inside a bare
bubblewrap sandbox, autograder/probe.py runs the learner's code cells once, then answers calls
to their functions. Time is bounded twice: inside, a timer interrupts a cell or a call that runs
past its seconds (the rest of the notebook still runs, as in the kernel); outside, here, a
session that does not answer within those seconds plus GRACE_SECONDS (the learner blocked the
timer) is killed, and so is one that outlives the submission's whole-notebook limit. A learner
whose cells hang therefore costs at most about one cell timeout in the probe, however many
functions it has.

    with Sandboxes(cells, uid, limits) as sandboxes:
        why = sandboxes.run(check, *args)  # check(session, *args), or why the sandbox failed

limits: the submission's limits, a dict of autograder.limits.SandboxLimits fields (defaults for the rest).
"""

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
from pathlib import Path

import numpy as np

from .isolation import isolated_system, kill_user_processes
from .limits import SandboxLimits
from .messages import tr

PROBE = Path(__file__).with_name("probe.py")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
GRACE_SECONDS = 10  # starting the sandbox (and torch in it), and answering after a timer fired


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
    """The learner's cells, run once in a bare sandbox; call their functions with NumPy arrays.

    limits: the submission's limits (see the module docstring); distributions: the packages
    the sandbox has (with what they require): NumPy, and PyTorch for an assignment written
    with it. Raises ProbeError if the cells do not finish within the cell timeout.
    """

    def __init__(self, cells, uid, limits=None, distributions=("numpy",)):
        limits = SandboxLimits(**(limits or {}))
        self.uid = uid
        self.call_seconds = limits.cell_timeout
        self.end = time.monotonic() + limits.wall_seconds  # the whole probe, whatever the calls
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
        try:
            self._send({"cells": cells, "seconds": self.call_seconds,
                        "available": [name for name in distributions if name != "numpy"]})
            self._answer(self.call_seconds, tr("your notebook's cells did not finish within {seconds} s outside your "
                                               "notebook (an endless loop?)", seconds=self.call_seconds))
        except ProbeError:
            self.close()
            raise

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
            raise ProbeError(tr("the sandbox stopped (the code exited or crashed)")) from None

    def _read_exactly(self, size, deadline, late):
        chunks, remaining = [], size
        while remaining:
            if not self.selector.select(timeout=max(0.0, deadline - time.monotonic())):
                raise ProbeError(late)
            chunk = os.read(self.process.stdout.fileno(), min(remaining, 1 << 20))
            if not chunk:
                raise ProbeError(tr("the sandbox stopped (the code exited, crashed or ran out of memory)"))
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _answer(self, seconds, late):
        """The probe's next message (meta, arrays), given `seconds` (+ GRACE_SECONDS, within the whole limit)."""
        deadline = min(time.monotonic() + seconds + GRACE_SECONDS, self.end)
        (size,) = struct.unpack("<Q", self._read_exactly(8, deadline, late))
        if size > MAX_MESSAGE_BYTES:
            raise ProbeError(tr("an answer was too large"))
        try:
            with np.load(io.BytesIO(self._read_exactly(size, deadline, late)), allow_pickle=False) as data:
                received = {key: data[key] for key in data.files}
            return json.loads(str(received.pop("meta"))), received
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
            raise ProbeError(tr("a malformed answer ({error})", error=type(error).__name__)) from None

    def call(self, name, args, keep=False, seconds=None):
        """Call the learner's function `name`; args are arrays, ints or handles; returns a list of results.

        Each result is an ndarray or a handle (an int in a 1-tuple) for a value kept in the sandbox;
        keep: the whole result stays there, as one handle. seconds: this call's time limit
        (default the cell timeout). Raises RuntimeError with the learner's exception if the
        function raised or ran out of time.
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
        seconds = seconds or self.call_seconds
        self._send({"call": name, "args": described, "keep": keep, "seconds": seconds}, arrays)
        meta, received = self._answer(seconds, tr("no answer within {seconds} s (an endless loop?)", seconds=seconds))
        try:
            if not meta["ok"]:
                raise RuntimeError(meta["error"])
            return [received[r["array"]] if "array" in r else (int(r["handle"]),) for r in meta["results"]]
        except (KeyError, TypeError) as error:
            raise ProbeError(tr("a malformed answer ({error})", error=type(error).__name__)) from None


class Sandboxes:
    """The probe sandbox of one submission's independent check, started when first needed.

    The learner's cells run once. If the sandbox hangs or dies, the check running then fails
    with the reason, and so does every later one (no second run of cells that misbehaved).
    """

    def __init__(self, cells, uid, limits=None, distributions=("numpy",)):
        if shutil.which("bwrap") is None:
            raise RuntimeError("the independent check needs bubblewrap")
        self.options = dict(cells=cells, uid=uid, limits=limits, distributions=distributions)
        self.session = None
        self.broken = ""  # why the sandbox stopped, once it has

    def run(self, check, *args, failed=str):
        """check(session, *args); failed(the reason) if the sandbox hung or died, now or before."""
        try:
            if self.broken:
                raise ProbeError(self.broken)
            self.session = self.session or ProbeSession(**self.options)
            return check(self.session, *args)
        except ProbeError as error:
            self.broken = str(error)
            self.close()
            return failed(self.broken)

    def close(self):
        if self.session is not None:
            self.session.close()
            self.session = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
