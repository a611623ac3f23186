"""Round trip of every unit through `python -m autograder grade`, on a made-up class per unit.

Each unit's submissions and what they must score are data: the standard ones (the solution gets
full marks, the released stub zero, a file that is not a notebook and a missing notebook a zero
with the reason) and the unit's CASES in solutions/<a>/unit.py (autograder/units.py): a wrong
submission loses exactly the points of the functions it gets wrong, with feedback that says
why, by name where a misconception is recognised. Every grading route runs the check outside
the kernel (tests/test_grading_routes.py proves they agree).
"""

import csv
import re

import nbformat
import pytest

from autograder.assignments import assignment_names, source_notebook
from autograder.outcomes import misconception_ids
from autograder.units import Case, load_unit
from conftest import assert_scores, assert_standard_statuses, edit_solution, feedback_text, grade_submissions, \
    standard_submissions

UNITS = {name: load_unit(name) for name in assignment_names()}
STANDARD = ("full", "stub", "not_json", "empty")
GRADED = {}  # unit -> (process, rows, out), graded once for all the tests of that unit


def expected_cases(unit):
    """{student: Case} of a unit's round trip: the standard four, with what the unit adds to them, and its CASES."""
    everything = dict(unit.points)
    standard = {"full": Case(), "stub": Case(lost=everything), "not_json": Case(lost=everything, status=None),
                "empty": Case(lost=everything, status=None)}
    cases = {}
    for student in STANDARD:
        declared = unit.cases.get(student, Case())
        assert not declared.edits and not declared.lost, f"{unit.name}: the standard {student} is not edited"
        cases[student] = Case(**{**declared.__dict__, "lost": standard[student].lost, "status": standard[student].status})
    cases.update({student: case for student, case in unit.cases.items() if student not in STANDARD})
    return cases


def submissions(unit):
    """{student: notebook, text or None} of a unit's round trip."""
    made = standard_submissions(unit.name)
    for student, case in expected_cases(unit).items():
        if student in STANDARD:
            continue
        notebook = made[case.base] if case.base else None
        for grade_id, old, new in case.edits:
            notebook = edit_solution(unit.name, grade_id, old, new, notebook=notebook)
        made[student] = notebook
    return made


@pytest.fixture
def graded(tmp_path_factory):
    def grade(name):
        if name not in GRADED:
            GRADED[name] = grade_submissions(name, submissions(UNITS[name]), tmp_path_factory.mktemp(name), jobs=2)
        return GRADED[name]
    return grade


STUDENTS = [(name, student) for name, unit in UNITS.items() for student in expected_cases(unit)]


def test_every_unit_declares_cases_beyond_the_standard_ones():
    for name, unit in UNITS.items():
        assert set(unit.cases) - set(STANDARD), f"{name} declares no grading case (CASES in its unit.py)"


@pytest.mark.parametrize("name,student", STUDENTS)
def test_scores_per_student_and_function(graded, name, student):
    _, rows, _ = graded(name)
    unit = UNITS[name]
    lost = expected_cases(unit)[student].lost
    points = unit.points
    assert_scores(rows[student], name, sum(points.values()) - sum(lost.values()), sum(points.values()), lost, points)


@pytest.mark.parametrize("name", sorted(UNITS))
def test_statuses_say_why(graded, name):
    _, rows, _ = graded(name)
    assert_standard_statuses(rows, name)
    for student, case in expected_cases(UNITS[name]).items():
        if student not in STANDARD and case.status is not None:
            assert rows[student]["status"] == case.status, student


@pytest.mark.parametrize("name", sorted(UNITS))
def test_progress_line_and_feedback_per_submission(graded, name):
    process, rows, out = graded(name)
    assert sorted(rows) == sorted(expected_cases(UNITS[name]))
    for student in rows:
        assert f"] {student}: " in process.stdout
    assert f"[{len(rows)}/{len(rows)}]" in process.stdout
    assert set(rows) == {p.name for p in (out / "feedback").iterdir()}
    assert "could not be graded: invalid notebook" in feedback_text(out, "not_json", name)


def summary(text, unit):
    """The per-function (or per-class) table at the top of a feedback page, up to the notebook's title."""
    notebook = nbformat.read(str(source_notebook(unit.name)), as_version=4)
    title = next(c.source for c in notebook.cells if c.cell_type == "markdown").splitlines()[0].lstrip("# ")
    start = text.index(f"Your results, {unit.kind} by {unit.kind}")
    return text[start:text.index(title, start)]


def row(table, unit, function):
    """One function's row of a summary table: from its name and points to the next row."""
    starts = {name: re.search(rf"(?<![\w`]){re.escape(name)} [\d.]+ / [\d.]+", table) for name in unit.points}
    begin = starts[function].start()
    ends = [match.start() for match in starts.values() if match and match.start() > begin]
    return table[begin:min(ends, default=len(table))]


@pytest.mark.parametrize("name,student", STUDENTS)
def test_feedback_says_what_the_case_expects(graded, name, student):
    _, rows, out = graded(name)
    unit, case = UNITS[name], expected_cases(UNITS[name])[student]
    if student in ("not_json", "empty"):
        return  # no notebook: test_progress_line_and_feedback_per_submission reads their pages
    text = feedback_text(out, student, name)
    table = summary(text, unit)
    for phrase in case.feedback:
        assert phrase in text, phrase
    phrases = case.summary if isinstance(case.summary, dict) else {phrase: None for phrase in case.summary}
    for phrase, count in phrases.items():
        assert (table.count(phrase) == count) if count is not None else phrase in table, phrase
    if case.passed is not None:
        assert table.count("\u2713 passed") == case.passed
    if case.misconceptions is not None:
        assert misconception_ids(table) == case.misconceptions
        assert rows[student]["misconceptions"] == " ".join(dict.fromkeys(case.misconceptions))
    for function, wanted in case.rows.items():
        for phrase in wanted:
            assert phrase in row(table, unit, function), (function, phrase)
    for function, ids in case.row_misconceptions.items():
        assert misconception_ids(row(table, unit, function)) == ids, function


@pytest.mark.parametrize("name", sorted(UNITS))
def test_class_report(graded, name):
    _, rows, out = graded(name)
    cases = expected_cases(UNITS[name])
    with open(out / "report" / "functions.csv") as handle:
        passed = {row["function"]: (int(row["passed"]), int(row["learners"])) for row in csv.DictReader(handle)}
    expected = {function: sum(1 for case in cases.values() if function not in case.lost) for function in UNITS[name].points}
    assert passed == {function: (count, len(cases)) for function, count in expected.items()}
    page = (out / "report" / "report.html").read_text()
    assert "data:image/png;base64," in page  # the score histogram, embedded
    assert f"{len(cases)} learners" in page and "Pass rate per function" in page
    assert 'src="http' not in page  # self-contained: opens offline
    # Misconceptions counted for the class, among the learners whose cases say which they hit.
    declared = {student: case.misconceptions for student, case in cases.items() if case.misconceptions is not None}
    with open(out / "report" / "misconceptions.csv") as handle:
        counted = {row["misconception"]: set(row["student_ids"].split()) & set(declared)
                   for row in csv.DictReader(handle)}
    wanted = {}
    for student, ids in declared.items():
        for identifier in ids:
            wanted.setdefault(identifier, set()).add(student)
    assert {k: v for k, v in counted.items() if v} == wanted
    for identifier in wanted:
        assert identifier in page
