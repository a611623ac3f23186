"""Grading behaviour shared by all assignments: the nbgrader preprocessors, the plain nbgrader
workflow from the course root, command-line errors, and one round trip per assignment
(tests/test_grading_units.py, fed by each unit's declared cases)."""

import csv
import shutil

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.assignments import REPO, assignment_names, released_notebook, source_notebook
from autograder.preprocessors import StderrIsNotFailure
from conftest import run


@pytest.mark.parametrize("name", assignment_names())
def test_every_assignment_has_a_grading_round_trip(name):
    """tests/test_grading_units.py grades each unit's declared cases; none is left out."""
    from autograder.units import load_unit

    assert load_unit(name).cases


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


@pytest.mark.sandbox
def test_a_stopped_run_keeps_its_grades_and_resumes(tmp_path):
    """Stop the grading after the first submission; the next run grades only the others."""
    import os
    import signal
    import subprocess
    import sys

    from conftest import course_env

    submitted = tmp_path / "submitted"
    for student in ["a1", "a2", "a3"]:
        (submitted / student / "rnn").mkdir(parents=True)
        shutil.copy(source_notebook("rnn"), submitted / student / "rnn" / "rnn.ipynb")
    command = [sys.executable, "-m", "autograder", "grade", "rnn", str(submitted), "--out", str(tmp_path / "out")]
    first = subprocess.Popen(command, cwd=REPO, env=course_env(), stdout=subprocess.PIPE, text=True,
                             start_new_session=True)
    for line in first.stdout:
        if line.startswith("[1/3]"):
            os.killpg(first.pid, signal.SIGKILL)  # the whole run, nbgrader and sandboxes included
            break
    first.wait()
    with open(tmp_path / "out" / "grades.csv") as handle:
        assert [row["student_id"] for row in csv.DictReader(handle)] == ["a1"]

    second = run(command)
    assert "Resuming: 1 submissions already graded, 2 to grade." in second.stdout
    assert "] a1:" not in second.stdout
    with open(tmp_path / "out" / "grades.csv") as handle:
        assert {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)} == {
            "a1": 10.0, "a2": 10.0, "a3": 10.0}


def test_grading_runs_never_share_a_sandbox_user():
    from autograder.isolation import SandboxUsers

    first, second = SandboxUsers(2), SandboxUsers(2)
    try:
        assert len(set(first.uids + second.uids)) == 4
    finally:
        first.release()
        second.release()
    again = SandboxUsers(1)  # released ids can be taken again
    assert again.uids[0] <= min(first.uids + second.uids)  # lowest free id first
    again.release()


def test_a_worker_that_dies_costs_its_submission_a_zero_with_the_reason(tmp_path):
    """Submissions are graded in worker processes (autograder.worker); one that dies must not
    lose the row or stop the run: the submission gets a zero and a status that says why."""
    from autograder.grading import ClassGrader
    from autograder.settings import GradingSettings
    from autograder.submission import write_course_config
    from autograder.worker import WorkerProcess, grade_in

    (tmp_path / "submitted" / "a1" / "rnn").mkdir(parents=True)
    shutil.copy(source_notebook("rnn"), tmp_path / "submitted" / "a1" / "rnn" / "rnn.ipynb")
    settings = GradingSettings.make("rnn", tmp_path / "submitted", tmp_path / "out", sandbox=False)
    grader = ClassGrader(settings)
    write_course_config(settings)
    # the worker raises on start and exits
    worker = WorkerProcess(settings.replace(assignment="no-such-assignment"), None,
                           tmp_path / "out" / "logs" / "worker-0.log")
    try:
        result = grade_in(worker, settings, grader.functions, "a1")
    finally:
        worker.close()
    assert (result.score, result.function_scores) == (0.0, {f.name: 0.0 for f in grader.functions})
    assert result.status.startswith("the grading worker stopped (exit status 1)")
    assert "unknown assignment 'no-such-assignment'" in (tmp_path / "out" / "logs" / "worker-0.log").read_text()
    assert "could not be graded: the grading worker stopped" in settings.feedback_path("a1").read_text()
