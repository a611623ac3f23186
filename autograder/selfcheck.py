"""A learner's self-check: run one notebook's tests and say, per function, passed or failed.

    python -m autograder check NOTEBOOK

The notebook runs top to bottom in a fresh kernel, as the grader runs it; errors do not
stop the run. On a released notebook only the visible tests exist; hidden tests run when
the exercise is graded.
"""

import subprocess
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .assignments import TEST_PREFIX, nbgrader_meta

CELL_TIMEOUT_SECONDS = 120


def error_of(cell):
    """(exception name, message) of the first error output of a cell, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), output.get("evalue", "")
    return None


def check_notebook(path, out=print):
    """Run the notebook at path and print one line per graded function; return 0 if all pass."""
    path = Path(path)
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # not a notebook at all: say so plainly
        out(f"{path}: cannot be read as a notebook ({type(error).__name__}: {error})")
        return 2
    tests = [c for c in notebook.cells if nbgrader_meta(c).get("grade_id", "").startswith(TEST_PREFIX)]
    if not tests:
        out(f"{path}: has no test cells (grade ids starting with {TEST_PREFIX!r}); is it an exercise notebook?")
        return 2

    out(f"Checking {path} (visible tests; hidden tests run when it is graded) ...")
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_SECONDS, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    stopped = ""
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel process's own log lines are noise here
    except CellTimeoutError:
        stopped = f"a cell ran longer than {CELL_TIMEOUT_SECONDS} s (an endless loop?)"
    except DeadKernelError:
        stopped = "the Python kernel died (did the code call exit() or use too much memory?)"

    broken_cells = [c for c in notebook.cells if nbgrader_meta(c).get("solution") and error_of(c)]
    passed = 0
    for cell in tests:
        function = nbgrader_meta(cell)["grade_id"][len(TEST_PREFIX):]
        error = error_of(cell)
        ran = cell.get("execution_count") is not None
        if ran and error is None:
            passed += 1
            out(f"  \u2713 {function}: passed")
            continue
        if not ran:
            reason = f"not run: {stopped}" if stopped else "not run"
        else:
            name, message = error
            message = message.removeprefix(f"{function}: ")
            reason = message if name == "CheckFailed" else f"{name}: {message}"
        out(f"  \u2717 {function}: failed: {reason}")
    for cell in broken_cells:
        name, message = error_of(cell)
        out(f"  ! the cell defining {nbgrader_meta(cell).get('grade_id', '?')} raised {name}: {message}")
    out(f"{passed} of {len(tests)} functions pass their tests.")
    return 0 if passed == len(tests) else 1
