"""Grading worker processes: one long-lived process per parallel job, so nbgrader starts once per job.

    python -m autograder.worker        (started by WorkerProcess; not meant to be run by hand)

Running `nbgrader autograde` and `nbgrader generate_feedback` as two fresh processes for
every submission cost about 2 s of imports and configuration each. A worker imports
nbgrader once, loads OUT/nbgrader_config.py once (with its job's sandbox user id), and then
runs both steps in-process (autograder.submission.SubmissionGrader) for each submission it
is given. The learner's code still runs where it always did: in the job's sandbox
(autograder.sandbox), started by the worker.

Protocol, one JSON document per line: the first line on stdin holds the GradingSettings (as
JSON) and the job's uid; then each request line is {"student_id": ...} or {"prepare": true},
and each answer line is a Result's fields or {"error": ...}. Whatever nbgrader or a library
prints goes to stderr (the worker's log), never into the answers.
"""

import ctypes
import dataclasses
import importlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from .startup import skip_unused_imports


def main():
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grading run dies: so does this worker
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints go to the log, not into the protocol
    sys.stdout = sys.stderr
    skip_unused_imports()
    from .settings import GradingSettings
    from .submission import SubmissionGrader

    first = json.loads(sys.stdin.readline())
    grader = SubmissionGrader(GradingSettings.from_json(first["settings"]), first["uid"])
    grader.nbgrader_api()  # start-up work done while the first worker prepares the assignment
    importlib.import_module("gatedrnn.reference")  # the independent check's references (torch)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("prepare"):
            answer = {"error": grader.generate_assignment()}
        else:
            answer = dataclasses.asdict(grader.grade(request["student_id"]))
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def course_env():
    """This process's environment with its Python's folder first on PATH: nbgrader runs helper
    commands (alembic) and kernels from PATH, and they must be this environment's."""
    return dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))


def grade_in(worker, settings, functions, student_id):
    """One submission graded by a WorkerProcess; a zero with the reason if the worker died doing it.

    settings, functions: the run's GradingSettings and graded functions (for a zero's page and points).
    """
    from .submission import Result, failed, unreadable_reason

    problem = unreadable_reason(settings.submission_path(student_id), settings.assignment)
    if problem:
        return failed(settings, functions, student_id, problem)
    fields = worker.grade(student_id)
    return Result(**fields) if fields is not None else failed(settings, functions, student_id, worker.exit_reason())


class WorkerProcess:
    """The grading side's handle on one worker: send a student id, get a Result back.

    If the worker dies (it should not: nbgrader's errors are caught in it), the submission
    it was grading gets a zero with the reason, and the next submission starts a new worker.
    """

    def __init__(self, settings, uid, log_path):
        self.settings = settings
        self.uid = uid
        self.log_path = log_path
        self.process = None

    def _start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=log, text=True, env=course_env(),
                                        cwd=self.settings.out_dir)
        log.close()
        self._send({"settings": self.settings.to_json(), "uid": self.uid})

    def _send(self, message):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def start(self):
        """Start the worker if it is not running (it then gets ready while the caller goes on)."""
        if self.process is None or self.process.poll() is not None:
            self._start()

    def ask(self, request):
        """The worker's answer (a dict) to a request, or None if it died answering."""
        try:
            self.start()
            self._send(request)
            line = self.process.stdout.readline()
        except OSError:  # BrokenPipeError: it died
            line = ""
        if not line:
            self.close()
            return None
        return json.loads(line)

    def prepare(self):
        """Record the assignment in the gradebook (nbgrader generate_assignment); RuntimeError if that fails."""
        answer = self.ask({"prepare": True})
        error = self.exit_reason() if answer is None else answer["error"]
        if error:
            raise RuntimeError(f"nbgrader generate_assignment failed: {error}")

    def grade(self, student_id):
        """The Result fields (a dict) of one submission, or None if the worker died grading it."""
        return self.ask({"student_id": student_id})

    def exit_reason(self):
        """Why the last worker stopped, in words."""
        code = self.process.returncode if self.process is not None else None
        return f"the grading worker stopped (exit status {code}); see {self.log_path}"

    def close(self):
        if self.process is None:
            return
        try:
            self.process.stdin.close()  # a worker ends at the end of its input
        except OSError:
            pass
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.wait()
        self.process.stdout.close()


if __name__ == "__main__":
    main()
