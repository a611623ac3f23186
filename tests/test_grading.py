"""Round trips through the real grading commands, on a small class of made-up submissions.

`python -m autograder grade` must give the solution full marks, the released stub zero,
take from a wrong submission exactly the points of the functions it gets wrong, keep full
marks for correct code that writes to stderr, and turn broken submissions into a zero
with a reason. The plain nbgrader commands must work from the course root as well.
"""

import csv
import html
import re
import shutil

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.assignments import REPO, released_notebook, source_notebook
from autograder.preprocessors import StderrIsNotFailure
from conftest import edit_solution, run


def submit(folder, student, notebook=None, text=None):
    path = folder / student / "rnn" / "rnn.ipynb"
    path.parent.mkdir(parents=True)
    if notebook is not None:
        nbformat.write(notebook, str(path))
    elif text is not None:
        path.write_text(text)


def read_notebook(path):
    return nbformat.read(str(path), as_version=4)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    submitted = tmp_path_factory.mktemp("submitted")
    out = tmp_path_factory.mktemp("out")
    submit(submitted, "full", read_notebook(source_notebook("rnn")))
    submit(submitted, "stub", read_notebook(released_notebook("rnn")))
    # Forgets the gradient that flows back from later steps: only rnn_backward is wrong.
    submit(submitted, "wrong_backward", edit_solution("rnn", "rnn_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]"))
    # Forgets tanh's derivative: rnn_step_backward is wrong, and so is rnn_backward, which calls it.
    submit(submitted, "wrong_step_backward", edit_solution(
        "rnn", "rnn_step_backward", "dh_next * (1.0 - h_next * h_next)", "dh_next"))
    # Correct, but prints to stderr and warns on every call.
    submit(submitted, "noisy", edit_solution("rnn", "rnn_step_forward", "    ### BEGIN SOLUTION", (
        "    import sys, warnings\n    print('debugging', file=sys.stderr)\n"
        "    warnings.warn('overflow encountered in exp', RuntimeWarning)\n    ### BEGIN SOLUTION")))
    submit(submitted, "syntax_error", edit_solution("rnn", "rnn_backward", "T = len(step_caches)", "T = len(step_caches"))
    submit(submitted, "not_json", text='{"cells": [ oops')
    (submitted / "empty" / "rnn").mkdir(parents=True)
    process = run(["python", "-m", "autograder", "grade", "rnn", str(submitted), "--out", str(out), "--jobs", "2"])
    with open(out / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return process, rows, out


EXPECTED = {  # student: (score, points lost per function)
    "full": (10, {}),
    "stub": (0, {"rnn_step_forward": 2, "rnn_step_backward": 3, "rnn_forward": 2, "rnn_backward": 3}),
    "wrong_backward": (7, {"rnn_backward": 3}),
    "wrong_step_backward": (4, {"rnn_step_backward": 3, "rnn_backward": 3}),
    "noisy": (10, {}),
    "syntax_error": (7, {"rnn_backward": 3}),
    "not_json": (0, {"rnn_step_forward": 2, "rnn_step_backward": 3, "rnn_forward": 2, "rnn_backward": 3}),
    "empty": (0, {"rnn_step_forward": 2, "rnn_step_backward": 3, "rnn_forward": 2, "rnn_backward": 3}),
}
FULL = {"rnn_step_forward": 2, "rnn_step_backward": 3, "rnn_forward": 2, "rnn_backward": 3}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_scores_per_student_and_function(graded_class, student):
    _, rows, _ = graded_class
    row = rows[student]
    score, lost = EXPECTED[student]
    assert (row["assignment"], float(row["score"]), float(row["max_score"])) == ("rnn", score, 10)
    for function, points in FULL.items():
        assert float(row[function]) == points - lost.get(function, 0), function


def test_statuses_say_why(graded_class):
    _, rows, _ = graded_class
    assert rows["full"]["status"] == "graded" and rows["stub"]["status"] == "graded"
    assert rows["not_json"]["status"].startswith("invalid notebook: ")
    assert rows["empty"]["status"] == "missing: no rnn/rnn.ipynb in the submission"


def test_progress_line_per_submission(graded_class):
    process, rows, _ = graded_class
    for index, student in enumerate(sorted(rows), 1):
        assert f"[{index}/{len(rows)}] {student}: " in process.stdout


def feedback_text(out, student):
    page = (out / "feedback" / student / "rnn" / "rnn.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_feedback_explains_mistakes(graded_class):
    _, rows, out = graded_class
    assert set(rows) == {p.name for p in (out / "feedback").iterdir()}
    text = feedback_text(out, "wrong_backward")
    assert "Score: 7.0 / 10.0" in text
    assert "rnn_backward: dx is wrong (relative error" in text and "expected" in text and "found" in text
    # The summary table at the top: one row per function, the verdict first.
    summary = text[text.index("Your results, function by function"):text.index("Exercise: the vanilla RNN")]
    assert " ".join(summary.split()).count("\u2713 passed") == 3
    assert "rnn_backward 0 / 3 \u2717 dx is wrong (relative error" in " ".join(summary.split())
    assert "rnn_step_forward is not implemented yet" in feedback_text(out, "stub")
    assert "could not be graded: invalid notebook" in feedback_text(out, "not_json")
    assert "debugging" in feedback_text(out, "noisy")  # stderr is still shown, but costs nothing


def test_stderr_is_not_failure_is_what_keeps_the_points():
    """Without the preprocessor nbgrader would score a passing test cell that wrote to stderr as zero."""
    cell = nbformat.v4.new_code_cell("check()", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": 3, "grade_id": "test_f", "schema_version": 3}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="RuntimeWarning: overflow\n")]
    assert determine_grade(cell) == (0, 3)
    StderrIsNotFailure().preprocess_cell(cell, {}, 0)
    assert determine_grade(cell) == (3, 3)
    cell.outputs.append(nbformat.v4.new_output("error", ename="CheckFailed", evalue="wrong", traceback=[]))
    assert determine_grade(cell) == (0, 3)  # a failure still scores zero


def test_plain_nbgrader_commands_work_from_the_course_root(tmp_path):
    """generate_assignment, autograde, generate_feedback and export with the repository's config."""
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    (tmp_path / "autograder").mkdir()
    shutil.copy(REPO / "autograder" / "nbgrader_config.py", tmp_path / "autograder")
    shutil.copytree(REPO / "solutions", tmp_path / "solutions")
    run(["nbgrader", "generate_assignment", "rnn"], cwd=tmp_path)
    released = tmp_path / "chapters" / "exercises" / "rnn" / "rnn.ipynb"
    assert released.read_text() == released_notebook("rnn").read_text()
    for student, notebook in [("ada", source_notebook("rnn")), ("bo", released)]:
        (tmp_path / "submitted" / student / "rnn").mkdir(parents=True)
        shutil.copy(notebook, tmp_path / "submitted" / student / "rnn" / "rnn.ipynb")
    run(["nbgrader", "autograde", "rnn"], cwd=tmp_path)
    run(["nbgrader", "generate_feedback", "rnn"], cwd=tmp_path)
    assert (tmp_path / "feedback" / "ada" / "rnn" / "rnn.html").is_file()
    run(["nbgrader", "export", "--to", "grades.csv"], cwd=tmp_path)
    with open(tmp_path / "grades.csv") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert scores == {"ada": 10.0, "bo": 0.0}


def test_unknown_assignment_and_missing_folder_are_clear_errors(tmp_path):
    process = run(["python", "-m", "autograder", "grade", "nope", str(tmp_path)], check=False)
    assert process.returncode == 2 and "unknown assignment 'nope'" in process.stderr
    process = run(["python", "-m", "autograder", "grade", "rnn", str(tmp_path / "absent")], check=False)
    assert process.returncode == 2 and "does not exist" in process.stderr
