"""GradingSettings: what one grading run is, in one small value that travels as JSON.

The command line (autograder.cli) makes it for the class loop (autograder.grading); a grading
worker process (autograder.worker) and a Dask worker (autograder.dask_grading) receive it as
JSON and grade submissions with it (autograder.submission). It also names where each file of a submission
lives in the nbgrader course rooted at out_dir.
"""

import dataclasses
import json
from pathlib import Path

from .limits import SandboxLimits


@dataclasses.dataclass(frozen=True)
class GradingSettings:
    """One grading run: the assignment, the folders, the gradebook, the sandbox and its limits.

    submitted_dir holds SUBMITTED_DIR/<student_id>/<assignment>/<assignment>.ipynb; out_dir is
    the root of the nbgrader course the run writes (autograded/, feedback/, logs/, gradebook).
    sandbox: False runs learners' code without the sandbox (--unsandboxed).
    """

    assignment: str
    submitted_dir: Path
    out_dir: Path
    db_url: str
    limits: SandboxLimits = SandboxLimits()
    sandbox: bool = True

    @classmethod
    def make(cls, assignment, submitted_dir, out_dir, db_url=None, limits=None, sandbox=True):
        """Absolute folders; the gradebook defaults to sqlite:///OUT/gradebook.db."""
        out_dir = Path(out_dir).resolve()
        return cls(assignment, Path(submitted_dir).resolve(), out_dir, db_url or f"sqlite:///{out_dir / 'gradebook.db'}",
                   limits or SandboxLimits(), sandbox)

    def to_json(self):
        fields = dataclasses.asdict(self)
        return json.dumps({**fields, "submitted_dir": str(self.submitted_dir), "out_dir": str(self.out_dir)})

    @classmethod
    def from_json(cls, text):
        fields = json.loads(text)
        return cls(**{**fields, "submitted_dir": Path(fields["submitted_dir"]), "out_dir": Path(fields["out_dir"]),
                      "limits": SandboxLimits(**fields["limits"])})

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    # -- where a submission's files are --------------------------------------------------------

    def _notebook(self, folder, student_id, suffix=".ipynb"):
        return folder / student_id / self.assignment / f"{self.assignment}{suffix}"

    def submission_path(self, student_id):
        return self._notebook(self.submitted_dir, student_id)

    def autograded_path(self, student_id):
        return self._notebook(self.out_dir / "autograded", student_id)

    def feedback_path(self, student_id):
        return self._notebook(self.out_dir / "feedback", student_id, ".html")

    def log_path(self, student_id):
        return self.out_dir / "logs" / f"{student_id}.log"
