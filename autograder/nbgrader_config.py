"""The course's nbgrader settings.

nbgrader reads nbgrader_config.py from the directory it runs in; the one at the repository
root loads this file, so `nbgrader generate_assignment rnn` and friends work from the root.
`python -m autograder grade` loads it too and only changes where files go.

Layout (relative to the course root):
    solutions/<assignment>/<assignment>.ipynb         source notebooks (solutions + hidden tests)
    chapters/exercises/<assignment>/<assignment>.ipynb released student notebooks (committed)
    submitted/, autograded/, feedback/, gradebook.db  grading outputs (ignored by git)
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, GetGrades, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)

from autograder.assignments import COURSE_ID  # noqa: E402
from gatedrnn.nbgrader_kernel import EXECUTE, validate_in_notebook_language  # noqa: E402
from autograder.feedback_assets import NBGRADER_TEMPLATES, template_basedir  # noqa: E402

c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "chapters/exercises"

# A unit's declaration (solutions/<a>/unit.py, see autograder/units.py) is for the grader
# only: never released to learners, nor copied next to their graded notebooks.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "unit.py"]

# nbconvert's default keeps language_info.name only; the feedback (generate_feedback, a later
# command reading the autograded notebook) needs the notebook's language (gatedrnn.i18n) and the
# grader's notes (autograder.independent_check) too.
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {("language_info", "name"), ("gatedrnn",), ("autograder",)}

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# `nbgrader validate` (and the Validate button) run the notebook in its own language too.
validate_in_notebook_language()

# A runaway cell fails after this many seconds instead of hanging the grading run.
c.Execute.timeout = 120

# nbgrader's autograde pipeline, with the independent check (autograder/independent_check.py)
# and StderrIsNotFailure right after execution: every route that autogrades runs them. Its Execute
# starts the kernel in the notebook's language (gatedrnn/nbgrader_kernel.py); `grade` swaps in
# the sandboxed one (autograder/submission.py), which does the same.
c.Autograde.autograde_preprocessors = [
    EXECUTE,
    "autograder.independent_check.IndependentCheck",
    "autograder.preprocessors.StderrIsNotFailure",
    IgnorePattern,
    ClearMetadataPreprocessor,  # keeps the notebook's language (below): its feedback is written in it
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# nbgrader's feedback pipeline, with a per-function summary table at the top of the page.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    "autograder.preprocessors.FunctionSummary",
    CSSHTMLHeaderPreprocessor,
    "autograder.feedback_assets.OfflineFeedbackPage",
]
# nbgrader's "feedback" template, with the vendored MathJax instead of a CDN's and its words in the notebook's
# language: a private folder first on the search path holds feedback/mathjax.html.j2 and feedback/index.html.j2,
# copies of autograder/feedback_mathjax.html.j2 and autograder/feedback_index.html.j2 (autograder.feedback_assets).
c.HTMLExporter.extra_template_basedirs = [str(template_basedir()), str(NBGRADER_TEMPLATES)]
# mathjax.html.j2 inlines the vendored MathJax with this filter: the page needs no other file. The course's
# index.html.j2 (autograder/feedback_index.html.j2) says its words in the notebook's language with the other two.
c.HTMLExporter.filters = {"inline_script": "autograder.feedback_assets.inline_script",
                          "words": "autograder.feedback_words.words",
                          "page_language": "autograder.feedback_words.page_language"}

# A submission after the assignment's due date (set in formgrader or `nbgrader db assignment
# add --duedate`) scores zero: nbgrader's built-in late penalty, shown in the feedback and grades.csv.
# An assignment without a due date is never late.
c.LateSubmissionPlugin.penalty_method = "zero"
