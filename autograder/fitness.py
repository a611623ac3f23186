"""Is this machine fit to grade? The course's fingerprint, and what a grading worker needs.

A Dask worker (autograder.dask_grading) grades with its own copy of the course. Before it gets a
submission, the instructor's side compares that copy with its own: the same fingerprint (a
hash of every file of gatedrnn/, autograder/ and solutions/, and the versions of Python and of
the packages grading runs on), and, unless grading is unsandboxed, a working sandbox
(bubblewrap, root). A worker that differs would grade with other tests, other references or
other rules; it is refused at the start, with the reason, never discovered per submission.
"""

import functools
import hashlib
import importlib.metadata
import platform

from .assignments import REPO

COURSE_FOLDERS = ("gatedrnn", "autograder", "solutions")
PACKAGES = ("nbgrader", "nbclient", "ipykernel", "numpy", "torch")


@functools.lru_cache(maxsize=1)
def course_fingerprint():
    """{"course": sha256 of the course's files, "python": version, <package>: version, ...}.

    Computed once per process (about a second): a running worker grades with the code it loaded.
    """
    digest = hashlib.sha256()
    for folder in COURSE_FOLDERS:
        for path in sorted((REPO / folder).rglob("*")):
            relative = path.relative_to(REPO)  # caches and checkpoints (hidden folders) are not the course
            if path.is_file() and not any(p == "__pycache__" or p.startswith(".") for p in relative.parts):
                digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    versions = {name: _version(name) for name in PACKAGES}
    return {"course": digest.hexdigest(), "python": platform.python_version(), **versions}


def _version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def unfit_reason(expected, sandbox=True):
    """'' if this machine can grade like the one whose course_fingerprint() is `expected`, else why not."""
    from .sandbox import sandbox_problem

    found = course_fingerprint()  # a cached dict: read it, never change it
    problems = []
    if found["course"] != expected["course"]:
        problems.append(f"its course files ({', '.join(COURSE_FOLDERS)}) differ from the instructor's "
                        f"(hash {found['course'][:12]} instead of {expected['course'][:12]}): install the same version")
    problems += [f"it has {name} {found.get(name)} instead of {expected[name]}"
                 for name in expected if name != "course" and found.get(name) != expected[name]]
    problem = sandbox_problem() if sandbox else ""
    if problem:
        problems.append(f"it cannot grade in a sandbox: {problem}")
    return "; ".join(problems)
