"""`python -m autograder grade --scheduler`: grading on a real Dask cluster started on 127.0.0.1.

A scheduler and two workers, each its own `dask` process with its own working folder and one
thread, as an instructor would start them. The class graded there gets the same grades.csv,
feedback and gradebook as with `--jobs 2` on this machine; a worker killed while it grades
costs nothing (its submissions are graded by the other, each recorded once). Every process the
cluster started, grading processes, sandboxes and kernels included, is gone at the end.
"""

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.local_cluster import LocalCluster, wait_for
from conftest import course_env, edit_solution, run, standard_submissions

pytestmark = pytest.mark.sandbox

def lay_out(folder, submissions):
    for student, notebook in submissions.items():
        path = folder / student / "rnn" / "rnn.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(notebook, str(path))
    return folder


def grade_command(submitted, out, *where):
    return [sys.executable, "-m", "autograder", "grade", "rnn", str(submitted), "--out", str(out), *where]


def csv_rows(out):
    with open(out / "grades.csv") as handle:
        return list(csv.DictReader(handle))


def gradebook_scores(out):
    """{student: total} of the rnn submissions in OUT's gradebook, read with nbgrader's API."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.find_assignment("rnn").submissions}


def small_class():
    standard = standard_submissions("rnn")
    return {"full": standard["full"], "stub": standard["stub"],
            # forgets the gradient from later steps: rnn_backward alone is wrong (3 points)
            "wrong": edit_solution("rnn", "rnn_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]")}


def test_a_dask_cluster_grades_like_local_jobs(tmp_path):
    submitted = lay_out(tmp_path / "submitted", small_class())
    local = run(grade_command(submitted, tmp_path / "local", "--jobs", "2"))
    with LocalCluster(tmp_path / "cluster") as cluster:
        remote = run(grade_command(submitted, tmp_path / "dask", "--scheduler", cluster.address))
        cluster.note_processes()
        scratch = [cluster.scratch_notebooks(f"worker{index}") for index in range(2)]
    assert cluster.left_over() == []
    assert "on 2 Dask workers" in remote.stdout and "on 2 local jobs" in local.stdout
    assert scratch == [[], []]  # the workers keep no learner's notebook

    assert {r["student_id"]: float(r["score"]) for r in csv_rows(tmp_path / "dask")} == {
        "full": 10.0, "stub": 0.0, "wrong": 7.0}
    assert (tmp_path / "dask" / "grades.csv").read_text() == (tmp_path / "local" / "grades.csv").read_text()
    for student in ["full", "stub", "wrong"]:
        feedback = Path("feedback") / student / "rnn" / "rnn.html"
        assert (tmp_path / "dask" / feedback).read_text() == (tmp_path / "local" / feedback).read_text(), student
    for name in ["functions.csv", "misconceptions.csv"]:
        report = Path("report") / name
        assert (tmp_path / "dask" / report).read_text() == (tmp_path / "local" / report).read_text()
    assert gradebook_scores(tmp_path / "dask") == gradebook_scores(tmp_path / "local") == {
        "full": 10.0, "stub": 0.0, "wrong": 7.0}


def test_a_worker_killed_while_grading_costs_nothing(tmp_path):
    learners = {f"learner{index}": notebook for index, notebook in
                enumerate(list(small_class().values()) * 2)}  # full, stub, wrong, full, stub, wrong
    expected = dict(zip(learners, [10.0, 0.0, 7.0] * 2))
    submitted = lay_out(tmp_path / "submitted", learners)
    with LocalCluster(tmp_path / "cluster") as cluster:
        grading = subprocess.Popen(grade_command(submitted, tmp_path / "out", "--scheduler", cluster.address),
                                   env=course_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            # worker1 is grading a submission right now: its scratch course holds the notebook
            wait_for(lambda: cluster.scratch_notebooks("worker1") or grading.poll() is not None, 600, "worker1 to grade")
            assert grading.poll() is None, "the run ended before worker1 was killed"
            cluster.kill("worker1")
            output, _ = grading.communicate(timeout=900)
        finally:
            if grading.poll() is None:
                grading.kill()
                grading.wait()
    assert cluster.left_over() == []
    assert grading.returncode == 0, output
    rows = csv_rows(tmp_path / "out")
    assert sorted(r["student_id"] for r in rows) == sorted(learners)  # each learner once
    assert {r["student_id"]: float(r["score"]) for r in rows} == expected
    assert all(r["status"] == "graded" for r in rows), rows
    for student in learners:
        assert output.count(f"] {student}: ") == 1, output  # recorded once
    assert gradebook_scores(tmp_path / "out") == expected
    assert "on 1 Dask worker " in output  # the run went on with the worker left


def test_an_unfit_worker_says_why():
    from autograder.fitness import course_fingerprint, unfit_reason

    mine = course_fingerprint()
    assert unfit_reason(mine) == ""
    other = {**mine, "course": "0" * 64, "torch": "1.0"}
    reason = unfit_reason(other)
    assert "course files (gatedrnn, autograder, solutions) differ from the instructor's" in reason
    assert f"it has torch {mine['torch']} instead of 1.0" in reason


def test_a_cluster_with_an_unfit_worker_grades_nothing_and_says_why(tmp_path):
    submitted = lay_out(tmp_path / "submitted", {"full": small_class()["full"]})
    no_bwrap = dict(course_env(), PATH="/nonexistent")  # this worker cannot find bubblewrap
    with LocalCluster(tmp_path / "cluster", workers=1, env=no_bwrap) as cluster:
        refused = run(grade_command(submitted, tmp_path / "out", "--scheduler", cluster.address), check=False)
        cluster.note_processes()
    assert cluster.left_over() == []
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "these Dask workers are not fit to grade, so nothing was graded" in refused.stderr
    assert "it cannot grade in a sandbox: bubblewrap (bwrap) is not installed" in refused.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()
