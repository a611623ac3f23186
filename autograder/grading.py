"""Grading a whole class: nbgrader autograde and generate_feedback for every submission.

    python -m autograder grade ASSIGNMENT SUBMITTED_DIR [--out DIR] [--db URL] [--jobs N]

SUBMITTED_DIR/<student_id>/<ASSIGNMENT>/<ASSIGNMENT>.ipynb is nbgrader's submitted layout.
The run is an ordinary nbgrader course rooted at OUT: OUT/nbgrader_config.py loads the
course's settings and points nbgrader at the source notebooks and the submissions, so an
instructor can also run plain nbgrader commands there afterwards. It writes

    OUT/grades.csv                                        one row per student
    OUT/feedback/<student_id>/<ASSIGNMENT>/<ASSIGNMENT>.html
    OUT/autograded/..., OUT/gradebook.db (unless --db), OUT/logs/<student_id>.log

A broken submission is a row with score 0 and a status that says why, never a crash.
"""

import csv
import html
import os
import queue
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .assignments import COURSE_ID, REPO, graded_functions, source_notebook
from .isolation import SandboxUsers
from .probe_session import PROBE_LIMITS
from .report import learner_misconceptions, write_report
from .sandbox import DEFAULT_LIMITS
from .units import load_unit
from .worker import WorkerProcess

CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "misconceptions"]


@dataclass
class Result:
    """The outcome of grading one submission."""
    student_id: str
    score: float = 0.0
    status: str = "graded"
    function_scores: dict = field(default_factory=dict)  # function name -> points earned
    misconceptions: list = field(default_factory=list)  # ids recognised in its failed tests


class ClassGrader:
    """Grades every submission of one assignment into an output folder."""

    def __init__(self, assignment, submitted_dir, out_dir, db_url=None, limits=None, sandbox=True):
        self.assignment = assignment
        self.source = source_notebook(assignment)
        load_unit(assignment)  # UnitError (a ValueError) now if its declaration is missing or incomplete
        self.functions = graded_functions(self.source)
        self.max_score = sum(f.points for f in self.functions)
        self.submitted_dir = Path(submitted_dir).resolve()
        self.out_dir = Path(out_dir).resolve()
        self.db_url = db_url or f"sqlite:///{self.out_dir / 'gradebook.db'}"
        self.limits = dict(DEFAULT_LIMITS, **(limits or {}))
        self.sandbox = sandbox
        self._api = None  # nbgrader's API, made by the first grade() in this process
        if not self.submitted_dir.is_dir():
            raise ValueError(f"submitted folder {submitted_dir} does not exist")

    # -- the nbgrader course rooted at OUT -------------------------------------------------

    def write_config(self):
        """OUT/nbgrader_config.py: the course's settings with this run's folders."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / "logs").mkdir(exist_ok=True)
        settings = {
            "root": str(self.out_dir),
            "source_directory": str(REPO / "solutions"),
            "release_directory": "release",
            "submitted_directory": str(self.submitted_dir),
            "autograded_directory": "autograded",
            "feedback_directory": "feedback",
            "db_url": self.db_url,
        }
        lines = [
            "# Written by `python -m autograder grade`: the course's nbgrader settings, with this",
            "# grading run's folders. Plain nbgrader commands run in this folder use it too.",
            f"load_subconfig({str(REPO / 'autograder' / 'nbgrader_config.py')!r})  # noqa: F821",
            "c = get_config()  # noqa: F821",
        ] + [f"c.CourseDirectory.{key} = {value!r}" for key, value in settings.items()]
        if self.sandbox:  # nbgrader's Execute gives way to the sandboxed one, same place in the pipeline
            lines += [
                "from nbgrader.preprocessors import Execute",
                "c.Autograde.autograde_preprocessors = [",
                "    'autograder.sandbox.SandboxedExecute' if p is Execute else p",
                "    for p in c.Autograde.autograde_preprocessors]",
            ] + [f"c.SandboxedExecute.{name} = {value!r}" for name, value in self.limits.items()]
        else:
            lines.append(f"c.Execute.timeout = {self.limits['cell_timeout']!r}")
        lines += [f"c.IndependentCheck.{name} = {self.limits[name]!r}" for name in PROBE_LIMITS]
        (self.out_dir / "nbgrader_config.py").write_text("\n".join(lines) + "\n")

    def nbgrader_api(self, uid=None):
        """nbgrader's API with OUT/nbgrader_config.py loaded, the sandbox running as user `uid`.

        What `nbgrader autograde` and `nbgrader generate_feedback` run in OUT, but in this
        process: a grading worker (autograder.worker) pays nbgrader's start once, not twice
        per submission.
        """
        if self._api is None:
            from nbgrader.apps import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory
            from traitlets.config.loader import PyFileConfigLoader

            config = PyFileConfigLoader("nbgrader_config.py", path=str(self.out_dir)).load_config()
            if self.sandbox and uid is not None:
                config.SandboxedExecute.uid = config.IndependentCheck.uid = uid
            self._api = NbGraderAPI(CourseDirectory(config=config), config=config)
        return self._api

    def generate_assignment(self):
        """Record the assignment's cells in the gradebook (in a worker); '' or what went wrong."""
        outcome = self.nbgrader_api().generate_assignment(self.assignment, force=True)
        return "" if outcome["success"] else outcome.get("log", "") + outcome.get("error", "")

    # -- one submission ---------------------------------------------------------------------

    def submission_path(self, student_id):
        return self.submitted_dir / student_id / self.assignment / f"{self.assignment}.ipynb"

    def feedback_path(self, student_id):
        return self.out_dir / "feedback" / student_id / self.assignment / f"{self.assignment}.html"

    def grade(self, student_id, uid=None):
        """Autograde one submission and generate its feedback; never raises for a bad submission.

        uid: the sandbox user of the parallel job running it (see isolation.SandboxUsers).
        Runs in a grading worker (autograder.worker), with nbgrader in-process.
        """
        problem = unreadable_reason(self.submission_path(student_id), self.assignment)
        if problem:
            return self.failed(student_id, problem)
        log_path = self.out_dir / "logs" / f"{student_id}.log"
        api = self.nbgrader_api(uid)
        with open(log_path, "w") as log:
            for step, run_step in [("autograde", api.autograde), ("feedback", api.generate_feedback)]:
                outcome = run_step(self.assignment, student_id, force=True)
                log.write(outcome.get("log", "") + outcome.get("error", ""))
                log.flush()
                if not outcome["success"]:
                    return self.failed(student_id, f"{step} failed: " + last_error_line(log_path))
        result = self.read_gradebook(student_id)
        result.misconceptions = learner_misconceptions(self.autograded_path(student_id))
        events = self.sandbox_events(student_id)
        if events:
            result.status = "graded; " + "; ".join(events)
        return result

    def autograded_path(self, student_id):
        return self.out_dir / "autograded" / student_id / self.assignment / f"{self.assignment}.ipynb"

    def sandbox_events(self, student_id):
        """What the sandbox reported for a submission (timeouts, a dead kernel, ...), if anything."""
        try:
            return nbformat.read(str(self.autograded_path(student_id)), as_version=4).metadata.get("autograder", {}).get("events", [])
        except (OSError, ValueError):
            return []

    def read_gradebook(self, student_id):
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, course_id=COURSE_ID) as gradebook:
            notebook = gradebook.find_submission_notebook(self.assignment, self.assignment, student_id)
            scores = {grade.name: grade.score for grade in notebook.grades}
            submission = gradebook.find_submission(self.assignment, student_id)
            total = max(0.0, submission.score - submission.late_submission_penalty)  # as `nbgrader export` counts it
        by_function = {f.name: scores.get("test_" + f.name, 0.0) for f in self.functions}
        return Result(student_id, score=total, function_scores=by_function)

    def grade_in(self, worker, student_id):
        """grade() in a worker process; a zero with the reason if the worker died doing it."""
        problem = unreadable_reason(self.submission_path(student_id), self.assignment)
        if problem:
            return self.failed(student_id, problem)
        fields = worker.grade(student_id)
        return Result(**fields) if fields is not None else self.failed(student_id, worker.exit_reason())

    def failed(self, student_id, reason):
        """A zero with a reason, and a feedback page that says it."""
        path = self.feedback_path(student_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(failure_feedback_html(self.assignment, student_id, reason, self.max_score))
        return Result(student_id, score=0.0, status=reason,
                      function_scores={f.name: 0.0 for f in self.functions})

    # -- the class --------------------------------------------------------------------------

    def student_ids(self):
        return sorted(p.name for p in self.submitted_dir.iterdir() if p.is_dir() and not p.name.startswith("."))

    def write_csv(self, results):
        """OUT/grades.csv, written whole after every submission so a stopped run keeps its grades."""
        names = [f.name for f in self.functions]
        rows = [{
            "student_id": r.student_id, "assignment": self.assignment, "score": f"{r.score:g}",
            "max_score": f"{self.max_score:g}", "status": r.status, "misconceptions": " ".join(r.misconceptions),
            **{name: f"{r.function_scores.get(name, 0.0):g}" for name in names},
        } for r in results]
        temporary = self.out_dir / "grades.csv.tmp"
        with open(temporary, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS + names)
            writer.writeheader()
            writer.writerows(rows)
        temporary.replace(self.out_dir / "grades.csv")

    def recorded_results(self):
        """The results an earlier, possibly interrupted, run recorded in OUT/grades.csv."""
        path = self.out_dir / "grades.csv"
        if not path.is_file():
            return {}
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        recorded = {}
        for row in rows:
            if self.feedback_path(row["student_id"]).is_file():
                scores = {f.name: float(row.get(f.name) or 0) for f in self.functions}
                recorded[row["student_id"]] = Result(row["student_id"], float(row["score"]), row["status"], scores,
                                                     row.get("misconceptions", "").split())
        return recorded

    def run(self, jobs=1, progress=print, fresh=False):
        """Grade every submission, `jobs` at a time; print a line as each one finishes.

        Submissions already recorded in OUT/grades.csv by an earlier run are kept, not
        graded again, unless fresh is true: a run that was stopped resumes where it was.
        """
        self.write_config()
        students = self.student_ids()
        recorded = {} if fresh else self.recorded_results()
        results = [recorded[s] for s in students if s in recorded]
        todo = [s for s in students if s not in recorded]
        if results:
            progress(f"Resuming: {len(results)} submissions already graded, {len(todo)} to grade.")
        started = time.monotonic()
        users = SandboxUsers(jobs if self.sandbox else 0)
        free_workers = queue.SimpleQueue()  # one worker process per job, each with its own sandbox user
        workers = [WorkerProcess(self, uid, self.out_dir / "logs" / f"worker-{job}.log")
                   for job, uid in enumerate(users.uids or [None] * jobs)]
        for worker in workers:
            worker.start()
            free_workers.put(worker)

        def grade_timed(student_id):
            worker = free_workers.get()
            began = time.monotonic()
            try:
                return self.grade_in(worker, student_id), time.monotonic() - began
            finally:
                free_workers.put(worker)

        # Each grading runs in a worker process, so threads are enough to run them side by side.
        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            workers[0].prepare()
            for finished, (result, seconds) in enumerate(pool.map(grade_timed, todo), 1):
                results.append(result)
                self.write_csv(results)
                elapsed = time.monotonic() - started
                left = elapsed / finished * (len(todo) - finished)
                progress(f"[{len(results)}/{len(students)}] {result.student_id}: {result.score:g}/{self.max_score:g} "
                         f"{result.status} ({seconds:.1f} s) | elapsed {_clock(elapsed)}, about {_clock(left)} left")
        finally:
            pool.shutdown(wait=True)
            for worker in workers:
                worker.close()
            users.release()  # nothing a submission started outlives the run
        self.write_csv(sorted(results, key=lambda r: r.student_id))
        report = write_report(self, results)
        progress(f"Graded {len(todo)} submissions of {self.assignment} in "
                 f"{time.monotonic() - started:.1f} s: {self.out_dir / 'grades.csv'}, report {report}")
        return results


def course_env():
    """This process's environment with its Python's folder first on PATH: nbgrader runs helper
    commands (alembic) and kernels from PATH, and they must be this environment's."""
    return dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))


def _clock(seconds):
    """m:ss"""
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


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


def failure_feedback_html(assignment, student_id, reason, max_score):
    """A small feedback page for a submission that could not be graded."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(assignment)} feedback</title></head>
<body>
<h1>{html.escape(assignment)}: feedback for {html.escape(student_id)}</h1>
<p><strong>Score: 0 / {max_score:g}</strong></p>
<p>Your submission could not be graded: {html.escape(reason)}.</p>
<p>Check that you submitted the notebook <code>{html.escape(assignment)}.ipynb</code> itself, saved from
Jupyter, and that it opens there. Run <code>python -m autograder check {html.escape(assignment)}.ipynb</code>
before submitting.</p>
</body></html>
"""
