"""The check outside the kernel, piece by piece: the probe runs the learner's cells once within
the cell timeout and bounds every call; where no probe sandbox can be made, the grade says so.
(The whole routes are graded in tests/test_grading_routes.py and tests/test_grading_units.py.)"""

import time

import nbformat
import numpy as np
import pytest

import autograder.independent_check
from autograder.assignments import source_notebook
from autograder.independent_check import IndependentCheck
from autograder.isolation import SandboxUsers
from autograder.preprocessors import FunctionSummary
from autograder.probe_session import GRACE_SECONDS, ProbeError, ProbeSession

needs_sandbox = pytest.mark.sandbox


@pytest.fixture
def uid():
    users = SandboxUsers(1)
    yield users.uids[0]
    users.release()


@needs_sandbox
def test_cells_run_once_and_a_hanging_cell_is_stopped_at_the_cell_timeout(uid):
    cells = ["def f(x):\n    return x + 1\n", "while True:\n    pass\n", "def g(x):\n    return 2 * x\n",
             "def h(x):\n    while True:\n        pass\n"]
    start = time.monotonic()
    session = ProbeSession(cells, uid, {"cell_timeout": 2})
    try:
        assert time.monotonic() - start < 2 + GRACE_SECONDS
        (found,) = session.call("f", [np.zeros(2)])
        assert found.tolist() == [1.0, 1.0]
        (found,) = session.call("g", [np.ones(2)])  # defined after the hanging cell: it still ran
        assert found.tolist() == [2.0, 2.0]
        start = time.monotonic()
        with pytest.raises(RuntimeError, match="did not finish within 2 s"):
            session.call("h", [np.ones(2)])
        assert time.monotonic() - start < 2 + GRACE_SECONDS
        (found,) = session.call("f", [np.ones(1)])  # the session goes on after a call ran out of time
        assert found.tolist() == [2.0]
    finally:
        session.close()


@needs_sandbox
def test_a_learner_that_blocks_the_timer_is_stopped_from_outside(uid):
    cells = ["import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n"]
    start = time.monotonic()
    with pytest.raises(ProbeError, match="cells did not finish within 1 s"):
        ProbeSession(cells, uid, {"cell_timeout": 1})
    assert time.monotonic() - start < 1 + GRACE_SECONDS + 5


def test_without_a_probe_sandbox_the_grade_says_so(monkeypatch):
    """The kernel's grade stands, and the status (events) and the feedback's summary say it was not checked."""
    monkeypatch.setattr(autograder.independent_check, "probe_problem", lambda: "bubblewrap (bwrap) is not installed")
    notebook = nbformat.read(str(source_notebook("rnn")), as_version=4)
    resources = {"nbgrader": {"assignment": "rnn"}}
    notebook, _ = IndependentCheck().preprocess(notebook, resources)
    events = notebook.metadata["autograder"]["events"]
    assert events == ["the check outside the notebook could not run (bubblewrap (bwrap) is not installed): "
                      "this grade is the notebook's tests alone"]
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            assert not cell.outputs
            cell.metadata.nbgrader["score"] = cell.metadata.nbgrader["points"]
    notebook, _ = FunctionSummary().preprocess(notebook, resources)
    assert f"**Warning:** {events[0]}." in notebook.cells[0].source
