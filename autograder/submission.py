"""Grading one submission: nbgrader autograde and generate_feedback, in-process, in a course folder.

SubmissionGrader runs in a grading worker process (autograder.worker): on the instructor's
machine for `--jobs`, or on a Dask worker in its own scratch course (autograder.dask_grading).
The course is an ordinary nbgrader course rooted at settings.out_dir: write_course_config()
writes its nbgrader_config.py, which loads the course's settings and points nbgrader at the
source notebooks and the submissions, so an instructor can also run plain nbgrader commands
there. A broken submission is a Result with score 0 and a status that says why, never a crash.
"""

import html
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from gatedrnn.i18n import language
from gatedrnn.nbgrader_kernel import EXECUTE

from .assignments import COURSE_ID, REPO, graded_functions, source_notebook
from .messages import notebook_language, speaking, tr
from .outcomes import learner_misconceptions


@dataclass
class Result:
    """The outcome of grading one submission."""
    student_id: str
    score: float = 0.0
    status: str = "graded"
    function_scores: dict = field(default_factory=dict)  # function name -> points earned
    misconceptions: list = field(default_factory=list)  # ids recognised in its failed tests


def write_course_config(settings):
    """OUT/nbgrader_config.py: the course's settings with this run's folders and sandbox limits."""
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    (settings.out_dir / "logs").mkdir(exist_ok=True)
    folders = {
        "root": str(settings.out_dir),
        "source_directory": str(REPO / "solutions"),
        "release_directory": "release",
        "submitted_directory": str(settings.submitted_dir),
        "autograded_directory": "autograded",
        "feedback_directory": "feedback",
        "db_url": settings.db_url,
    }
    lines = [
        "# Written by `python -m autograder grade`: the course's nbgrader settings, with this",
        "# grading run's folders. Plain nbgrader commands run in this folder use it too.",
        f"load_subconfig({str(REPO / 'autograder' / 'nbgrader_config.py')!r})  # noqa: F821",
        "c = get_config()  # noqa: F821",
    ] + [f"c.CourseDirectory.{key} = {value!r}" for key, value in folders.items()]
    if settings.sandbox:  # nbgrader's Execute gives way to the sandboxed one, same place in the pipeline
        lines += [
            "c.Autograde.autograde_preprocessors = [",
            f"    'autograder.sandbox.SandboxedExecute' if p == {EXECUTE!r} else p",
            "    for p in c.Autograde.autograde_preprocessors]",
            f"c.SandboxedExecute.limits = {settings.limits.as_dict()!r}",
        ]
    else:
        lines.append(f"c.Execute.timeout = {settings.limits.cell_timeout!r}")
    lines.append(f"c.IndependentCheck.limits = {settings.limits.as_dict()!r}")  # the probe obeys them too
    (settings.out_dir / "nbgrader_config.py").write_text("\n".join(lines) + "\n")


def load_course_config(settings):
    """The traitlets config of the course at settings.out_dir (written by write_course_config)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(settings.out_dir)).load_config()


class SubmissionGrader:
    """Grades submissions of one run, one at a time, with nbgrader in this process.

    uid: the sandbox user of the job running it (see isolation.SandboxUsers); None unsandboxed.
    """

    def __init__(self, settings, uid=None):
        self.settings = settings
        self.uid = uid
        self.functions = graded_functions(source_notebook(settings.assignment))
        self._api = None

    def nbgrader_api(self):
        """nbgrader's API with OUT/nbgrader_config.py loaded, the sandbox running as self.uid.

        What `nbgrader autograde` and `nbgrader generate_feedback` run in OUT, but in this
        process: a grading worker pays nbgrader's start once, not twice per submission.
        """
        if self._api is None:
            from nbgrader.apps import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory

            config = load_course_config(self.settings)
            if self.settings.sandbox and self.uid is not None:
                config.SandboxedExecute.uid = config.IndependentCheck.uid = self.uid
            self._api = NbGraderAPI(CourseDirectory(config=config), config=config)
        return self._api

    def generate_assignment(self):
        """Record the assignment's cells in the gradebook; '' or what went wrong."""
        outcome = self.nbgrader_api().generate_assignment(self.settings.assignment, force=True)
        return "" if outcome["success"] else outcome.get("log", "") + outcome.get("error", "")

    def grade(self, student_id):
        """Autograde one submission and generate its feedback; never raises for a bad submission."""
        settings = self.settings
        problem = unreadable_reason(settings.submission_path(student_id), settings.assignment)
        if problem:
            return failed(settings, self.functions, student_id, problem)
        log_path = settings.log_path(student_id)
        api = self.nbgrader_api()
        with open(log_path, "w") as log:
            for step, run_step in [("autograde", api.autograde), ("feedback", api.generate_feedback)]:
                outcome = run_step(settings.assignment, student_id, force=True)
                log.write(outcome.get("log", "") + outcome.get("error", ""))
                log.flush()
                if not outcome["success"]:
                    return failed(settings, self.functions, student_id, f"{step} failed: " + last_error_line(log_path))
        return graded_result(settings, self.functions, student_id)


def graded_result(settings, functions, student_id):
    """The Result of an autograded submission: its points from the gradebook, what its notebook says."""
    autograded = settings.autograded_path(student_id)
    result = read_gradebook(settings, functions, student_id)
    result.misconceptions = learner_misconceptions(autograded)
    events = sandbox_events(autograded)
    if events:
        result.status = "graded; " + "; ".join(events)
    return result


def read_gradebook(settings, functions, student_id):
    """The submission's total and points per function, as nbgrader's gradebook has them."""
    from nbgrader.api import Gradebook

    with Gradebook(settings.db_url, course_id=COURSE_ID) as gradebook:
        notebook = gradebook.find_submission_notebook(settings.assignment, settings.assignment, student_id)
        scores = {grade.name: grade.score for grade in notebook.grades}
        submission = gradebook.find_submission(settings.assignment, student_id)
        total = max(0.0, submission.score - submission.late_submission_penalty)  # as `nbgrader export` counts it
    by_function = {f.name: scores.get("test_" + f.name, 0.0) for f in functions}
    return Result(student_id, score=total, function_scores=by_function)


def sandbox_events(autograded_notebook):
    """What the sandbox reported for a submission (timeouts, a dead kernel, ...), if anything."""
    try:
        notebook = nbformat.read(str(autograded_notebook), as_version=4)
    except (OSError, ValueError):
        return []
    return notebook.metadata.get("autograder", {}).get("events", [])


def failed(settings, functions, student_id, reason):
    """A zero with a reason, and a feedback page that says it."""
    path = settings.feedback_path(student_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    max_score = sum(f.points for f in functions)
    with speaking(submission_language(settings.submission_path(student_id))):
        path.write_text(failure_feedback_html(settings.assignment, student_id, reason, max_score))
    return Result(student_id, score=0.0, status=reason, function_scores={f.name: 0.0 for f in functions})


def unreadable_reason(path, assignment):
    """Why the submitted notebook cannot be graded, or '' if it can be."""
    if not path.is_file():
        return f"missing: no {assignment}/{assignment}.ipynb in the submission"
    try:
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # any parse or schema error is the submission's fault
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"invalid notebook: {first_line}"
    return ""


def last_error_line(log_path):
    """The most telling line of an nbgrader log: its last [ERROR] line, else its last line."""
    lines = [line.strip() for line in Path(log_path).read_text(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if "[ERROR]" in line]
    return (errors or lines or ["no output"])[-1][:300]


def submission_language(path):
    """The language of a submitted notebook, as far as it can be read (else English)."""
    try:
        return notebook_language(nbformat.read(str(path), as_version=4).metadata)
    except Exception:  # missing, not JSON: nothing says, so English
        return "en"


def failure_feedback_html(assignment, student_id, reason, max_score):
    """A small feedback page for a submission that could not be graded, in the current language
    (the reason, also the grades' status, stays as the grader wrote it)."""
    name = html.escape(assignment)
    title = tr("{assignment} feedback", assignment=name)
    heading = tr("{assignment}: feedback for {student}", assignment=name, student=html.escape(student_id))
    score = tr("Score: 0 / {max_score}", max_score=f"{max_score:g}")
    why = tr("Your submission could not be graded: {reason}.", reason=html.escape(reason))
    advice = tr("Check that you submitted the notebook {notebook} itself, saved from\nJupyter, and that it opens there. "
                "Run {command}\nbefore submitting.", notebook=f"<code>{name}.ipynb</code>",
                command=f"<code>python -m autograder check {name}.ipynb</code>")
    return f"""<!DOCTYPE html>
<html lang="{language()}"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{heading}</h1>
<p><strong>{score}</strong></p>
<p>{why}</p>
<p>{advice}</p>
</body></html>
"""
