"""Each submission executes in a bubblewrap sandbox with resource limits.

SandboxedExecute takes the place of nbgrader's Execute preprocessor in the autograde
pipeline of `python -m autograder grade` (see grading.py). For one notebook it:

1. writes the notebook to a fresh root-only folder (the "io" folder);
2. starts `bwrap` with a new network, PID, IPC and UTS namespace: no network, no other
   processes to see, and a read-only view of only what Python needs (the system's /usr and
   /etc, the Python installation, the virtualenv, and the course's gatedrnn/ and
   autograder/ packages). The solutions, the gradebook, the grading outputs and other
   learners' submissions are not mounted at all. The kernel's only writable space is a
   size-limited tmpfs;
3. inside, autograder.runner executes the notebook with the kernel running as an
   unprivileged user under rlimits (autograder.limits), keeping a bounded amount of output;
4. copies the outputs back onto the cells, marks every test cell that did not run with an
   error (nbgrader would otherwise give a cell without output full points), and records
   what went wrong in the notebook metadata for the grades' status column.

The wall-clock limit is enforced here: past it the sandbox is killed, and with it (PID
namespace, --die-with-parent) every process the submission started.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from .assignments import REPO
from .isolation import SANDBOX_UIDS, isolated_system, kill_user_processes
from .outcomes import error_of, tested_function
from . import verify

# Defaults an instructor can change (python -m autograder grade --help lists the flags).
DEFAULT_LIMITS = {
    "cell_timeout": 120,  # seconds one cell may run
    "wall_seconds": 900,  # seconds the whole notebook may take, kernel start included
    "memory_mb": 2048,  # address space of the kernel; torch alone needs ~700 MB
    "cpu_seconds": 600,  # CPU time of the kernel
    "processes": 64,  # processes and threads of the kernel's user
    "file_mb": 64,  # largest file the kernel may write
    "scratch_mb": 256,  # the kernel's writable tmpfs
    "output_kb": 1024,  # cell output kept in all
}


def sandbox_problem():
    """'' if sandboxes can be made here, else why not (a sentence)."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed: `make install` installs it, or `apt-get install bubblewrap`"
    if os.geteuid() != 0:
        return "the sandbox needs root to run each kernel as its own unprivileged user"
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--", "/bin/true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return f"bwrap cannot create namespaces here: {probe.stderr.strip()}"
    return ""


def bwrap_command(io_dir, uid, limits):
    """The command that runs autograder.runner on io_dir inside a new sandbox."""
    python_trees = sorted({os.path.realpath(sys.base_prefix), sys.prefix})
    mounted = python_trees + [str(REPO / "gatedrnn"), str(REPO / "autograder")]
    command = ["bwrap", *isolated_system(mounted)]
    for path in mounted:
        command += ["--ro-bind", path, path]
    command += ["--proc", "/proc", "--dev", "/dev",
                "--size", str(limits["scratch_mb"] * 1024 * 1024), "--tmpfs", "/sandbox",
                "--bind", io_dir, "/io", "--chdir", "/io", "--setenv", "HOME", "/io",
                "--", sys.executable, "-m", "autograder.runner", "/io", "--uid", str(uid)]
    for name in ["cell_timeout", "output_kb", "memory_mb", "cpu_seconds", "processes", "file_mb"]:
        command += ["--" + name.replace("_", "-"), str(limits[name])]
    return command


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute, but in a bubblewrap sandbox with limits (see the module docstring)."""

    cell_timeout = Integer(DEFAULT_LIMITS["cell_timeout"]).tag(config=True)
    wall_seconds = Integer(DEFAULT_LIMITS["wall_seconds"]).tag(config=True)
    memory_mb = Integer(DEFAULT_LIMITS["memory_mb"]).tag(config=True)
    cpu_seconds = Integer(DEFAULT_LIMITS["cpu_seconds"]).tag(config=True)
    processes = Integer(DEFAULT_LIMITS["processes"]).tag(config=True)
    file_mb = Integer(DEFAULT_LIMITS["file_mb"]).tag(config=True)
    scratch_mb = Integer(DEFAULT_LIMITS["scratch_mb"]).tag(config=True)
    output_kb = Integer(DEFAULT_LIMITS["output_kb"]).tag(config=True)
    uid = Integer(SANDBOX_UIDS.start, help="the kernel's user id (one per parallel job, see SandboxUsers)"
                  ).tag(config=True)

    def limits(self):
        return {name: getattr(self, name) for name in DEFAULT_LIMITS}

    def preprocess(self, nb, resources):
        events = []
        executed = None
        with tempfile.TemporaryDirectory(prefix="autograder-io-") as io_dir:
            os.chmod(io_dir, 0o700)
            nbformat.write(nb, os.path.join(io_dir, "in.ipynb"))
            log_path = os.path.join(io_dir, "sandbox.log")
            with open(log_path, "w") as log:
                process = subprocess.Popen(bwrap_command(io_dir, self.uid, self.limits()), stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)
                try:
                    process.wait(timeout=self.wall_seconds)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    events.append(f"the notebook ran longer than {self.wall_seconds} s in all and was stopped")
                kill_user_processes(self.uid)  # a fork bomb's last processes, if any
            out_path, events_path = os.path.join(io_dir, "out.ipynb"), os.path.join(io_dir, "events.json")
            if os.path.exists(out_path):
                executed = nbformat.read(out_path, as_version=4)
                with open(events_path) as handle:
                    events += json.load(handle)
            elif not events:
                with open(log_path, errors="replace") as handle:
                    self.log.error("sandbox failed:\n%s", handle.read()[-3000:])
                events.append("the sandbox stopped before the notebook could run")

        if executed is not None and len(executed.cells) == len(nb.cells):
            for cell, done in zip(nb.cells, executed.cells):  # sources stay ours; only outputs come back
                if cell.cell_type == "code":
                    cell.outputs = done.get("outputs", [])
                    cell.execution_count = done.get("execution_count")
        reason = "; ".join(events) or "it did not run"
        for cell in nb.cells:
            if cell.cell_type == "code" and utils.is_grade(cell) and cell.get("execution_count") is None:
                cell.outputs = [nbformat.v4.new_output(
                    "error", ename="NotRun", evalue=f"This test did not run: {reason}.",
                    traceback=[f"NotRun: this test did not run: {reason}."])]
        events += self.independent_check(nb, resources)
        nb.metadata.setdefault("autograder", {})["events"] = events
        return nb, resources

    def independent_check(self, nb, resources):
        """Check the learner's functions again outside the kernel (autograder.verify).

        A test cell that passed in the kernel but whose function fails here gets an error
        output, so nbgrader gives it no points. A cell whose score the check outside caps (the
        forecast exercise's held-out months) keeps the smaller of the two scores. Returns the
        events to report.
        """
        cells = [c.source for c in nb.cells if c.cell_type == "code" and not utils.is_grade(c)]
        assignment = resources.get("nbgrader", {}).get("assignment")
        outcome = verify.independent_check(assignment, cells, self.uid, call_seconds=self.cell_timeout)
        if outcome is None:
            return []
        failures, caps = outcome
        overturned, lowered = [], []
        for cell in nb.cells:
            function = tested_function(cell)
            if function and failures.get(function) and not error_of(cell):
                where, rule = verify.CHECK_WORDS.get(assignment, verify.NUMPY_ONLY_WORDS)
                message = f"{function}: the check made outside your notebook, {where}, failed: {failures[function]} {rule}"
                cell.outputs.append(nbformat.v4.new_output("error", ename="CheckFailed", evalue=message,
                                                           traceback=[f"CheckFailed: {message}"]))
                overturned.append(function)
            elif function in caps and caps[function][0] < kernel_score(cell):
                cap, why = caps[function]
                if cap == 0:
                    message = f"{function}: checked outside your notebook, {why}"
                    cell.outputs.insert(0, nbformat.v4.new_output("error", ename="CheckFailed", evalue=message,
                                                                  traceback=[f"CheckFailed: {message}"]))
                else:  # nbgrader reads a cell's points from its first result: put the capped score first
                    cell.outputs[:0] = [
                        nbformat.v4.new_output("stream", name="stdout", text=f"\u25d0 checked outside your notebook, {why}\n"),
                        nbformat.v4.new_output("execute_result", data={"text/plain": f"{cap:g}"}, metadata={},
                                               execution_count=cell.get("execution_count")),
                    ]
                lowered.append(function)
        events = [f"the check outside the notebook failed for {', '.join(overturned)}"] if overturned else []
        return events + ([f"the check outside the notebook lowered the score of {', '.join(lowered)}"]
                         if lowered else [])


def kernel_score(cell):
    """The points nbgrader would give an executed test cell: 0 after an error, else its first result, else all."""
    points = float(cell.metadata.nbgrader.get("points", 0))
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return 0.0
        if output.get("output_type") == "execute_result":
            try:
                return min(points, float(output["data"]["text/plain"]))
            except (KeyError, ValueError):
                return points
    return points
