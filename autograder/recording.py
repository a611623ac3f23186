"""Recording a submission graded elsewhere: its files into OUT and its grades into the gradebook.

A Dask worker (autograder.dask_grading) grades in its own scratch course, with its own scratch
SQLite gradebook, and sends back the autograded notebook, the feedback page and its log. The
instructor's gradebook (SQLite or PostgreSQL, reachable from the instructor's machine alone)
gets the grades the way `nbgrader autograde` gives them: the student and the submission (with
its timestamp.txt, if any) are created, then nbgrader's own SaveAutoGrades and
AssignLatePenalties preprocessors read the points from the returned autograded notebook, as
they do at the end of autograde's pipeline. So the gradebook's grades come from the notebook
itself, not from numbers a worker reports, and `nbgrader` commands see an ordinary course.
"""

import warnings

import nbformat

from .assignments import COURSE_ID
from .submission import load_course_config


class Recorder:
    """Writes what a remote grading returned into the course at settings.out_dir (instructor side)."""

    def __init__(self, settings):
        from nbgrader.coursedir import CourseDirectory

        self.settings = settings
        self.config = load_course_config(settings)
        self.coursedir = CourseDirectory(config=self.config)

    def record(self, student_id, autograded, feedback, log):
        """Write the files (texts; autograded None if grading failed before nbgrader wrote it) and the grades."""
        settings = self.settings
        for path, text in [(settings.feedback_path(student_id), feedback), (settings.log_path(student_id), log),
                           (settings.autograded_path(student_id), autograded)]:
            if text is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
        if autograded is not None:
            self.save_grades(student_id, nbformat.reads(autograded, as_version=4))

    def save_grades(self, student_id, notebook):
        from nbgrader.api import Gradebook
        from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

        assignment = self.settings.assignment
        timestamp = self.coursedir.get_existing_timestamp(str(self.settings.submission_path(student_id).parent))
        with Gradebook(self.settings.db_url, COURSE_ID) as gradebook, warnings.catch_warnings():
            # SQLAlchemy warns about nbgrader's own autoflush use here, as in every `nbgrader autograde`
            warnings.filterwarnings("ignore", module="nbgrader")
            gradebook.update_or_create_student(student_id)
            if timestamp:
                gradebook.update_or_create_submission(assignment, student_id, timestamp=timestamp)
            else:
                gradebook.update_or_create_submission(assignment, student_id)
        resources = {"nbgrader": {"notebook": assignment, "assignment": assignment, "student": student_id,
                                  "db_url": self.settings.db_url}}
        for preprocessor in (SaveAutoGrades, AssignLatePenalties):
            notebook, resources = preprocessor(config=self.config).preprocess(notebook, resources)
