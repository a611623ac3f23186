"""What a feedback page needs next to it to render offline: the course's vendored MathJax.

nbgrader's feedback template loads MathJax 2.7.7 from a CDN; the course's template
(autograder/templates/course_feedback) loads mathjax/tex-chtml.js from the page's own folder,
FEEDBACK/<student>/<assignment>/, which is the folder nbgrader hands back to a learner
(`nbgrader release_feedback`). `OfflineMathJax`, a preprocessor of the feedback pipeline, copies
there the part of the vendored MathJax 3 that typesetting uses: tex-chtml.js (input, output,
menu) and the CommonHTML fonts (about 1.7 MB).
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
#: The feedback template's folder (course_feedback) lives here.
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


class OfflineMathJax(NbGraderPreprocessor):
    """Put the vendored MathJax next to the feedback page being written."""

    def preprocess(self, nb, resources):
        coursedir = CourseDirectory(parent=self)
        info = resources.get("nbgrader", {})
        folder = coursedir.format_path(coursedir.feedback_directory, info.get("student", "."),
                                       info.get("assignment", "."))
        install_mathjax(folder)
        return nb, resources
