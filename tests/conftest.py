"""Shared fixtures: the repository's paths, the solution notebooks' functions, subprocess helpers."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.assignments import REPO, nbgrader_meta, source_notebook


def toc_files():
    """The book's pages in reading order, as _toc.yml lists them (paths without a suffix)."""
    import yaml

    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def course_env():
    """The environment for subprocesses: this interpreter's bin folder first on PATH (kernels, nbgrader)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run(args, cwd=REPO, check=True, timeout=900):
    """Run a command (a list) with the course environment; returns the CompletedProcess."""
    process = subprocess.run(args, cwd=cwd, env=course_env(), capture_output=True, text=True, timeout=timeout)
    if check and process.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {process.returncode}\n"
                             f"stdout:\n{process.stdout}\nstderr:\n{process.stderr}")
    return process


def solution_functions(assignment):
    """Execute the setup and solution cells of a source notebook; return its namespace."""
    notebook = nbformat.read(str(source_notebook(assignment)), as_version=4)
    namespace = {}
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("grade_id") == "setup"):
            exec(compile(cell.source, f"{assignment}.ipynb:{meta.get('grade_id')}", "exec"), namespace)
    return namespace


def solution_sources(assignment):
    """grade_id -> source of each solution cell of an assignment's source notebook."""
    notebook = nbformat.read(str(source_notebook(assignment)), as_version=4)
    return {nbgrader_meta(c)["grade_id"]: c.source for c in notebook.cells if nbgrader_meta(c).get("solution")}


def completed_release(assignment, fill=None):
    """The released notebook with the solution cells named in `fill` (default: all) written in
    from the source notebook, as a learner who solved them would have it (no hidden tests)."""
    from autograder.assignments import released_notebook

    sources = solution_sources(assignment)
    notebook = nbformat.read(str(released_notebook(assignment)), as_version=4)
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and (fill is None or grade_id in fill):
            cell.source = sources[grade_id]
    return notebook


@pytest.fixture(scope="session")
def rnn_solution():
    return solution_functions("rnn")


@pytest.fixture(scope="session")
def lstm_solution():
    return solution_functions("lstm")


def edit_solution(assignment, function, old, new, notebook=None):
    """The source notebook (or a copy of `notebook`) with one replacement made in the solution cell of `function`."""
    if notebook is None:
        notebook = nbformat.read(str(source_notebook(assignment)), as_version=4)
    else:
        notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("grade_id") == function:
            assert old in cell.source, f"{old!r} not in the solution of {function}"
            cell.source = cell.source.replace(old, new)
            return notebook
    raise AssertionError(f"no solution cell {function}")


def standard_submissions(assignment):
    """The submissions every assignment's grading test includes: student -> notebook, text or None.

    full: the source notebook (solutions and hidden tests); stub: the released notebook;
    not_json: a file that is not a notebook; empty: a folder without the notebook.
    """
    from autograder.assignments import released_notebook

    return {
        "full": nbformat.read(str(source_notebook(assignment)), as_version=4),
        "stub": nbformat.read(str(released_notebook(assignment)), as_version=4),
        "not_json": '{"cells": [ oops',
        "empty": None,
    }


def grade_submissions(assignment, submissions, folder, jobs=2, extra_args=()):
    """Lay out submissions in nbgrader's layout under folder and run `python -m autograder grade`.

    submissions maps a student id to a NotebookNode, a str (the file's raw text) or None (no file).
    Returns (completed process, {student_id: grades.csv row}, output folder).
    """
    import csv

    submitted, out = folder / "submitted", folder / "out"
    for student, content in submissions.items():
        path = submitted / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        if isinstance(content, str):
            path.write_text(content)
        elif content is not None:
            nbformat.write(content, str(path))
    process = run(["python", "-m", "autograder", "grade", assignment, str(submitted), "--out", str(out),
                   "--jobs", str(jobs), *extra_args])
    with open(out / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    return process, rows, out


def feedback_text(out, student, assignment):
    """The text of a learner's feedback page, tags stripped and whitespace collapsed."""
    import html
    import re

    page = (out / "feedback" / student / assignment / f"{assignment}.html").read_text()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def assert_scores(row, assignment, score, max_score, lost, points):
    """One grades.csv row: its total, and each part's points less what that part lost.

    points: part name -> full points; lost: part name -> points lost (absent: none).
    """
    assert (row["assignment"], float(row["score"]), float(row["max_score"])) == (assignment, score, max_score), row
    for part, full in points.items():
        assert float(row[part]) == full - lost.get(part, 0), part


def assert_standard_statuses(rows, assignment):
    """The statuses of standard_submissions(): graded, graded, invalid notebook, missing."""
    assert rows["full"]["status"] == "graded" and rows["stub"]["status"] == "graded"
    assert rows["not_json"]["status"].startswith("invalid notebook: ")
    assert rows["empty"]["status"] == f"missing: no {assignment}/{assignment}.ipynb in the submission"
