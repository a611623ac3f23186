"""What a feedback page needs next to it to render offline: the course's vendored MathJax.

nbgrader's feedback template loads MathJax 2.7.7 from a CDN; the course's template
(autograder/templates/course_feedback) loads FEEDBACK/mathjax/tex-chtml.js instead, two folders
above each page (FEEDBACK/<student>/<assignment>/<assignment>.html). `OfflineMathJax`, a
preprocessor of the feedback pipeline, copies the vendored MathJax there once.
"""

import shutil
from pathlib import Path

import nbgrader
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

#: The MathJax 3 that the book serves (chapters/_static/mathjax, `make vendor-mathjax`).
VENDORED_MATHJAX = Path(__file__).resolve().parents[1] / "chapters" / "_static" / "mathjax"
#: The feedback template's folder (course_feedback) lives here.
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: nbgrader's templates (its "feedback" template, which the course's extends).
NBGRADER_TEMPLATES = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"


def install_mathjax(feedback_root):
    """Copy the vendored MathJax to feedback_root/mathjax unless it is there; returns that folder."""
    target = Path(feedback_root) / "mathjax"
    if not (target / "tex-chtml.js").is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(VENDORED_MATHJAX, target, dirs_exist_ok=True)
    return target


class OfflineMathJax(NbGraderPreprocessor):
    """Make sure FEEDBACK/mathjax holds the vendored MathJax before a feedback page is written."""

    def preprocess(self, nb, resources):
        coursedir = CourseDirectory(parent=self)
        install_mathjax(Path(coursedir.root) / coursedir.feedback_directory)
        return nb, resources
