"""Each submission executes in a bubblewrap sandbox with resource limits.

SandboxedExecute takes the place of nbgrader's Execute preprocessor in the autograde
pipeline of `python -m autograder grade` (see autograder.submission.write_course_config). Each grading job (a worker
process, autograder.worker) starts one sandbox and runs its submissions there one after the
other (class Sandbox):

1. `bwrap` makes a new network, PID, IPC and UTS namespace: no network, no other processes
   to see, and a read-only view of only what Python needs (the system's /usr and /etc, the
   Python installation, the virtualenv, and the course's gatedrnn/ and autograder/
   packages). The solutions, the gradebook, the grading outputs and other learners'
   submissions are not mounted at all. The kernel's only writable space is its home on a
   size-limited tmpfs;
2. inside, autograder.runner starts autograder.zygote, a clean process that has imported
   what kernels import, before it reads any notebook;
3. for each submission the notebook goes to a root-only folder (the "io" folder); the runner
   empties the kernel's home and executes the notebook in a brand-new kernel forked from the
   zygote, running as an unprivileged user under rlimits with its own IPC namespace
   (autograder.limits), keeping a bounded amount of output;
4. here, the outputs are copied back onto the cells, every test cell that did not run gets an
   error (nbgrader would otherwise give a cell without output full points), and what went
   wrong is recorded in the notebook metadata for the grades' status column. Every process of
   the job's user is then killed, so nothing of one submission runs on into the next.

The wall-clock limit is enforced here: past it the sandbox is killed, and with it (PID
namespace, --die-with-parent) every process the submission started; the next submission
gets a new sandbox. So does the one after a sandbox that died or kept a process alive.
"""

import atexit
import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Integer

from .assignments import REPO
from .events import EVENTS, NO_BWRAP, NO_NAMESPACES, NOT_ROOT, NOTEBOOK_TIMED_OUT, SANDBOX_STOPPED
from .isolation import SANDBOX_UIDS, isolated_system, kill_user_processes
from .limits import SandboxLimits
from .messages import notebook_language, reworded, speaking, tr

def sandbox_problem():
    """'' if sandboxes can be made here, else why not (a sentence)."""
    if shutil.which("bwrap") is None:
        return NO_BWRAP
    if os.geteuid() != 0:
        return NOT_ROOT
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--", "/bin/true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return NO_NAMESPACES.format(error=probe.stderr.strip())
    return ""


def bwrap_command(io_dir, uid, limits):
    """The command that runs autograder.runner on io_dir inside a new sandbox (limits: a SandboxLimits)."""
    python_trees = sorted({os.path.realpath(sys.base_prefix), sys.prefix})
    mounted = python_trees + [str(REPO / "gatedrnn"), str(REPO / "autograder")]
    command = ["bwrap", *isolated_system(mounted)]
    for path in mounted:
        command += ["--ro-bind", path, path]
    command += ["--proc", "/proc", "--dev", "/dev",
                "--size", str(limits.scratch_mb * 1024 * 1024), "--tmpfs", "/sandbox",
                "--bind", io_dir, "/io", "--chdir", "/io", "--setenv", "HOME", "/io",
                "--", sys.executable, "-m", "autograder.runner", "/io", "--uid", str(uid), *limits.flags()]
    return command


class Sandbox:
    """One grading job's sandbox: started once, it executes the job's notebooks one after the other.

    Each notebook gets a kernel process of its own, forked from a clean one (autograder.zygote),
    and an emptied home; after each, every process of the job's user is killed. If a notebook
    runs past wall_seconds, or the sandbox dies, or its user's processes will not die, the
    sandbox is killed (and with its PID namespace every process in it) and the next notebook
    gets a new one.
    """

    _running = {}  # (uid, limits) -> the Sandbox of this process's grading job

    @classmethod
    def for_job(cls, uid, limits):
        key = (uid, limits)
        if key not in cls._running:
            cls._running[key] = cls(uid, limits)
        return cls._running[key]

    def __init__(self, uid, limits):
        self.uid, self.limits = uid, limits
        self.process = self.io_dir = None
        atexit.register(self.stop)

    def start(self):
        self.io_dir = tempfile.mkdtemp(prefix="autograder-io-")
        os.chmod(self.io_dir, 0o700)
        with open(self.log_path(), "w") as log:
            self.process = subprocess.Popen(bwrap_command(self.io_dir, self.uid, self.limits), stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=log, start_new_session=True)

    def log_path(self):
        return os.path.join(self.io_dir, "sandbox.log")

    def stop(self):
        """Kill the sandbox and everything in it."""
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process.stdin.close()
            self.process.stdout.close()
            self.process = None
        kill_user_processes(self.uid)
        if self.io_dir is not None:
            shutil.rmtree(self.io_dir, ignore_errors=True)
            self.io_dir = None

    def execute(self, nb, log):
        """Run a notebook; returns (the executed notebook or None, what went wrong: a list of sentences)."""
        if self.process is None:
            self.start()
        for name in ["out.ipynb", "events.json"]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.io_dir, name))
        nbformat.write(nb, os.path.join(self.io_dir, "in.ipynb"))
        events, answer = [], ""
        try:
            self.process.stdin.write(b"run\n")
            self.process.stdin.flush()
            with selectors.DefaultSelector() as selector:
                selector.register(self.process.stdout, selectors.EVENT_READ)
                if selector.select(timeout=self.limits.wall_seconds):
                    answer = self.process.stdout.readline().decode()
                else:
                    events.append(NOTEBOOK_TIMED_OUT.format(seconds=self.limits.wall_seconds))
        except BrokenPipeError:
            pass
        out_path, events_path = os.path.join(self.io_dir, "out.ipynb"), os.path.join(self.io_dir, "events.json")
        executed = None
        if answer == "done\n":
            executed = nbformat.read(out_path, as_version=4)
            with open(events_path) as handle:
                events += json.load(handle)
        elif not events:
            with open(self.log_path(), errors="replace") as handle:
                log.error("sandbox failed:\n%s", handle.read()[-3000:])
            events.append(SANDBOX_STOPPED)
        # Nothing of this notebook may reach the next: its user's processes die (a fork bomb's
        # too); where that fails, or the sandbox timed out or died, the whole sandbox goes.
        if not kill_user_processes(self.uid) or executed is None:
            self.stop()
        return executed, events


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute, but in a bubblewrap sandbox with limits (see the module docstring)."""

    limits = Dict(help="the sandbox limits, as autograder.limits.SandboxLimits fields (defaults for those left out)"
                  ).tag(config=True)
    uid = Integer(SANDBOX_UIDS.start, help="the kernel's user id (one per parallel job, see SandboxUsers)"
                  ).tag(config=True)

    def preprocess(self, nb, resources):
        executed, events = Sandbox.for_job(self.uid, SandboxLimits(**self.limits)).execute(nb, self.log)
        if executed is not None and len(executed.cells) == len(nb.cells):
            for cell, done in zip(nb.cells, executed.cells):  # sources stay ours; only outputs come back
                if cell.cell_type == "code":
                    cell.outputs = done.get("outputs", [])
                    cell.execution_count = done.get("execution_count")
        with speaking(notebook_language(nb.metadata)):  # the learner reads why, in the notebook's language
            reason = "; ".join(reworded(event, EVENTS) for event in events) or tr("it did not run")
            message = tr("This test did not run: {reason}.", reason=reason)
        for cell in nb.cells:
            if cell.cell_type == "code" and utils.is_grade(cell) and cell.get("execution_count") is None:
                cell.outputs = [nbformat.v4.new_output("error", ename="NotRun", evalue=message,
                                                       traceback=[f"NotRun: {message}"])]
        nb.metadata.setdefault("autograder", {})["events"] = events  # IndependentCheck runs next, and adds its own
        return nb, resources
