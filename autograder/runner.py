"""Execute notebooks inside a sandbox, one at a time (autograder.sandbox starts this with bwrap).

    python -m autograder.runner IO_DIR --uid U [every limit: --cell-timeout S ...]

Runs as root inside the sandbox, for as long as the sandbox lives (one grading job's
submissions, one after the other). It first starts autograder.zygote, which forks a fresh
kernel for each notebook. Then, for each line on stdin: IO_DIR holds in.ipynb, readable by
root alone; the runner reads it into memory and deletes it before any learner code runs, so
the kernel (user U, with resource limits, see autograder.limits) never finds the hidden
tests on disk. The kernel's home and working folder is /sandbox/home on a size-limited
tmpfs, emptied before each notebook. Writes IO_DIR/out.ipynb (the executed notebook) and
IO_DIR/events.json (what went wrong, in words), then answers "done" on stdout.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

from .limits import SandboxLimits
from .startup import skip_unused_imports

skip_unused_imports()  # before nbformat: a sandbox starts for every submission

import nbformat  # noqa: E402

from gatedrnn.i18n import kernel_environment  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import DeadKernelError  # noqa: E402
from traitlets import Integer  # noqa: E402

KERNEL_NAME = "course-sandbox"
HOME = "/sandbox/home"


class CappedClient(NotebookClient):
    """An nbclient that keeps at most `max_output_bytes` of cell output in all.

    A submission that prints gigabytes must not take the grader's memory with it. Error
    outputs are always kept (they decide the grade), with their tracebacks shortened.
    """

    max_output_bytes = Integer(1024 * 1024)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_bytes = 0
        self.truncated = False
        self.completed = set()  # indices of the cells whose execution finished
        self.timed_out = []  # the cells stopped at the timeout

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        self.completed.add(cell_index)
        return result

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out.append(cell)
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "error":
            content = msg["content"]
            content["traceback"] = [line[:4000] for line in content.get("traceback", [])[-20:]]
            content["evalue"] = content.get("evalue", "")[:4000]
            return super().output(outs, msg, display_id, cell_index)
        size = len(json.dumps(msg["content"]))
        if self.output_bytes + size > self.max_output_bytes:
            if not self.truncated:
                self.truncated = True
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout",
                    text=f"\n[output truncated: more than {self.max_output_bytes // 1024} KB were printed]\n"))
            return None
        self.output_bytes += size
        return super().output(outs, msg, display_id, cell_index)


def write_kernel_spec(io_dir, socket_path):
    """A kernel spec whose kernel is forked by the zygote listening on socket_path (see autograder/relay.py)."""
    folder = os.path.join(io_dir, "jupyter", "kernels", KERNEL_NAME)
    os.makedirs(folder, exist_ok=True)
    relay = os.path.join(os.path.dirname(os.path.abspath(__file__)), "relay.py")
    argv = [sys.executable, "-I", "-S", relay, socket_path, "{connection_file}"]
    with open(os.path.join(folder, "kernel.json"), "w") as handle:
        json.dump({"argv": argv, "display_name": "Python 3 (sandboxed)", "language": "python"}, handle)
    os.environ["JUPYTER_PATH"] = os.path.join(io_dir, "jupyter")
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(io_dir, "runtime")


def start_zygote(args):
    """Start autograder.zygote (before any notebook is read) and wait until it is ready; returns its socket."""
    socket_path = os.path.join(args.io_dir, "zygote.sock")
    command = [sys.executable, "-m", "autograder.zygote", socket_path, "--home", HOME, "--uid", str(args.uid),
               *SandboxLimits.from_args(args).flags()]
    zygote = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    if zygote.stdout.readline().strip() != "ready":
        raise RuntimeError("the kernel zygote did not start")
    return socket_path


def fresh_home(uid):
    """An empty home for the next kernel: nothing a learner's code wrote reaches the next one."""
    shutil.rmtree(HOME, ignore_errors=True)
    os.makedirs(HOME)
    os.chown(HOME, uid, uid)
    os.chmod(HOME, 0o700)


def execute(io_dir, args):
    """Execute IO_DIR/in.ipynb into IO_DIR/out.ipynb and IO_DIR/events.json."""
    source = os.path.join(io_dir, "in.ipynb")
    notebook = nbformat.read(source, as_version=4)
    os.unlink(source)  # from here on the hidden tests exist only in this process's memory
    fresh_home(args.uid)

    events = []
    client = CappedClient(notebook, kernel_name=KERNEL_NAME, timeout=args.cell_timeout, allow_errors=True,
                          interrupt_on_timeout=True, max_output_bytes=args.output_kb * 1024,
                          resources={"metadata": {"path": HOME}})
    try:  # the relay started for this notebook's kernel passes its language on to the zygote (relay.py)
        client.execute(env=kernel_environment(notebook.metadata))
    except DeadKernelError:
        events.append("the Python kernel died (the code called exit, crashed, or ran out of memory or CPU time)")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and index not in client.completed:
            cell.execution_count = None  # autograder.sandbox marks unfinished test cells as not run
    if client.timed_out:
        events.append(f"a cell ran longer than {args.cell_timeout} s and was stopped")
        message = f"This cell did not finish within {args.cell_timeout} s (an endless loop?) and was stopped."
        for cell in client.timed_out:  # the kernel reported a KeyboardInterrupt: say what really happened
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"] + [nbformat.v4.new_output(
                "error", ename="CellTimeoutError", evalue=message, traceback=[f"CellTimeoutError: {message}"])]
    if client.truncated:
        events.append(f"more than {args.output_kb} KB of output were printed; the rest was dropped")

    nbformat.write(notebook, os.path.join(io_dir, "out.ipynb"))
    with open(os.path.join(io_dir, "events.json"), "w") as handle:
        json.dump(events, handle)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.runner")
    parser.add_argument("io_dir")
    parser.add_argument("--uid", type=int, required=True)
    SandboxLimits.add_arguments(parser, required=True)
    args = parser.parse_args(argv)

    requests, answers = sys.stdin, os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # what this process and its children print goes to the log, not into the answers
    sys.stdout = sys.stderr
    write_kernel_spec(args.io_dir, start_zygote(args))
    for _ in requests:  # one line per notebook to run; between notebooks, autograder.sandbox has
        execute(args.io_dir, args)  # killed every process of the kernel's user
        answers.write("done\n")
        answers.flush()


if __name__ == "__main__":
    main()
