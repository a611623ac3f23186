"""Shared by the tests: tolerances, shapes and random draws, the `sandbox` marker, the solution
notebooks' functions, subprocess helpers and the grading round trip."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.assignments import REPO, nbgrader_meta, source_notebook
from gatedrnn.gradcheck import rel_error
from gatedrnn.testing import random_arrays

# -- tolerances, shapes and random draws of the numerical tests ----------------------------------

#: Two float64 computations of the same function (the course's code against torch.nn, a port, a
#: reordering): both are exact up to rounding, ~1e-16 per operation, and the summation order.
TOL_ROUNDING = 1e-12
#: (Analytic gradients against centered differences: gatedrnn.gradcheck.TOL_GRADCHECK, the course's one rule.)
#: float32 inputs or modules against the float64 reference: float32 keeps ~7 digits, and a few
#: time steps of accumulation lose about one more.
TOL_FLOAT32 = 1e-5
#: Two different functions (another variant, gate order or sign) on inputs of scale 0.5 differ by
#: far more than this: the checks that a wrong computation is told apart.
DIFFERENT = 1e-3
#: (N, T, D, H) of the solution tests: sizes of 1 included, no two sizes alike in the larger ones.
SHAPES = [(1, 1, 1, 1), (2, 3, 4, 5), (4, 6, 3, 2), (3, 1, 7, 4)]


def draw(rng, *shapes, scale=0.5):
    """float64 arrays of standard-normal draws times `scale`, one per shape, drawn in order from rng.

    The scale 0.5 keeps tanh and sigmoid away from saturation, where a gradient check would pass
    for wrong code; it is gatedrnn.testing.random_arrays, which the exercise notebooks use.
    """
    return random_arrays(rng, shapes, scale=scale)


def assert_close(names, found, expected, tol, same_shapes=False):
    """Each array of `found` within relative error `tol` (gatedrnn.gradcheck.rel_error) of its
    expected value; a failure names the array.

    names: the arrays' names, in the order of `found`; expected: a dict by name, or a sequence in
    the same order; same_shapes: also assert that each array has the expected shape.
    """
    for k, (name, value) in enumerate(zip(names, found)):
        reference = expected[name] if isinstance(expected, dict) else expected[k]
        if same_shapes:
            assert value.shape == reference.shape, name
        assert rel_error(value, reference) < tol, name


@pytest.fixture
def one_thread():
    """torch on one thread during the test: tiny models run as fast, and a busy machine's other cores
    are spared; the thread count is restored after."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# -- the sandbox marker -------------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    """Tests marked `sandbox` (they grade through bubblewrap) are skipped, with the reason, where no
    sandbox can be made; the check runs once, and only when such a test is collected."""
    marked = [item for item in items if item.get_closest_marker("sandbox")]
    if not marked:
        return
    from autograder.sandbox import sandbox_problem

    problem = sandbox_problem()
    if problem:
        for item in marked:
            item.add_marker(pytest.mark.skip(reason=f"no sandbox here: {problem}"))


# -- the solution notebooks, subprocesses and grading ----------------------------------------------


#: The built book (`make book`) and the instructor edition (`make instructor-book`).
HTML = REPO / "_build" / "html"
INSTRUCTOR_HTML = REPO / "_build" / "instructor" / "html"


def require_built(html=HTML, what="the book", command="make book"):
    """Fail the test, saying what to run, unless `html` holds a built book (its index.html)."""
    if not (html / "index.html").is_file():
        pytest.fail(f"{what} is not built: run `{command}` (make test does it first)")


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


def completed_release(assignment, fill=None, path=None):
    """The released notebook (or the one at path, e.g. its Japanese twin) with the solution cells named
    in `fill` (default: all) written in from the source notebook, as a learner who solved them would
    have it (no hidden tests)."""
    from autograder.assignments import released_notebook

    sources = solution_sources(assignment)
    notebook = nbformat.read(str(path or released_notebook(assignment)), as_version=4)
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


@pytest.fixture(scope="session")
def gru_solution():
    return solution_functions("gru")


@pytest.fixture(scope="session")
def gru_torch_solution():
    return solution_functions("gru_torch")


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
