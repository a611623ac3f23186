"""The class hub's grading route contains hostile submissions as `python -m autograder grade` does.

An instructor who is not root grades on the hub with `sudo gated-rnn-grade ASSIGNMENT`
(deploy/jupyterhub/grade.py): a root-owned helper that runs `python -m autograder grade` on
the collected submissions and writes the results back with the instructor's rights. Here the
submissions of the fault and fairness tests (tests/test_grading_faults.py,
tests/test_grading_fairness.py) are collected into a hub instructor's course folder and
graded that way, as that instructor: each gets the score and status those tests expect, the
snooping one finds nothing, and nothing of theirs outlives the run.
Needs root and the hub's environment (`make hub`).
"""

import csv
import html
import re
import subprocess

import nbformat
import pytest

import test_grading_fairness as fairness
import test_grading_faults as faults
from autograder.isolation import SANDBOX_UIDS
from hub import ClassHub, missing_prerequisites

pytestmark = pytest.mark.hub


@pytest.fixture(scope="module")
def graded_on_the_hub():
    problems = missing_prerequisites()
    if problems:
        pytest.fail("cannot set up the class hub here: " + "; ".join(problems))
    submissions = {f"faults-{name}": nb for name, nb in faults.fault_submissions().items()}
    submissions |= {f"fairness-{name}": nb for name, nb in fairness.fairness_submissions().items()}
    with ClassHub([], start=False) as hub:
        for student, notebook in submissions.items():  # as `nbgrader collect` lays them out
            path = hub.course / "submitted" / student / "rnn" / "rnn.ipynb"
            hub.as_user(hub.instructor, ["mkdir", "-p", str(path.parent)])
            hub.as_user(hub.instructor, ["tee", str(path)], input=nbformat.writes(notebook))
        grading = hub.as_user(hub.instructor, ["sudo", "-n", str(hub.grade_bin), "rnn", "--jobs", "2",
                                               *faults.FAULT_LIMITS], check=False, timeout=1200)
        with open(hub.course / "grading" / "rnn" / "grades.csv") as handle:
            rows = {row["student_id"]: row for row in csv.DictReader(handle)}
        feedback = {student: feedback_text(hub.course / "feedback" / student / "rnn" / "rnn.html")
                    for student in rows}
        owners = {path.stat().st_uid for path in hub.course.rglob("*")}
        yield grading, rows, feedback, owners, hub.uid(hub.instructor)


def feedback_text(path):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text())).split())


def test_grading_ran_as_the_instructor_through_sudo(graded_on_the_hub):
    grading, rows, _, owners, instructor_uid = graded_on_the_hub
    assert grading.returncode == 0, grading.stdout + grading.stderr
    assert len(rows) == len(faults.fault_submissions()) + len(fairness.SUBMISSIONS)
    assert owners == {instructor_uid}  # everything written into the course folder is the instructor's


@pytest.mark.parametrize("student", sorted(faults.EXPECTED))
def test_faults_are_contained_as_by_autograder_grade(graded_on_the_hub, student):
    _, rows, _, _, _ = graded_on_the_hub
    score, status = faults.EXPECTED[student]
    row = rows[f"faults-{student}"]
    assert float(row["score"]) == score, row
    assert status in row["status"]


def test_fork_bomb_and_snoop(graded_on_the_hub):
    _, rows, feedback, _, _ = graded_on_the_hub
    assert float(rows["faults-fork_bomb"]["score"]) < 10
    printed = re.search(r"snoop: \[(.*?)\]", feedback["faults-snoop"]).group(1)
    assert "READ" not in printed and "CONNECTED" not in printed and "WROTE" not in printed
    assert printed.count("Error") == 5


@pytest.mark.parametrize("student", sorted(fairness.EXPECTED))
def test_faked_results_earn_nothing_on_the_hub(graded_on_the_hub, student):
    _, rows, feedback, _, _ = graded_on_the_hub
    score, overturned = fairness.EXPECTED[student]
    row = rows[f"fairness-{student}"]
    assert float(row["score"]) == score, row
    if overturned:
        assert f"the check outside the notebook failed for {overturned}" in row["status"]
        assert "the check made outside your notebook" in feedback[f"fairness-{student}"]
    else:
        assert row["status"] == "graded"


def test_no_sandbox_process_outlives_the_run(graded_on_the_hub):
    listing = subprocess.run(["ps", "-eo", "uid="], capture_output=True, text=True).stdout.split()
    leftover = {uid for uid in map(int, listing) if uid in SANDBOX_UIDS}
    assert not {uid for uid in leftover if not faults.reserved_by_another_run(uid)}
