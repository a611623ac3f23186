"""Adding a unit is one chapter folder, one solutions folder and a toc entry.

In a temporary copy of the repository, a tiny throwaway unit (one function, one hidden test,
one check) is added as README.md's "Adding a unit" says, released with nbgrader, and graded end
to end by the real `python -m autograder grade`: the solution gets full marks, the released
stub and a wrong submission zero, and a submission that fakes the test in its notebook loses
the points to the unit's check outside it. No other file of the copy changes.
"""

import csv
import filecmp
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder.assignments import REPO
from conftest import course_env, edit_solution

pytestmark = pytest.mark.sandbox

SKIPPED = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".pytest_cache", "grading", "*.db")


def grade_meta(grade_id, **fields):
    return {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                         "solution": False, "task": False, **fields}}


TOY_NOTEBOOK = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                 "language": "python"}}, cells=[
    nbformat.v4.new_markdown_cell("# Exercise: doubling\n\nWrite `double(x)`."),
    nbformat.v4.new_code_cell("import numpy as np\n\nfrom gatedrnn.testing import TOL_FLOAT64, checking",
                              metadata=grade_meta("setup", locked=True)),
    nbformat.v4.new_code_cell('def double(x):\n    """2 x, for x of any shape."""\n    ### BEGIN SOLUTION\n'
                              "    return 2.0 * x\n    ### END SOLUTION", metadata=grade_meta("double", solution=True)),
    nbformat.v4.new_code_cell(
        'with checking("double") as check:\n    check.close("y", double(np.ones(3)), 2 * np.ones(3), TOL_FLOAT64)\n'
        "    ### BEGIN HIDDEN TESTS\n    x = np.random.default_rng().standard_normal(5)\n"
        '    check.close("y (hidden)", double(x), 2 * x, TOL_FLOAT64)\n    ### END HIDDEN TESTS',
        metadata=grade_meta("test_double", grade=True, locked=True, points=2)),
])
TOY_UNIT = '''"""The toy unit (format: autograder/units.py)."""
from types import SimpleNamespace

from autograder.units import Case
from autograder.verify import ExactCheck, ExactFunction

KIND = "function"
SIGNATURES = {"double": ["x"]}
WORTH_MORE = []
CHECK = ExactCheck(SimpleNamespace(double=lambda x: 2.0 * x),
                   [ExactFunction("double", ("y",), lambda rng: [[rng.standard_normal(int(rng.integers(1, 9)))]])])
CASES = {"wrong": Case(edits=[("double", "2.0 * x", "x")], lost={"double": 2})}
'''
TOY_CHAPTER = "# Doubling\n\nTwice a number is that number added to itself.\n"


def add_toy_unit(root):
    """What a maintainer writes: a chapter folder, a solutions folder, a toc entry."""
    (root / "chapters" / "99_toy").mkdir()
    (root / "chapters" / "99_toy" / "01_doubling.md").write_text(TOY_CHAPTER)
    (root / "solutions" / "toy").mkdir()
    nbformat.write(TOY_NOTEBOOK, str(root / "solutions" / "toy" / "toy.ipynb"))
    (root / "solutions" / "toy" / "unit.py").write_text(TOY_UNIT)
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    toc["parts"].append({"caption": "Doubling", "chapters": [{"file": "chapters/99_toy/01_doubling"},
                                                             {"file": "chapters/exercises/toy/toy"}]})
    (root / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))


def changed_files(left, right):
    """Paths (relative) that differ between two trees, or exist in one only."""
    found = []
    comparison = filecmp.dircmp(left, right, ignore=[".venv", "_build", ".git", "__pycache__", ".pytest_cache",
                                                     "grading"])

    def walk(node, prefix):
        found.extend(prefix + name for name in node.left_only + node.right_only + node.diff_files)
        for name, sub in node.subdirs.items():
            walk(sub, f"{prefix}{name}/")
    walk(comparison, "")
    return sorted(found)


def test_a_new_unit_is_one_chapter_folder_one_solutions_folder_and_a_toc_entry(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(REPO, root, ignore=SKIPPED)
    add_toy_unit(root)
    env = dict(course_env(), PYTHONPATH=str(root))  # the copy's autograder and gatedrnn, not the checkout's

    def run(*args):
        import subprocess

        process = subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True,
                                 timeout=900)
        assert process.returncode == 0, process.stdout + process.stderr
        return process

    run("-m", "nbgrader", "generate_assignment", "toy", "--force", f"--db=sqlite:///{tmp_path / 'release.db'}")
    released = root / "chapters" / "exercises" / "toy"
    assert sorted(os.listdir(released)) == ["toy.ipynb"]  # unit.py stays with the instructors
    assert "2.0 * x" not in (released / "toy.ipynb").read_text() and "HIDDEN" not in (released / "toy.ipynb").read_text()
    assert changed_files(REPO, root) == ["_toc.yml", "chapters/99_toy", "chapters/exercises/toy", "solutions/toy"]

    source = nbformat.read(str(root / "solutions" / "toy" / "toy.ipynb"), as_version=4)
    wrong = edit_solution("toy", "double", "2.0 * x", "x", notebook=source)
    # Wrong, with the course's comparison made to accept anything: only the check outside sees it.
    faked = edit_solution("toy", "double", "def double(x):", "import gatedrnn.testing\n"
                          "gatedrnn.testing.FunctionChecks.close = lambda *a, **k: None\n\n\ndef double(x):",
                          notebook=wrong)
    submissions = {"full": source, "stub": nbformat.read(str(released / "toy.ipynb"), as_version=4),
                   "wrong": wrong, "faked": faked}
    for student, notebook in submissions.items():
        (tmp_path / "submitted" / student / "toy").mkdir(parents=True)
        nbformat.write(notebook, str(tmp_path / "submitted" / student / "toy" / "toy.ipynb"))
    run("-m", "autograder", "grade", "toy", str(tmp_path / "submitted"), "--out", str(tmp_path / "out"), "--jobs", "1")
    with open(tmp_path / "out" / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert {student: float(row["score"]) for student, row in rows.items()} == \
        {"full": 2.0, "stub": 0.0, "wrong": 0.0, "faked": 0.0}
    assert {float(row["max_score"]) for row in rows.values()} == {2.0}
    assert rows["full"]["status"] == rows["stub"]["status"] == rows["wrong"]["status"] == "graded"
    assert rows["faked"]["status"] == "graded; the check outside the notebook failed for double"
    page = Path(tmp_path / "out" / "feedback" / "faked" / "toy" / "toy.html").read_text()
    assert "the check made outside your notebook, on fresh inputs with NumPy alone, failed" in page
