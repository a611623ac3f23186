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

from .assignments import nbgrader_meta
from .outcomes import error_of, failure_reason, tested_function

CELL_TIMEOUT_SECONDS = 120


def check_notebook(path, out=print):
    """Run the notebook at path and print one line per graded function; return 0 if all pass."""
    path = Path(path)
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # not a notebook at all: say so plainly
        out(f"{path}: cannot be read as a notebook ({type(error).__name__}: {error})")
        return 2
    tests = [cell for cell in notebook.cells if tested_function(cell)]
    if not tests:
        out(f"{path}: has no test cells; is it one of the course's exercise notebooks?")
        return 2

    out(f"Checking {path} (visible tests; hidden tests run when it is graded) ...")
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_SECONDS, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    stopped = ""
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel process's own log lines are noise here
    except CellTimeoutError:
        stopped = f": a cell ran longer than {CELL_TIMEOUT_SECONDS} s (an endless loop?)"
    except DeadKernelError:
        stopped = ": the Python kernel died (did the code call exit() or use too much memory?)"

    passed = 0
    for cell in tests:
        reason = failure_reason(cell)
        if reason == "not run":
            reason += stopped
        passed += not reason
        out(f"  \u2713 {tested_function(cell)}: passed" if not reason
            else f"  \u2717 {tested_function(cell)}: failed: {reason}")
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("solution") and error_of(cell):
            name, message = error_of(cell)
            out(f"  ! the cell defining {nbgrader_meta(cell).get('grade_id', '?')} raised {name}: {message}")
    out(f"{passed} of {len(tests)} functions pass their tests.")
    return 0 if passed == len(tests) else 1
