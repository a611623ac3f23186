"""What a feedback page needs to render offline and read well: the vendored MathJax, table styling.

nbgrader's feedback template loads MathJax 2.7.7 from a CDN; the course's mathjax.html.j2
(autograder/feedback_mathjax.html.j2, laid out by template_basedir() where nbgrader looks) inlines instead the vendored MathJax 3's
tex-svg.js (TeX input, SVG output, menu; about 2.1 MB) into the page, through the Jinja filter
`inline_script` (nbgrader_config.py registers it). SVG output draws glyphs as paths and loads no
fonts, so the page is one self-contained file: it typesets offline wherever it is opened (a
learner's Files view on the hub, a downloaded copy, file://), and nbgrader's release_feedback /
fetch_feedback, which carry only the .html, hand back all of it. `OfflineFeedbackPage`, a
preprocessor of the feedback pipeline, adds the style of the results table that
autograder.preprocessors.FunctionSummary puts first (the book's: ruled cells with room between the
columns). The course's feedback/index.html.j2 (autograder/feedback_index.html.j2, laid out beside it) is
nbgrader's, its words in the notebook's language (autograder.feedback_words).
"""

import atexit
import shutil
import tempfile
from pathlib import Path

import nbgrader
from markupsafe import Markup
from nbgrader.preprocessors import NbGraderPreprocessor

#: The MathJax 3 that the book serves (chapters/_static/mathjax, `make vendor-mathjax`).
VENDORED_MATHJAX = Path(__file__).resolve().parents[1] / "chapters" / "_static" / "mathjax"
#: The course's mathjax.html.j2 for nbgrader's "feedback" template (see template_basedir).
MATHJAX_TEMPLATE = Path(__file__).with_name("feedback_mathjax.html.j2")
#: The course's copy of nbgrader's feedback/index.html.j2, its words in the notebook's language (see template_basedir).
INDEX_TEMPLATE = Path(__file__).with_name("feedback_index.html.j2")
#: nbgrader's templates (its "feedback" template, which the course's extends).
NBGRADER_TEMPLATES = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"


def inline_script(name):
    """The text of the vendored MathJax file `name` (e.g. "tex-svg.js"), to put between <script> tags.

    Refuses a text that would end the script element early ("</script"), which the page would then
    show as text.
    """
    text = (VENDORED_MATHJAX / name).read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError(f"{VENDORED_MATHJAX / name} holds '</script' and cannot be inlined in a <script>")
    return Markup(text)



def template_basedir():
    """A new private folder holding feedback/mathjax.html.j2 and feedback/index.html.j2 (copies of
    MATHJAX_TEMPLATE and INDEX_TEMPLATE, whose words autograder.feedback_words translates); returns its path.

    nbgrader's feedback step always renders the template named "feedback", so an override must sit in
    a folder of that name on nbconvert's template path. The folder is made per process (mode 700,
    removed at exit), so no other user can put a template of their own there.
    """
    base = Path(tempfile.mkdtemp(prefix="gated-rnn-templates-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    (base / "feedback").mkdir()
    shutil.copyfile(MATHJAX_TEMPLATE, base / "feedback" / "mathjax.html.j2")
    shutil.copyfile(INDEX_TEMPLATE, base / "feedback" / "index.html.j2")
    return base

#: The results table's style, inlined into the page's head by nbgrader's feedback template.
TABLE_CSS = """
div.text_cell_render table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 14px; }
div.text_cell_render th, div.text_cell_render td {
    border: 1px solid #d0d7de; padding: 0.35em 0.8em; text-align: left; vertical-align: top;
}
div.text_cell_render thead th { background: #f3f5f7; font-weight: 600; }
div.text_cell_render tbody tr:nth-child(even) { background: #fafbfc; }
div.text_cell_render td:nth-child(2), div.text_cell_render th:nth-child(2) { white-space: nowrap; }
"""


class OfflineFeedbackPage(NbGraderPreprocessor):
    """Put the results table's style in the feedback page being written.

    Runs after CSSHTMLHeaderPreprocessor, which starts resources["inlining"]["css"].
    """

    def preprocess(self, nb, resources):
        resources.setdefault("inlining", {}).setdefault("css", []).append(TABLE_CSS)
        return nb, resources
