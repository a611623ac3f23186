"""nbgrader_config.py of the instructor's course folder on the class hub.

setup.sh copies it to COURSE_DIR/nbgrader_config.py, next to source/ (the course's
solutions: nbgrader source notebooks) and the gradebook. Formgrader and the nbgrader
commands the instructor runs there read it: the course's own settings (those of
`python -m autograder grade`), with nbgrader's standard folder names.
"""

import os

import autograder

c = get_config()  # noqa: F821 -- provided by traitlets
load_subconfig(os.path.join(os.path.dirname(autograder.__file__), "nbgrader_config.py"))  # noqa: F821

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"

# Autograding runs learners' code. On the hub it runs only through the course's grading
# helper (`sudo gated-rnn-grade ASSIGNMENT`), which runs each submission in the sandbox and
# the independent check as `python -m autograder grade` does. Formgrader's Autograde button
# and `nbgrader autograde` here would run it with the instructor's own rights instead, so
# they refuse, saying what to run.
from nbgrader.preprocessors import NbGraderPreprocessor  # noqa: E402


class AutogradeWithTheHelper(NbGraderPreprocessor):
    """Refuses to autograde in the instructor's own server; names the route that does."""

    def preprocess(self, nb, resources):
        assignment = resources.get("nbgrader", {}).get("assignment", "ASSIGNMENT")
        raise RuntimeError(
            "Autograde is not offered in formgrader on this hub: it would run learners' code "
            f"with your rights. Grade in a terminal with:  sudo gated-rnn-grade {assignment}  "
            "(every submission in the course's sandbox; the grades land in this course's gradebook).")


c.Autograde.autograde_preprocessors = [AutogradeWithTheHelper]
