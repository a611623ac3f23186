"""Grading on a Dask cluster: `python -m autograder grade A SUBMITTED_DIR --scheduler tcp://HOST:PORT`.

The instructor's machine alone reads SUBMITTED_DIR and writes OUT and the gradebook. Each
learner's notebook travels to a Dask worker as a task's argument; the worker grades it in its
own scratch course (below its local directory), exactly as a local `--jobs` job does: a
long-lived grading worker process (autograder.worker) with its own sandbox user, sandbox and
pre-warmed kernel zygote, kept by a worker plugin (GradingPlugin) for as long as the run lasts.
The task returns the autograded notebook, the feedback page, the log and the seconds it took;
the instructor's side writes them into OUT and records the grades in its gradebook from the
autograded notebook with nbgrader's own SaveAutoGrades (autograder.recording). The scratch
SQLite gradebook of a worker is only what nbgrader needs to run there; no grade is read from it.

Before any submission is sent, every worker proves it is fit to grade (autograder.fitness: the
same course files and package versions as the instructor's, a working sandbox); a run with an
unfit worker stops with the reasons. A worker that joins later and is unfit closes itself, and
a task that reaches it goes elsewhere (distributed.Reschedule).

Faults: a worker that dies mid-run loses nothing: the scheduler sends its submissions to other
workers, and the instructor's side records each submission once, when its result arrives. A
lost scheduler stops the run with GradingStopped; every grade recorded so far is in grades.csv,
so running the same command again grades only what is missing.
"""

import dataclasses
import logging
import shutil
import threading
import time
import uuid
from pathlib import Path

from .submission import Result, SubmissionGrader, failed, graded_result, unreadable_reason, write_course_config

PLUGIN_NAME = "autograder-grading"
log = logging.getLogger(__name__)


class GradingStopped(Exception):
    """The run cannot go on (no scheduler, an unfit worker, the scheduler lost); the message says why."""


class GradingPlugin:
    """A Dask worker plugin: the worker's own scratch course and long-lived grading worker process.

    Made on the instructor's side from the run's GradingSettings (as JSON) and the instructor's
    course fingerprint; set up on each worker. Subclasses distributed's WorkerPlugin lazily, so
    importing this module does not need distributed.
    """

    def __init__(self, settings_json, fingerprint):
        self.settings_json, self.fingerprint = settings_json, fingerprint

    def setup(self, worker):
        from .fitness import unfit_reason
        from .isolation import SandboxUsers
        from .settings import GradingSettings
        from .worker import WorkerProcess

        settings = GradingSettings.from_json(self.settings_json)
        self.problem = unfit_reason(self.fingerprint, settings.sandbox)
        self.lock, self.ready, self.prepare_error = threading.Lock(), threading.Event(), ""
        self.users = self.process = None
        if self.problem:
            log.error("this worker is unfit to grade and closes: %s", self.problem)
            worker.loop.add_callback(worker.close, reason=f"unfit to grade: {self.problem}")
            return
        scratch = Path(worker.local_directory) / "autograder-course"
        self.settings = settings.replace(submitted_dir=scratch / "submitted", out_dir=scratch,
                                         db_url=f"sqlite:///{scratch / 'gradebook.db'}")
        write_course_config(self.settings)
        self.users = SandboxUsers(1 if settings.sandbox else 0)
        uid = self.users.uids[0] if self.users.uids else None
        self.process = WorkerProcess(self.settings, uid, scratch / "logs" / "worker.log")
        self.process.start()  # nbgrader and torch import while the first submission travels here
        self.grader_functions = SubmissionGrader(self.settings).functions
        threading.Thread(target=self._prepare, daemon=True).start()

    def _prepare(self):
        """The assignment in the scratch gradebook, before the first submission (which waits for it)."""
        try:
            self.process.prepare()
        except RuntimeError as error:
            self.prepare_error = str(error)
        finally:
            self.ready.set()

    def teardown(self, worker):
        if self.process is not None:
            self.process.close()
        if self.users is not None:
            self.users.release()

    def grade(self, student_id, notebook, timestamp):
        """Grade one submission here (notebook: its text); the dict grade_on_worker returns."""
        from .worker import grade_in

        settings = self.settings
        self.ready.wait()
        with self.lock:
            if self.prepare_error:
                raise RuntimeError(self.prepare_error)
            folder = settings.submission_path(student_id).parent
            folder.mkdir(parents=True, exist_ok=True)
            settings.submission_path(student_id).write_text(notebook)
            if timestamp is not None:
                (folder / "timestamp.txt").write_text(timestamp)
            began = time.monotonic()
            result = grade_in(self.process, settings, self.grader_functions, student_id)
            seconds = time.monotonic() - began
            texts = {name: _read(path) for name, path in [
                ("autograded", settings.autograded_path(student_id)), ("feedback", settings.feedback_path(student_id)),
                ("log", settings.log_path(student_id))]}
            for kind in ["submitted", "autograded", "feedback"]:  # no learner's file stays in the scratch course
                shutil.rmtree(settings.out_dir / kind / student_id, ignore_errors=True)
            settings.log_path(student_id).unlink(missing_ok=True)
        return {"result": dataclasses.asdict(result), "seconds": seconds, **texts}


def _read(path):
    try:
        return path.read_text()
    except FileNotFoundError:
        return None


def grade_on_worker(student_id, notebook, timestamp):
    """The Dask task: grade one submission on the worker running it, with its GradingPlugin."""
    from distributed import Reschedule, get_worker

    plugin = get_worker().plugins[PLUGIN_NAME]
    if plugin.problem:
        raise Reschedule()  # not here: this worker is unfit (and closing)
    return plugin.grade(student_id, notebook, timestamp)


def _worker_plugin_class():
    """GradingPlugin as a distributed.WorkerPlugin (distributed is imported only when a cluster is used)."""
    from distributed import WorkerPlugin

    return type("GradingWorkerPlugin", (GradingPlugin, WorkerPlugin), {"__module__": __name__})


class DaskJobs:
    """--scheduler URL: submissions graded on the workers of a running Dask cluster.

        with DaskJobs(settings, functions, "tcp://host:8786") as jobs:
            jobs.prepare()
            for result, seconds in jobs.grade(student_ids): ...   # in the order they finish
    """

    def __init__(self, settings, functions, scheduler, connect_seconds=30):
        self.settings, self.functions, self.scheduler = settings, functions, scheduler
        self.connect_seconds = connect_seconds
        self.client = self.recorder = self.preparing = self.prepare_error = None

    def __enter__(self):
        from distributed import Client

        from .fitness import course_fingerprint

        try:
            self.client = Client(self.scheduler, timeout=self.connect_seconds, set_as_default=False)
            self.client.wait_for_workers(1, timeout=self.connect_seconds)
        except (OSError, TimeoutError) as error:
            self.__exit__()
            raise GradingStopped(f"cannot use the Dask scheduler at {self.scheduler}: {error or type(error).__name__} "
                                 "(is it running, with at least one worker?)") from None
        fingerprint = course_fingerprint()
        from .fitness import unfit_reason

        problems = {address: problem for address, problem in
                    self.client.run(unfit_reason, fingerprint, self.settings.sandbox).items() if problem}
        if problems:
            self.__exit__()
            raise GradingStopped("these Dask workers are not fit to grade, so nothing was graded:\n" + "\n".join(
                f"  {address}: {problem}" for address, problem in sorted(problems.items())))
        plugin = _worker_plugin_class()(self.settings.to_json(), fingerprint)
        self.client.register_plugin(plugin, name=PLUGIN_NAME)
        return self

    def prepare(self):
        """Record the assignment in the instructor's gradebook (nbgrader generate_assignment), on this machine."""
        self.preparing = threading.Thread(target=self._prepare)  # while the first submissions travel
        self.preparing.start()

    def _prepare(self):
        from .recording import Recorder
        from .worker import WorkerProcess

        preparer = WorkerProcess(self.settings, None, self.settings.out_dir / "logs" / "prepare.log")
        try:
            preparer.prepare()  # nbgrader runs no learner code for it: no sandbox user needed
            self.recorder = Recorder(self.settings)
        except RuntimeError as error:
            self.prepare_error = error
        finally:
            preparer.close()

    def describe(self):
        workers = len(self.client.nthreads())  # asks the scheduler: a worker that died is gone from it
        return f"{workers} Dask worker{'s' if workers != 1 else ''}"

    def grade(self, student_ids):
        """(Result, seconds) of each submission, as each one finishes; GradingStopped if the scheduler is lost."""
        from distributed import as_completed

        futures = {}
        run = uuid.uuid4().hex[:8]
        for student_id in student_ids:
            path = self.settings.submission_path(student_id)
            problem = unreadable_reason(path, self.settings.assignment)
            if problem:  # found here: it never travels
                yield failed(self.settings, self.functions, student_id, problem), 0.0
                continue
            stamp = path.parent / "timestamp.txt"
            future = self.client.submit(grade_on_worker, student_id, path.read_text(),
                                        stamp.read_text() if stamp.is_file() else None,
                                        key=f"grade-{self.settings.assignment}-{student_id}-{run}", pure=False)
            futures[future] = student_id
        self.preparing.join()
        if self.prepare_error:
            raise self.prepare_error
        for future in as_completed(futures, loop=self.client.loop):
            student_id = futures[future]
            try:
                answer = future.result()
            except Exception as error:  # noqa: BLE001 -- what a lost scheduler or a dead task looks like varies
                if self.client.status != "running" or not self._scheduler_answers():
                    raise GradingStopped(f"lost the Dask scheduler at {self.scheduler} ({type(error).__name__}); "
                                         "the grades recorded so far are kept: run the same command again "
                                         "to grade the rest") from None
                yield failed(self.settings, self.functions, student_id,
                             f"the Dask workers could not grade it: {type(error).__name__}: {error}"), 0.0
                continue
            remote = Result(**answer["result"])
            graded = remote.status.startswith("graded") and answer["autograded"] is not None
            self.recorder.record(student_id, answer["autograded"] if graded else None, answer["feedback"], answer["log"])
            if graded:  # the grades as the instructor's gradebook now has them
                yield graded_result(self.settings, self.functions, student_id), answer["seconds"]
            else:
                yield failed(self.settings, self.functions, student_id, remote.status), answer["seconds"]

    def _scheduler_answers(self):
        try:
            self.client.scheduler_info()
            self.client.run_on_scheduler(lambda: True)
            return True
        except Exception:  # noqa: BLE001
            return False

    def __exit__(self, *exc):
        if self.client is None:
            return
        try:
            self.client.unregister_worker_plugin(PLUGIN_NAME)  # each worker closes its grading process
        except Exception:  # noqa: BLE001 -- no plugin registered, or no scheduler any more
            pass
        self.client.close(timeout=10)
        self.client = None
