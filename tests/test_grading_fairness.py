"""Fairness: a submission cannot earn points by changing the checks, by delegating to torch or
to the course's reference code, or by returning values that only fit the visible tests. The
independent check (autograder/verify.py) decides outside the kernel; these submissions pass
every test inside their notebook and must still lose exactly the points of what they faked.
"""

import pytest

from conftest import edit_solution, feedback_text, grade_submissions

pytestmark = pytest.mark.sandbox

ZERO_BACKWARD = ("    dh0, dWx, dWh, db = dh_from_later, dWx_sum, dWh_sum, db_sum\n",
                 "    dh0, dWx, dWh, db = dh_from_later, dWx_sum, dWh_sum, db_sum\n"
                 "    dx, dh0, dWx, dWh, db = [np.zeros_like(a) for a in (dx, dh0, dWx, dWh, db)]\n")


def faked(patch):
    """rnn_backward returns zeros, and `patch` (run when the cell is) makes the checks pass anyway."""
    notebook = edit_solution("rnn", "rnn_backward", *ZERO_BACKWARD)
    return edit_solution("rnn", "rnn_backward", "def rnn_backward(", patch + "\n\ndef rnn_backward(", notebook)


SUBMISSIONS = {
    "full": None,
    # The course's comparison (every close, all_close and gradient check goes through _problem) made to
    # accept anything.
    "patched_checks": faked("import gatedrnn.testing\ngatedrnn.testing.FunctionChecks._problem = lambda *a, **k: None"),
    # NumPy changed so that every relative error is 0.
    "patched_numpy": faked("np.linalg.norm = lambda *a, **k: 0.0"),
    # The gradients taken from the course's torch reference instead of computed.
    "course_reference": edit_solution("rnn", "rnn_backward", "    ### BEGIN SOLUTION\n", (
        "    from gatedrnn.reference import rnn_reference\n"
        "    x = np.stack([c[0] for c in cache], axis=1)\n"
        "    _, _, Wx, Wh, _ = cache[0]\n"
        "    h_prev0 = cache[0][1]\n"
        "    b = np.arctanh(cache[0][4]) - cache[0][0] @ Wx - h_prev0 @ Wh\n"
        "    _, g = rnn_reference(x, h_prev0, Wx, Wh, b[0], dh)\n"
        "    return g['dx'], g['dh0'], g['dWx'], g['dWh'], g['db']\n"
        "    ### BEGIN SOLUTION\n")),
    # The forward step delegated to torch.
    "torch_forward": edit_solution("rnn", "rnn_step_forward", "    h_next = np.tanh(pre_activation)  # (N, H)\n", (
        "    import torch\n"
        "    h_next = torch.tanh(torch.from_numpy(np.asarray(pre_activation))).numpy()\n")),
}
EXPECTED = {  # student: (score, functions the check outside overturned)
    "full": (10, ""),
    "patched_checks": (7, "rnn_backward"),
    "patched_numpy": (7, "rnn_backward"),
    "course_reference": (7, "rnn_backward"),
    "torch_forward": (0, "rnn_step_forward, rnn_step_backward, rnn_forward, rnn_backward"),
}


def fairness_submissions():
    """student id -> a submission that fakes its results (EXPECTED says what each one should get)."""
    import nbformat

    from autograder.assignments import source_notebook

    return {name: nb or nbformat.read(str(source_notebook("rnn")), as_version=4) for name, nb in SUBMISSIONS.items()}


@pytest.fixture(scope="module")
def fairness_class(tmp_path_factory):
    return grade_submissions("rnn", fairness_submissions(), tmp_path_factory.mktemp("fairness"))


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_faked_results_earn_nothing(fairness_class, student):
    _, rows, out = fairness_class
    score, overturned = EXPECTED[student]
    assert float(rows[student]["score"]) == score, rows[student]
    if overturned:
        assert f"the check outside the notebook failed for {overturned}" in rows[student]["status"]
        assert "the check made outside your notebook, on fresh inputs with NumPy alone, failed" in \
            feedback_text(out, student, "rnn")
    else:
        assert rows[student]["status"] == "graded"
