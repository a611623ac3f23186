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

from gatedrnn.i18n import kernel_environment

from .assignments import nbgrader_meta
from .messages import notebook_language, speaking, tr
from .outcomes import error_of, failure_reason, not_run, tested_function

CELL_TIMEOUT_SECONDS = 120


def check_notebook(path, out=print):
    """Run the notebook at path and print one line per graded function; return 0 if all pass.

    The lines are in the notebook's language (its metadata, gatedrnn.i18n.notebook_language), and so
    are the kernel's messages: the kernel starts with GATEDRNN_LANGUAGE set to it.
    """
    path = Path(path)
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # not a notebook at all: say so plainly (in the environment's language)
        out(tr("{path}: cannot be read as a notebook ({error})", path=path, error=f"{type(error).__name__}: {error}"))
        return 2
    with speaking(notebook_language(notebook.metadata)):
        return _check(path, notebook, out)


def _check(path, notebook, out):
    """check_notebook on a notebook read, in the current language."""
    tests = [cell for cell in notebook.cells if tested_function(cell)]
    if not tests:
        out(tr("{path}: has no test cells; is it one of the course's exercise notebooks?", path=path))
        return 2

    out(tr("Checking {path} (visible tests; hidden tests run when it is graded) ...", path=path))
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_SECONDS, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    stopped = ""
    try:
        client.execute(stderr=subprocess.DEVNULL,  # the kernel process's own log lines are noise here
                       env=kernel_environment(notebook.metadata))
    except CellTimeoutError:
        stopped = tr(": a cell ran longer than {seconds} s (an endless loop?)", seconds=CELL_TIMEOUT_SECONDS)
    except DeadKernelError:
        stopped = tr(": the Python kernel died (did the code call exit() or use too much memory?)")

    passed = 0
    for cell in tests:
        reason = failure_reason(cell) + (stopped if not_run(cell) else "")
        passed += not reason
        out("  \u2713 " + tr("{function}: passed", function=tested_function(cell)) if not reason
            else "  \u2717 " + tr("{function}: failed: {reason}", function=tested_function(cell), reason=reason))
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("solution") and error_of(cell):
            name, message = error_of(cell)
            out("  ! " + tr("the cell defining {cell} raised {error}", cell=nbgrader_meta(cell).get("grade_id", "?"),
                            error=f"{name}: {message}"))
    out(tr("{passed} of {total} functions pass their tests.", passed=passed, total=len(tests)))
    return 0 if passed == len(tests) else 1
