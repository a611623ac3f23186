"""What the grader writes for a learner is in the notebook's language (autograder.messages).

The feedback page: the course's copy of nbgrader's feedback template gives an English notebook
nbgrader's page exactly (but for <html lang="en">), and a Japanese notebook a page without its
English words; the results table at the top; the events a learner reads; the self-check.
"""

import copy
import re
import shutil

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbgrader.converters import GenerateFeedback
from traitlets.config.loader import PyFileConfigLoader

from autograder.assignments import assignment_names
from autograder.events import EVENTS, NO_BWRAP, NOT_CHECKED, SANDBOX_STOPPED
from autograder.feedback_assets import MATHJAX_TEMPLATE, NBGRADER_TEMPLATES
from autograder.feedback_words import PAGE_WORDS
from autograder.messages import reworded, speaking, tr
from autograder.preprocessors import FunctionSummary, unchecked_notes
from autograder.units import load_unit
from conftest import REPO, edit_solution, feedback_text, grade_submissions, run
from gatedrnn.i18n import with_language
from test_grading_routes import REFERENCE_FORWARD

JAPANESE_RNN = REPO / "chapters" / "exercises_ja" / "rnn" / "rnn.ipynb"


def graded(cell_type, source, grade_id, points, **flags):
    """A cell with nbgrader metadata as GetGrades leaves it (score: half its points)."""
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    cell.metadata.nbgrader = {"grade_id": grade_id, "points": points, "score": points / 2, "grade": False,
                              "solution": False, "task": False, **flags}
    return cell


def every_kind_of_cell(language):
    """A notebook with a cell of each kind the template names (test, free response, written, task, comments),
    whose own text holds no English word."""
    notebook = nbformat.v4.new_notebook(cells=[
        graded("code", "x = 1", "answer", 0, solution=True, comment="良い"),
        graded("code", "assert x == 1", "test_x", 2, grade=True),
        graded("code", "y = 2", "free", 3, grade=True, solution=True, comment="了解"),
        graded("markdown", "解答", "written", 4, grade=True, solution=True),
        graded("markdown", "課題", "task", 5, task=True, comment="説明"),
    ])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    with_language(notebook.metadata, language)
    return notebook


def render(notebook, basedir=None):
    """The feedback page of a notebook as nbgrader's generate_feedback writes it with the course's settings
    (autograder/nbgrader_config.py), or with basedir's "feedback" template first on the path instead."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO / "autograder")).load_config()
    if basedir is not None:
        config.HTMLExporter.extra_template_basedirs = [str(basedir), str(NBGRADER_TEMPLATES)]
    exporter = HTMLExporter(config=GenerateFeedback(config=config).config)  # with nbgrader's own additions
    resources = {"nbgrader": {"notebook": "rnn", "score": 7.5, "max_score": 14, "late_penalty": 1.5}}
    html, _ = exporter.from_notebook_node(copy.deepcopy(notebook), resources=resources)
    return html


@pytest.fixture(scope="module")
def nbgraders_own(tmp_path_factory):
    """A template folder with only the course's MathJax: the page is nbgrader's own template's."""
    base = tmp_path_factory.mktemp("nbgrader-templates")
    (base / "feedback").mkdir()
    shutil.copyfile(MATHJAX_TEMPLATE, base / "feedback" / "mathjax.html.j2")
    return base


def test_an_english_page_is_nbgraders_own(nbgraders_own):
    notebook = every_kind_of_cell("en")
    ours, theirs = render(notebook), render(notebook, nbgraders_own)
    assert '<html lang="en">' in ours and "<html>" in theirs
    assert ours.replace('<html lang="en">', "<html>", 1) == theirs
    visible = re.sub(r"<[^>]+>", " ", theirs)
    for word in PAGE_WORDS:
        if word not in ("Student's task", "Task:"):  # nbgrader's template never reaches these two branches
            assert word.replace("'", "&#39;") in visible or word in visible, word


def test_a_japanese_page_has_no_english_words_of_the_template(nbgraders_own):
    notebook = every_kind_of_cell("ja")
    page = render(notebook)
    assert '<html lang="ja">' in page
    visible = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", page, flags=re.DOTALL)
    for word in PAGE_WORDS:
        assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", visible), word
    for word in ["得点", "テストセル", "提出期限後の提出による減点", "受講者の解答", "採点セル:", "コメント:", "（先頭へ）"]:
        assert word in visible, word


def released_rnn(language, outcomes):
    """The Japanese rnn notebook as GetGrades leaves it: test cells scored by outcomes {function: outputs or None}."""
    notebook = nbformat.read(str(JAPANESE_RNN), as_version=4)
    with_language(notebook.metadata, language)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        function = meta.get("grade_id", "").removeprefix("test_")
        if meta.get("grade") and function in outcomes:
            outputs = outcomes[function]
            cell.outputs, cell.execution_count = outputs or [], (None if outputs is None else 1)
            failed = any(o.output_type == "error" for o in cell.outputs)
            meta["score"] = 0 if failed or outputs is None else meta["points"]
    return notebook


def error(message):
    return nbformat.v4.new_output("error", ename="CheckFailed", evalue=message, traceback=[message])


def summary(notebook):
    FunctionSummary().preprocess(notebook, {"nbgrader": {"assignment": "rnn"}})
    return notebook.cells[0].source


def test_a_japanese_notebooks_results_table_is_in_japanese():
    outcomes = {"rnn_step_forward": [], "rnn_step_backward": [error("rnn_step_backward: db の形状が違う")],
                "rnn_forward": None}  # rnn_backward's test cell is deleted below
    notebook = released_rnn("ja", outcomes)
    notebook.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_rnn_backward"]
    notebook.metadata["autograder"] = {"events": [NOT_CHECKED.format(why=NO_BWRAP)]}
    table = summary(notebook)
    assert load_unit("rnn").kind == "function"
    for line in ["## 結果（関数ごと）", "| 関数 | 得点 / 配点 | 結果 |", "| `rnn_step_forward` | 2 / 2 | \u2713 合格 |",
                 "| `rnn_step_backward` | 0 / 3 | \u2717 db の形状が違う |", "| `rnn_forward` | 0 / 2 | \u2717 未実行 |",
                 "| `rnn_backward` | 0 / 3 | \u2717 テストセルがノートブックから削除されていたため、実行できなかった |"]:
        assert line in table.splitlines(), line
    assert "**注意:** ノートブックの外でのチェックを実行できなかった（bubblewrap (bwrap) がインストールされていない" in table
    assert not re.search(r"\b(passed|points|result|function|Warning|not run|the check)\b", table), table


def test_an_english_notebooks_results_table_stays_english():
    notebook = released_rnn("en", {"rnn_step_forward": [], "rnn_step_backward": None, "rnn_forward": [],
                                   "rnn_backward": []})
    table = summary(notebook)
    assert table.startswith("## Your results, function by function\n\n| function | points | result |")
    assert "| `rnn_step_backward` | 0 / 3 | \u2717 not run |" in table


def test_events_stay_english_and_are_shown_in_the_learners_language():
    event = NOT_CHECKED.format(why=NO_BWRAP)
    assert reworded(event, EVENTS) == event  # English: as recorded
    with speaking("ja"):
        assert reworded(event, EVENTS) == tr(NOT_CHECKED, why=tr(NO_BWRAP))
        assert reworded(SANDBOX_STOPPED, EVENTS) == "ノートブックを実行する前にサンドボックスが停止した"
        assert reworded("something no template made", EVENTS) == "something no template made"
    notebook = nbformat.v4.new_notebook(metadata={"autograder": {"events": [event, SANDBOX_STOPPED]}})
    assert unchecked_notes(notebook) == [f"\n**Warning:** {event}."]


def check(path):
    return run(["python", "-m", "autograder", "check", str(path)], check=False)


def test_self_check_of_a_japanese_notebook_speaks_japanese(tmp_path):
    notebook = nbformat.read(str(JAPANESE_RNN), as_version=4)
    with_language(notebook.metadata, "ja")
    path = tmp_path / "rnn.ipynb"
    nbformat.write(notebook, str(path))
    process = check(path)
    assert process.returncode == 1, process.stdout
    lines = process.stdout.splitlines()
    assert lines[0].endswith("をチェックしている（公開テストのみ。非公開テストは採点時に実行される）..."), lines[0]
    assert any(line.startswith("  \u2717 rnn_step_forward: 不合格: ") for line in lines), process.stdout
    assert lines[-1] == "4 個の関数のうち 0 個がテストに合格した。"


def test_self_check_starts_the_kernel_in_the_notebooks_language(tmp_path):
    """The kernel gets GATEDRNN_LANGUAGE: a test cell that requires it passes for a Japanese notebook only."""
    cells = [graded("code", "def f():\n    return 1", "f", 0, solution=True),
             graded("code", "import os\nassert os.environ.get('GATEDRNN_LANGUAGE') == 'ja'", "test_f", 1, grade=True)]
    for language, verdict in [("ja", "  \u2713 f: 合格"), ("en", "  \u2717 f: failed: AssertionError: ")]:
        notebook = nbformat.v4.new_notebook(cells=copy.deepcopy(cells))
        notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
        with_language(notebook.metadata, language)
        nbformat.write(notebook, str(tmp_path / "f.ipynb"))
        assert verdict in check(tmp_path / "f.ipynb").stdout


def test_a_japanese_submission_is_graded_with_japanese_feedback(tmp_path):
    """Through `python -m autograder grade` (the sandbox): the table, the page's words, a test that did not run."""
    stub = nbformat.read(str(JAPANESE_RNN), as_version=4)
    with_language(stub.metadata, "ja")
    dies = copy.deepcopy(stub)
    dies.cells.insert(1, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    delegates = edit_solution("rnn", "rnn_forward", *REFERENCE_FORWARD)  # the check outside the kernel fails it
    with_language(delegates.metadata, "ja")
    process, rows, out = grade_submissions("rnn", {"stub": stub, "dies": dies, "delegates": delegates}, tmp_path)
    assert float(rows["stub"]["score"]) == float(rows["dies"]["score"]) == 0, rows
    assert float(rows["delegates"]["score"]) == 5, rows
    assert "rnn_forward: ノートブックの外で新たに生成した入力に対して NumPy だけで行ったチェックで不合格となった: " in \
        feedback_text(out, "delegates", "rnn")
    assert "kernel died" in rows["dies"]["status"]  # the instructor's record stays English
    for student in ["stub", "dies"]:
        page = (out / "feedback" / student / "rnn" / "rnn.html").read_text()
        text = feedback_text(out, student, "rnn")
        assert '<html lang="ja">' in page
        assert "結果（関数ごと） ¶ 関数 得点 / 配点 結果 rnn_step_forward 0 / 2 \u2717 " in text, text[:2000]
        assert not re.search(r"Your results|Score|Test cell|\(Top\)|not run", text), student
    died = feedback_text(out, "dies", "rnn")
    assert ("このテストは実行されなかった: Python カーネルが停止した（コードが exit を呼んだか、クラッシュしたか、"
            "メモリまたは CPU 時間を使い果たした）。") in died


def test_the_page_of_a_submission_that_could_not_be_graded_is_in_its_language(tmp_path):
    from autograder.assignments import graded_functions, source_notebook
    from autograder.settings import GradingSettings
    from autograder.submission import failed

    settings = GradingSettings.make("rnn", tmp_path / "submitted", tmp_path / "out")
    functions = graded_functions(source_notebook("rnn"))
    notebook = nbformat.read(str(JAPANESE_RNN), as_version=4)
    with_language(notebook.metadata, "ja")
    settings.submission_path("ja").parent.mkdir(parents=True)
    nbformat.write(notebook, str(settings.submission_path("ja")))
    for student in ["ja", "missing"]:
        result = failed(settings, functions, student, "autograde failed: something")
        assert result.status == "autograde failed: something"  # the instructor's record, as written
    page = settings.feedback_path("ja").read_text()
    assert '<html lang="ja">' in page and "<strong>得点: 0 / 10</strong>" in page
    assert "<p>提出物を採点できなかった: autograde failed: something。</p>" in page
    assert not re.search(r"Score|feedback|Check that|submitting", page)
    english = settings.feedback_path("missing").read_text()
    assert '<html lang="en">' in english and "<p>Your submission could not be graded: autograde failed: something.</p>" in english


@pytest.mark.parametrize("name", assignment_names())
def test_every_units_check_words_exist_in_japanese(name):
    """Where the check outside the notebook ran and what it asks: the defaults from the catalog, a unit's own
    as it declares them in each language."""
    check = load_unit(name).check
    with speaking("en"):
        english = check.words()
    with speaking("ja"):
        japanese = check.words()
    assert all(re.search(r"[A-Za-z]{3}", text) for text in english), english
    assert all(re.search(r"[\u3040-\u30ff]", text) for text in japanese), japanese
