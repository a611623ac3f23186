"""What a feedback page needs to render offline and read well: the vendored MathJax, table styling.

nbgrader's feedback template loads MathJax 2.7.7 from a CDN; the course's mathjax.html.j2
(autograder/templates/feedback, first on the template path) loads mathjax/tex-chtml.js from the
page's own folder, FEEDBACK/<student>/<assignment>/, which is the folder nbgrader hands back to a
learner (`nbgrader release_feedback`). `OfflineFeedbackPage`, a preprocessor of the feedback pipeline, copies
there the part of the vendored MathJax 3 that typesetting uses: tex-chtml.js (input, output,
menu) and the CommonHTML fonts (about 1.7 MB). It also adds the style of the results table
that autograder.preprocessors.FunctionSummary puts first (the book's: ruled cells with room
between the columns).
"""

import shutil
from pathlib import Path

import nbgrader
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

#: The MathJax 3 that the book serves (chapters/_static/mathjax, `make vendor-mathjax`).
VENDORED_MATHJAX = Path(__file__).resolve().parents[1] / "chapters" / "_static" / "mathjax"
#: What a page needs of it: the combined component and the fonts it loads.
MATHJAX_PARTS = ["tex-chtml.js", "output", "LICENSE"]
#: The folder of the course's template overrides (feedback/mathjax.html.j2).
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: nbgrader's templates (its "feedback" template, which the course's extends).
NBGRADER_TEMPLATES = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"


def install_mathjax(folder):
    """Copy the vendored MathJax's MATHJAX_PARTS to folder/mathjax unless there; returns that folder."""
    target = Path(folder) / "mathjax"
    for part in MATHJAX_PARTS:
        source = VENDORED_MATHJAX / part
        if source.is_dir():
            shutil.copytree(source, target / part, dirs_exist_ok=True)
        elif not (target / part).is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / part)
    return target


#: The results table's style, inlined into the page's head by nbgrader's feedback template.
TABLE_CSS = """
div.text_cell_render table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 14px; }
div.text_cell_render th, div.text_cell_render td {
    border: 1px solid #d0d7de; padding: 0.35em 0.8em; text-align: left; vertical-align: top;
}
div.text_cell_render thead th { background: #f3f5f7; font-weight: 600; }
div.text_cell_render tbody tr:nth-child(even) { background: #fafbfc; }
div.text_cell_render td:nth-child(2) { white-space: nowrap; }
"""


class OfflineFeedbackPage(NbGraderPreprocessor):
    """Put the vendored MathJax next to the feedback page being written, and the table's style in it.

    Runs after CSSHTMLHeaderPreprocessor, which starts resources["inlining"]["css"].
    """

    def preprocess(self, nb, resources):
        resources.setdefault("inlining", {}).setdefault("css", []).append(TABLE_CSS)
        coursedir = CourseDirectory(parent=self)
        info = resources.get("nbgrader", {})
        folder = coursedir.format_path(coursedir.feedback_directory, info.get("student", "."),
                                       info.get("assignment", "."))
        install_mathjax(folder)
        return nb, resources
