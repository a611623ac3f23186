"""Execute one notebook inside the sandbox (autograder.sandbox starts this with bwrap).

    python -m autograder.runner IO_DIR --uid U --cell-timeout S --output-kb K [limits...]

Runs as root inside the sandbox. IO_DIR holds in.ipynb, readable by root alone; the runner
reads it into memory and deletes it before any learner code runs, so the kernel (user U,
with resource limits, see autograder.limits) never finds the hidden tests on disk. The
kernel's home and working folder is /sandbox/home on a size-limited tmpfs. Writes
IO_DIR/out.ipynb (the executed notebook) and IO_DIR/events.json (what went wrong, in words).
"""

import argparse
import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from traitlets import Integer

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


def write_kernel_spec(io_dir, args):
    """A kernel spec that starts the kernel through autograder.limits as user `uid`."""
    folder = os.path.join(io_dir, "jupyter", "kernels", KERNEL_NAME)
    os.makedirs(folder)
    argv = [sys.executable, "-m", "autograder.limits", "--uid", str(args.uid),
            "--memory-mb", str(args.memory_mb), "--cpu-seconds", str(args.cpu_seconds),
            "--processes", str(args.processes), "--file-mb", str(args.file_mb), "--home", HOME,
            "{connection_file}"]
    with open(os.path.join(folder, "kernel.json"), "w") as handle:
        json.dump({"argv": argv, "display_name": "Python 3 (sandboxed)", "language": "python"}, handle)
    os.environ["JUPYTER_PATH"] = os.path.join(io_dir, "jupyter")
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(io_dir, "runtime")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.runner")
    parser.add_argument("io_dir")
    for name in ["uid", "cell_timeout", "output_kb", "memory_mb", "cpu_seconds", "processes", "file_mb"]:
        parser.add_argument("--" + name.replace("_", "-"), type=int, required=True)
    args = parser.parse_args(argv)

    source = os.path.join(args.io_dir, "in.ipynb")
    notebook = nbformat.read(source, as_version=4)
    os.unlink(source)  # from here on the hidden tests exist only in this process's memory
    os.makedirs(HOME, exist_ok=True)
    os.chown(HOME, args.uid, args.uid)
    os.chmod(HOME, 0o700)
    write_kernel_spec(args.io_dir, args)

    events = []
    client = CappedClient(notebook, kernel_name=KERNEL_NAME, timeout=args.cell_timeout, allow_errors=True,
                          interrupt_on_timeout=True, max_output_bytes=args.output_kb * 1024,
                          resources={"metadata": {"path": HOME}})
    try:
        client.execute()
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

    nbformat.write(notebook, os.path.join(args.io_dir, "out.ipynb"))
    with open(os.path.join(args.io_dir, "events.json"), "w") as handle:
        json.dump(events, handle)


if __name__ == "__main__":
    main()
