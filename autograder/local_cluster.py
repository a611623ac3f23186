"""A real Dask cluster on this machine: `dask scheduler` and `dask worker` processes on 127.0.0.1.

For the tests (tests/test_grading_dask.py) and the benchmark (bench/grading_speed.py): each
process is started as an instructor would start it (its own working folder, `--nthreads 1`,
no nanny), and every process it ever ran, grading workers, sandboxes and kernels included,
can be checked to be gone after stop (left_over()).

    with LocalCluster(folder, workers=2) as cluster:
        ... python -m autograder grade A SUBMITTED --scheduler {cluster.address} ...
    assert cluster.left_over() == []
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

DASK = str(Path(sys.executable).parent / "dask")


class LocalCluster:
    """A scheduler and `workers` single-threaded workers under folder/, stopped on exit."""

    def __init__(self, folder, workers=2, env=None):
        self.folder, self.worker_count = Path(folder), workers
        self.env = env or dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
        self.processes, self.seen, self.address = {}, set(), None

    def _start(self, name, args):
        home = self.folder / name
        home.mkdir(parents=True)
        with open(home / "log.txt", "w") as log:
            self.processes[name] = subprocess.Popen([DASK, *args], cwd=home, env=self.env, stdout=log,
                                                    stderr=subprocess.STDOUT, start_new_session=True)
        return home

    def __enter__(self):
        try:
            scheduler_file = self.folder / "scheduler.json"
            self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                      "--scheduler-file", str(scheduler_file)])
            wait_for(lambda: scheduler_file.is_file() and scheduler_file.stat().st_size, 60, "the scheduler to start")
            self.address = json.loads(scheduler_file.read_text())["address"]
            for index in range(self.worker_count):
                self._start(f"worker{index}", ["worker", self.address, "--nthreads", "1", "--no-nanny",
                                               "--no-dashboard", "--name", f"worker{index}",
                                               "--local-directory", str(self.folder / f"worker{index}")])
            for index in range(self.worker_count):
                log = self.folder / f"worker{index}" / "log.txt"
                wait_for(lambda: "Registered to" in log.read_text(), 120, f"worker{index} to join")
        except BaseException:
            self.__exit__()
            raise
        return self

    def note_processes(self):
        """Remember every process the cluster runs now (grading workers, sandboxes, kernels...)."""
        for process in self.processes.values():
            try:
                parent = psutil.Process(process.pid)
                self.seen |= {parent.pid, *(child.pid for child in parent.children(recursive=True))}
            except psutil.NoSuchProcess:
                pass

    def scratch_notebooks(self, worker):
        """The learners' notebooks in a worker's scratch course now (one while it grades, else none)."""
        return list((self.folder / worker).glob("**/autograder-course/submitted/*/*/*.ipynb"))

    def kill(self, name):
        """SIGKILL a process (a worker, say) and all of its process group, as a crash would."""
        self.note_processes()
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def __exit__(self, *exc):
        self.note_processes()
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def left_over(self, seconds=30):
        """(pid, command) of each process the cluster ever ran that is still alive after up to `seconds`."""
        deadline = time.monotonic() + seconds
        while any(_alive(pid) for pid in self.seen) and time.monotonic() < deadline:
            time.sleep(0.5)
        return [(pid, " ".join(_command(pid))[:200]) for pid in sorted(self.seen) if _alive(pid)]


def _alive(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _command(pid):
    try:
        return psutil.Process(pid).cmdline()
    except psutil.NoSuchProcess:
        return []


def wait_for(condition, seconds, what):
    """Poll condition() until it is true; AssertionError naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)
