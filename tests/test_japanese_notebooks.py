"""The Japanese exercise notebooks (chapters/exercises_ja/, `make ja-notebooks`).

- each is up to date with its released notebook and the catalog of its exercise page;
- it is its released notebook cell for cell: code cells (source, nbgrader metadata, outputs)
  are identical; only markdown differs, and the notebook's metadata says it is Japanese;
- a Japanese submission is graded exactly like its English twin, by `python -m autograder grade`:
  the same score and the same points per function, for a full, a wrong and a stub submission.
"""

import copy
import re

import nbformat
import pytest

from autograder.assignments import assignment_names, nbgrader_meta, released_notebook, source_notebook
from autograder.ja_notebooks import japanese_notebook, japanese_notebook_path, translate_markdown
from autograder.outcomes import error_of, misconception_ids
from autograder.outcomes import tested_function as function_of  # (not collected as a test)
from gatedrnn.i18n import notebook_language, with_language
from conftest import edit_solution, feedback_text, grade_submissions


def committed(name):
    return nbformat.read(str(japanese_notebook_path(name)), as_version=4)


@pytest.mark.parametrize("name", assignment_names())
def test_japanese_notebook_is_up_to_date(name):
    assert japanese_notebook_path(name).is_file(), f"no {japanese_notebook_path(name)}: run `make ja-notebooks`"
    assert committed(name) == japanese_notebook(name), f"{name}: stale Japanese notebook, run `make ja-notebooks`"


@pytest.mark.parametrize("name", assignment_names())
def test_japanese_notebook_differs_only_in_markdown(name):
    english = nbformat.read(str(released_notebook(name)), as_version=4)
    japanese = committed(name)
    assert japanese.metadata == with_language(copy.deepcopy(english.metadata), "ja")
    assert notebook_language(japanese.metadata) == "ja" and notebook_language(english.metadata) == "en"
    assert [c.cell_type for c in japanese.cells] == [c.cell_type for c in english.cells]
    for en, ja in zip(english.cells, japanese.cells):
        assert ja.metadata == en.metadata
        if en.cell_type == "code":
            assert (ja.source, ja.get("outputs")) == (en.source, en.get("outputs"))


def test_translate_markdown_keeps_markup_and_untranslated_blocks():
    source = ("## 1. One step (2 points)\n\nWrite `f`\nnow.\n\n- a **bold** item\n- kept\n\n"
              "| function | points |\n|---|---|\n| `f` | 2 |\n\n$$x = 1$$")
    translations = {"1. One step (2 points)": "1. 1 ステップ（2 点）", "Write `f` now.": "`f` を書く。",
                    "a **bold** item": "**太字**の項目", "function": "関数", "points": "配点"}
    assert translate_markdown(source, translations) == (
        "## 1. 1 ステップ（2 点）\n\n`f` を書く。\n\n- **太字**の項目\n- kept\n\n"
        "| 関数 | 配点 |\n|---|---|\n| `f` | 2 |\n\n$$x = 1$$")


def with_solutions(notebook, assignment):
    """A copy of a released notebook whose solution cells hold the source notebook's solutions."""
    solutions = {nbgrader_meta(c).get("grade_id"): c.source
                 for c in nbformat.read(str(source_notebook(assignment)), as_version=4).cells
                 if nbgrader_meta(c).get("solution")}
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = solutions[nbgrader_meta(cell)["grade_id"]]
    return notebook


@pytest.mark.sandbox
@pytest.mark.parametrize("route", [(), ("--unsandboxed",)], ids=["sandboxed", "unsandboxed"])
def test_a_japanese_submission_is_graded_like_its_english_twin(tmp_path, route):
    name = "rnn"
    english = with_solutions(nbformat.read(str(released_notebook(name)), as_version=4), name)
    japanese = with_solutions(committed(name), name)
    wrong = ("rnn_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]")  # only rnn_backward is wrong
    submissions = {
        "en_full": english, "ja_full": japanese,
        "en_wrong": edit_solution(name, *wrong, notebook=english),
        "ja_wrong": edit_solution(name, *wrong, notebook=japanese),
        "en_stub": nbformat.read(str(released_notebook(name)), as_version=4), "ja_stub": committed(name),
    }
    _, rows, out = grade_submissions(name, submissions, tmp_path, extra_args=route)
    parts = ["score", "max_score", "rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward"]
    for kind, score in [("full", 10), ("wrong", 7), ("stub", 0)]:
        en, ja = ([float(rows[f"{lang}_{kind}"][p]) for p in parts] for lang in ("en", "ja"))
        assert ja == en and en[0] == score, (kind, en, ja)
    # The learner's feedback page shows the notebook as submitted: its instructions as translated.
    titles = {lang: notebook.cells[0].source.splitlines()[0].lstrip("# ") for lang, notebook in
              [("en", submissions["en_stub"]), ("ja", submissions["ja_stub"])]}
    assert titles["ja"] in feedback_text(out, "ja_full", name), titles
    # Everything the course writes for the learner is in the notebook's language: the page, the results
    # table, each failed check (the kernel's messages) and its diagnosis; the misconception tags are the same.
    for kind in ("wrong", "stub"):
        failures = {lang: failed_checks(out / "autograded" / f"{lang}_{kind}" / name / f"{name}.ipynb")
                    for lang in ("en", "ja")}
        assert failures["en"].keys() == failures["ja"].keys() and failures["en"], failures
        for function, message in failures["ja"].items():
            assert JAPANESE.search(message) and not JAPANESE.search(failures["en"][function]), (function, failures)
            assert misconception_ids(message) == misconception_ids(failures["en"][function]), (function, failures)
        for lang in ("en", "ja"):
            page = (out / "feedback" / f"{lang}_{kind}" / name / f"{name}.html").read_text()
            assert f'<html lang="{lang}"' in page
            table = feedback_text(out, f"{lang}_{kind}", name).split(titles[lang])[0]  # all before the notebook
            assert bool(JAPANESE.search(table)) == (lang == "ja"), table


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji


def failed_checks(autograded):
    """{function: its test cell's error message} of an autograded notebook's failed test cells."""
    notebook = nbformat.read(str(autograded), as_version=4)
    return {function_of(cell): error_of(cell)[1] for cell in notebook.cells if function_of(cell) and error_of(cell)}
