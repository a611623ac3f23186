"""Grading a whole class: the loop over the submissions of one assignment.

    python -m autograder grade ASSIGNMENT SUBMITTED_DIR [--out DIR] [--db URL] [--jobs N | --scheduler URL]

SUBMITTED_DIR/<student_id>/<ASSIGNMENT>/<ASSIGNMENT>.ipynb is nbgrader's submitted layout.
ClassGrader decides what to grade (all, or what an earlier run did not record), hands the
submissions to where they are graded, and records what comes back; grading one submission is
autograder.submission's job, in worker processes. Where they run:

- LocalJobs (--jobs N): N worker processes on this machine (autograder.worker);
- autograder.dask_grading.DaskJobs (--scheduler URL): the workers of a Dask cluster.

The run is an ordinary nbgrader course rooted at OUT (see autograder.submission), so an
instructor can also run plain nbgrader commands there afterwards. It writes

    OUT/grades.csv                                        one row per student
    OUT/feedback/<student_id>/<ASSIGNMENT>/<ASSIGNMENT>.html
    OUT/report/                                           the class report (autograder.report)
    OUT/autograded/..., OUT/gradebook.db (unless --db), OUT/logs/<student_id>.log

A broken submission is a row with score 0 and a status that says why, never a crash.
"""

import csv
import queue
import time
from concurrent.futures import ThreadPoolExecutor

from .assignments import graded_functions, source_notebook
from .isolation import SandboxUsers
from .report import write_report
from .units import load_unit
from .submission import Result, write_course_config
from .worker import WorkerProcess, grade_in

CSV_COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "misconceptions"]


class ClassGrader:
    """Grades every submission of one assignment (a GradingSettings) into its output folder."""

    def __init__(self, settings):
        self.settings = settings
        load_unit(settings.assignment)  # UnitError (a ValueError) now if its declaration is missing or incomplete
        self.functions = graded_functions(source_notebook(settings.assignment))
        self.max_score = sum(f.points for f in self.functions)
        if not settings.submitted_dir.is_dir():
            raise ValueError(f"submitted folder {settings.submitted_dir} does not exist")

    def student_ids(self):
        folder = self.settings.submitted_dir
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))

    def write_csv(self, results):
        """OUT/grades.csv, written whole after every submission so a stopped run keeps its grades."""
        names = [f.name for f in self.functions]
        rows = [{
            "student_id": r.student_id, "assignment": self.settings.assignment, "score": f"{r.score:g}",
            "max_score": f"{self.max_score:g}", "status": r.status, "misconceptions": " ".join(r.misconceptions),
            **{name: f"{r.function_scores.get(name, 0.0):g}" for name in names},
        } for r in results]
        temporary = self.settings.out_dir / "grades.csv.tmp"
        with open(temporary, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS + names)
            writer.writeheader()
            writer.writerows(rows)
        temporary.replace(self.settings.out_dir / "grades.csv")

    def recorded_results(self):
        """The results an earlier, possibly interrupted, run recorded in OUT/grades.csv."""
        path = self.settings.out_dir / "grades.csv"
        if not path.is_file():
            return {}
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        recorded = {}
        for row in rows:
            if self.settings.feedback_path(row["student_id"]).is_file():
                scores = {f.name: float(row.get(f.name) or 0) for f in self.functions}
                recorded[row["student_id"]] = Result(row["student_id"], float(row["score"]), row["status"], scores,
                                                     row.get("misconceptions", "").split())
        return recorded

    def run(self, jobs, progress=print, fresh=False):
        """Grade every submission where `jobs` (LocalJobs or DaskJobs) runs them; a line as each one finishes.

        Submissions already recorded in OUT/grades.csv by an earlier run are kept, not
        graded again, unless fresh is true: a run that was stopped resumes where it was.
        """
        write_course_config(self.settings)
        students = self.student_ids()
        recorded = {} if fresh else self.recorded_results()
        results = [recorded[s] for s in students if s in recorded]
        todo = [s for s in students if s not in recorded]
        if results:
            progress(f"Resuming: {len(results)} submissions already graded, {len(todo)} to grade.")
        started = time.monotonic()
        with jobs:
            jobs.prepare()
            for finished, (result, seconds) in enumerate(jobs.grade(todo), 1):
                results.append(result)
                self.write_csv(results)
                elapsed = time.monotonic() - started
                left = elapsed / finished * (len(todo) - finished)
                progress(f"[{len(results)}/{len(students)}] {result.student_id}: {result.score:g}/{self.max_score:g} "
                         f"{result.status} ({seconds:.1f} s) | {finished / elapsed * 60:.1f}/min on "
                         f"{jobs.describe()} | elapsed {_clock(elapsed)}, about {_clock(left)} left")
        self.write_csv(sorted(results, key=lambda r: r.student_id))
        report = write_report(self.settings.out_dir, self.settings.assignment, self.functions, self.max_score, results)
        progress(f"Graded {len(todo)} submissions of {self.settings.assignment} in "
                 f"{time.monotonic() - started:.1f} s: {self.settings.out_dir / 'grades.csv'}, report {report}")
        return results


class LocalJobs:
    """--jobs N: N grading worker processes on this machine, each with its own sandbox user.

        with LocalJobs(settings, functions, 2) as jobs:
            jobs.prepare()
            for result, seconds in jobs.grade(student_ids): ...
    """

    def __init__(self, settings, functions, jobs):
        self.settings, self.functions, self.jobs = settings, functions, jobs
        self.users = self.workers = self.pool = None

    def __enter__(self):
        self.users = SandboxUsers(self.jobs if self.settings.sandbox else 0)
        self.workers = [WorkerProcess(self.settings, uid, self.settings.out_dir / "logs" / f"worker-{job}.log")
                        for job, uid in enumerate(self.users.uids or [None] * self.jobs)]
        self.free_workers = queue.SimpleQueue()  # each worker grades one submission at a time
        for worker in self.workers:
            worker.start()
            self.free_workers.put(worker)
        # Each grading runs in a worker process, so threads are enough to run them side by side.
        self.pool = ThreadPoolExecutor(max_workers=self.jobs)
        return self

    def prepare(self):
        """Record the assignment in the gradebook (nbgrader generate_assignment)."""
        self.workers[0].prepare()

    def describe(self):
        return f"{self.jobs} local job{'s' if self.jobs > 1 else ''}"

    def grade(self, student_ids):
        """(Result, seconds) of each submission, in the order of student_ids."""
        def grade_timed(student_id):
            worker = self.free_workers.get()
            began = time.monotonic()
            try:
                return grade_in(worker, self.settings, self.functions, student_id), time.monotonic() - began
            finally:
                self.free_workers.put(worker)

        return self.pool.map(grade_timed, student_ids)

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        for worker in self.workers or []:
            worker.close()
        if self.users is not None:
            self.users.release()  # nothing a submission started outlives the run


def _clock(seconds):
    """m:ss"""
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"
