"""Every grading route gives the same grade, and the check outside the kernel costs little.

The independent check is an nbgrader preprocessor (autograder/independent_check.py) in the
course's autograde pipeline, so `python -m autograder grade` (sandboxed or not) and plain
`nbgrader autograde` from the course root all run it: a submission that delegates to torch or
to the course's reference code loses the same points by each. And the probe runs the learner's
cells once per submission, with the submission's cell timeout: a notebook whose cell hangs
costs about one cell timeout there, not one per function.
"""

import csv
import re
import shutil

import nbformat
import pytest

from autograder.assignments import REPO, source_notebook
from conftest import edit_solution, feedback_text, grade_submissions, run

pytestmark = pytest.mark.sandbox

# rnn_backward's gradients taken from torch autograd instead of computed (b recovered from the cache).
AUTOGRAD_BACKWARD = ("    ### BEGIN SOLUTION\n", (
    "    import torch\n"
    "    x, h0 = np.stack([c[0] for c in cache], axis=1), cache[0][1]\n"
    "    Wx, Wh = cache[0][2], cache[0][3]\n"
    "    b = (np.arctanh(cache[0][4]) - cache[0][0] @ Wx - h0 @ Wh)[0]\n"
    "    leaves = [torch.tensor(a, requires_grad=True) for a in (x, h0, Wx, Wh, b)]\n"
    "    h_t, hs = leaves[1], []\n"
    "    for t in range(x.shape[1]):\n"
    "        h_t = torch.tanh(leaves[0][:, t] @ leaves[2] + h_t @ leaves[3] + leaves[4])\n"
    "        hs.append(h_t)\n"
    "    torch.autograd.backward(torch.stack(hs, 1), torch.from_numpy(dh))\n"
    "    return tuple(leaf.grad.numpy() for leaf in leaves)\n"
    "    ### BEGIN SOLUTION\n"))
# rnn_forward's hidden states are the course's own torch reference's.
REFERENCE_FORWARD = ("    cache = step_caches\n", "    cache = step_caches\n"
                     "    from gatedrnn.reference import rnn_reference\n"
                     "    h = rnn_reference(x, h0, Wx, Wh, b)[0]\n")
EXPECTED = {"full": 10.0, "autograd_backward": 7.0, "reference_forward": 5.0}


def delegating_submissions():
    return {"full": nbformat.read(str(source_notebook("rnn")), as_version=4),
            "autograd_backward": edit_solution("rnn", "rnn_backward", *AUTOGRAD_BACKWARD),
            "reference_forward": edit_solution("rnn", "rnn_forward", *REFERENCE_FORWARD)}


def plain_nbgrader_scores(course, submissions):
    """Scores by plain `nbgrader autograde` from a course root with the repository's configuration."""
    shutil.copy(REPO / "nbgrader_config.py", course)
    (course / "autograder").mkdir()
    shutil.copy(REPO / "autograder" / "nbgrader_config.py", course / "autograder")
    shutil.copytree(REPO / "solutions", course / "solutions")
    run(["nbgrader", "generate_assignment", "rnn"], cwd=course)
    for student, notebook in submissions.items():
        (course / "submitted" / student / "rnn").mkdir(parents=True)
        nbformat.write(notebook, str(course / "submitted" / student / "rnn" / "rnn.ipynb"))
    run(["nbgrader", "autograde", "rnn"], cwd=course)
    run(["nbgrader", "generate_feedback", "rnn"], cwd=course)
    run(["nbgrader", "export", "--to", "grades.csv"], cwd=course)
    with open(course / "grades.csv") as handle:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}


def test_every_route_gives_the_same_grade(tmp_path):
    submissions = delegating_submissions()
    _, rows, _ = grade_submissions("rnn", submissions, tmp_path / "grade", jobs=1)
    by_grade = {student: float(row["score"]) for student, row in rows.items()}
    _, rows, _ = grade_submissions("rnn", submissions, tmp_path / "unsandboxed", jobs=1, extra_args=["--unsandboxed"])
    by_unsandboxed = {student: float(row["score"]) for student, row in rows.items()}
    (tmp_path / "course").mkdir()
    by_nbgrader = plain_nbgrader_scores(tmp_path / "course", submissions)
    assert by_grade == by_unsandboxed == by_nbgrader == EXPECTED
    assert "rnn_backward: the check made outside your notebook, on fresh inputs with NumPy alone, failed" in \
        feedback_text(tmp_path / "course", "autograd_backward", "rnn")


def test_a_hanging_cell_costs_one_cell_timeout_in_the_probe(tmp_path):
    """The last solution cell hangs after defining its function: the kernel's cell timeout stops it
    (its tests still pass), and the probe's stops it once, not once per function."""
    timeout = 10
    hangs = edit_solution("rnn", "rnn_backward", "    return dx, dh0, dWx, dWh, db",
                          "    return dx, dh0, dWx, dWh, db\n\n\nwhile True:\n    pass")
    submissions = {"full": nbformat.read(str(source_notebook("rnn")), as_version=4), "hangs": hangs}
    process, rows, _ = grade_submissions("rnn", submissions, tmp_path, jobs=1, extra_args=[
        "--cell-timeout", str(timeout)])
    seconds = {student: float(re.search(rf"\] {student}: .*\(([\d.]+) s\)", process.stdout).group(1))
               for student in submissions}
    assert float(rows["hangs"]["score"]) == 10.0 and "ran longer than" in rows["hangs"]["status"]
    # One timeout in the kernel, one in the probe, a few seconds more: not one per function (4 here).
    assert seconds["hangs"] - seconds["full"] < 2 * timeout + 8, seconds
