"""Where the assignments live and what each one grades.

An assignment NAME is the nbgrader source notebook solutions/NAME/NAME.ipynb. Its graded
functions are found from the notebook itself: every function has one autograded test cell
whose nbgrader grade_id is "test_<function name>" and whose points are the function's points.
"""

from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
RELEASED = REPO / "chapters" / "exercises"
TEST_PREFIX = "test_"
COURSE_ID = "gated-rnn-course"  # nbgrader keys the gradebook's rows by it (PostgreSQL enforces the key)


@dataclass(frozen=True)
class GradedFunction:
    name: str  # the function the learner writes
    points: float  # the points of its test cell


def assignment_names():
    """Names of all assignments, sorted."""
    return sorted(p.parent.name for p in SOLUTIONS.glob("*/*.ipynb") if p.stem == p.parent.name)


def source_notebook(name):
    """Path of the nbgrader source notebook of an assignment; ValueError if there is none."""
    path = SOLUTIONS / name / f"{name}.ipynb"
    if not path.is_file():
        known = ", ".join(assignment_names()) or "none"
        raise ValueError(f"unknown assignment {name!r} (known: {known})")
    return path


def released_notebook(name):
    """Path of the released (student) notebook of an assignment, as committed."""
    return RELEASED / name / f"{name}.ipynb"


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_functions(notebook):
    """The GradedFunctions of a notebook (a NotebookNode or a path), in notebook order."""
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(str(notebook), as_version=4)
    functions = []
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id", "")
        if meta.get("grade") and grade_id.startswith(TEST_PREFIX):
            functions.append(GradedFunction(grade_id[len(TEST_PREFIX):], float(meta.get("points", 0))))
    return functions


def _marked_lines(notebook, begin, end):
    """Code lines found only between `begin` and `end` markers of a notebook's cells.

    Lines are stripped of indentation and trailing comments. Only distinctive lines are
    kept: not blank, at least 20 characters, not a bare loop or branch header (a chapter
    may well write `for t in range(T):`), and not also present outside the markers (a
    visible test may repeat a hidden one).
    """
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(str(notebook), as_version=4)
    inside_lines, outside_lines, inside = [], set(), False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            stripped = line.strip()
            stripped = stripped if stripped.startswith("#") else stripped.split("  #")[0].rstrip()
            if stripped in (begin, end):
                inside = stripped == begin
            elif inside:
                inside_lines.append(stripped)
            else:
                outside_lines.add(stripped)
    generic_starts = ("#", "for ", "while ", "if ", "elif ", "else", "return", "try", "except")
    return [line for line in dict.fromkeys(inside_lines)
            if len(line) >= 20 and not line.startswith(generic_starts) and line not in outside_lines]


def solution_lines(notebook):
    """The code lines of a source notebook's solutions (what must never be published)."""
    return _marked_lines(notebook, "### BEGIN SOLUTION", "### END SOLUTION")


def hidden_test_lines(notebook):
    """The code lines of a source notebook's hidden tests (what must never be published)."""
    return _marked_lines(notebook, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
