"""gated-rnn-grade ASSIGNMENT [--jobs N]: the class hub's grading route for an instructor who is not root.

Installed by setup.sh as /usr/local/sbin/gated-rnn-grade (root-owned), with a sudoers rule
that lets the instructor run that one program as root, and nothing else:

    %gated-rnn-instructors ALL=(root) NOPASSWD: /usr/local/sbin/gated-rnn-grade

It runs `python -m autograder grade` (the course's sandbox: bubblewrap, a kernel per
submission as an unprivileged user, limits, then the independent check) on the submissions
the instructor collected, into the course's gradebook, so the grade is the one any other
route gives. Root never works inside the instructor's folder:

1. what it grades (COURSE/submitted and COURSE/gradebook.db) is read by a `tar` running as
   the instructor, and unpacked by root into a fresh root-only folder with tarfile's "data"
   filter (no links out, no devices, no setuid bits);
2. grading runs there, with the course repository's own solutions and settings (root-owned);
3. the results (autograded/, feedback/ and grading/ASSIGNMENT/ with grades.csv and the class
   report) go back through a `tar` running as the instructor, and the gradebook through a
   Python running as the instructor (SQLite's backup, in place: formgrader keeps it open), so
   whatever the instructor's folder holds (a symbolic link to /etc, say) is met with the
   instructor's rights.

Which course and which instructor come from a root-owned JSON file that the installed
wrapper names (GATED_RNN_GRADE_CONFIG), never from the command line:
{"repo": ..., "course_dir": ..., "instructor": ..., "work_dir": ...}.
"""

import argparse
import dataclasses
import io
import json
import os
import pwd
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

# The course's own package: the repository's .venv runs this file.
from autograder.assignments import assignment_names
from autograder.limits import SandboxLimits

LIMITS = [field.name for field in dataclasses.fields(SandboxLimits)]  # the sandbox's limits, --name-with-dashes


class Refused(Exception):
    """A reason to stop, for the instructor to read."""


def load_settings():
    path = os.environ.get("GATED_RNN_GRADE_CONFIG", "/etc/gated-rnn-hub/grade.json")
    with open(path) as handle:
        settings = json.load(handle)
    return {key: settings[key] for key in ("repo", "course_dir", "instructor", "work_dir")}


def check_caller(instructor):
    """Only root, or the course's instructor through sudo."""
    if os.geteuid() != 0:
        raise Refused("run it with sudo: sudo gated-rnn-grade ASSIGNMENT")
    caller = os.environ.get("SUDO_USER", "root")
    if caller not in ("root", instructor):
        raise Refused(f"{caller} is not this course's instructor ({instructor})")


def as_user(user):
    """subprocess arguments that run a program as `user`: its uid, gid and groups, none of root's."""
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": os.getgrouplist(user, entry.pw_gid)}


def read_as(user, folder, names):
    """A tar stream (bytes) of `names` under `folder`, made by tar running as `user`."""
    present = subprocess.run(["find", *names, "-maxdepth", "0"], cwd=folder, **as_user(user),
                             capture_output=True, text=True).stdout.split()
    if not present:
        return b""
    made = subprocess.run(["tar", "-cf", "-", "--", *present], cwd=folder, **as_user(user), capture_output=True)
    if made.returncode != 0:
        raise Refused(f"cannot read {folder} as {user}: {made.stderr.decode(errors='replace').strip()}")
    return made.stdout


def write_as(user, folder, members):
    """Unpack {name in folder: local path} into folder with tar running as `user`."""
    stream = io.BytesIO()
    with tarfile.open(fileobj=stream, mode="w") as archive:
        for name, path in members.items():
            archive.add(path, arcname=name)
    unpacked = subprocess.run(["tar", "-xf", "-", "--no-same-owner", "--no-same-permissions"], cwd=folder,
                              **as_user(user), input=stream.getvalue(), capture_output=True)
    if unpacked.returncode != 0:
        raise Refused(f"cannot write the results into {folder} as {user}: "
                      f"{unpacked.stderr.decode(errors='replace').strip()}")


def grade(assignment, jobs, limits, settings):
    repo, course, instructor = Path(settings["repo"]), Path(settings["course_dir"]), settings["instructor"]

    if assignment not in assignment_names():
        raise Refused(f"unknown assignment {assignment!r} (known: {', '.join(assignment_names())})")
    work = Path(settings["work_dir"]) / assignment
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, mode=0o700)
    os.chmod(work.parent, 0o700)
    with tarfile.open(fileobj=io.BytesIO(read_as(instructor, course, ["submitted", "gradebook.db"]) or
                                         _empty_tar())) as archive:
        archive.extractall(work, filter="data")
    submitted = work / "submitted"
    students = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    if not students:
        raise Refused(f"nothing to grade: {course}/submitted holds no submission of {assignment}. "
                      f"Collect first (formgrader's Collect, or `nbgrader collect {assignment}` in {course}).")
    for other in submitted.iterdir():  # grade only this assignment's submitters
        if other.name not in students:
            shutil.rmtree(other)
    out = work / "out"
    command = [sys.executable, "-m", "autograder", "grade", assignment, str(submitted), "--out", str(out),
               "--db", f"sqlite:///{work / 'gradebook.db'}", "--jobs", str(jobs), "--fresh"]
    for name, value in limits.items():
        command += ["--" + name.replace("_", "-"), str(value)]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:/usr/sbin:/usr/bin:/sbin:/bin")
    status = subprocess.run(command, cwd=repo, env=env).returncode
    if status != 0:
        raise Refused(f"grading stopped (exit status {status}); nothing was written to {course}")
    copy_gradebook_as(instructor, course, work / "gradebook.db")
    members = {f"grading/{assignment}/grades.csv": out / "grades.csv",
               f"grading/{assignment}/report": out / "report"}
    for student in students:
        for kind in ("autograded", "feedback"):
            path = out / kind / student / assignment
            if path.is_dir():
                members[f"{kind}/{student}/{assignment}"] = path
    write_as(instructor, course, members)
    print(f"Grades of {len(students)} submissions are in {course}/gradebook.db (formgrader shows them), "
          f"{course}/grading/{assignment}/grades.csv and the feedback in {course}/feedback/.")


def positive(text):
    """argparse type: a whole number from 1 to 100000."""
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 100000")
    return int(text)


# Copies a gradebook (SQLite) given on stdin into gradebook.db in place, with SQLite's backup
# API: formgrader keeps the file open, and a new file in its place would go unseen.
COPY_GRADEBOOK = """
import sqlite3, sys, tempfile
with tempfile.NamedTemporaryFile(dir=".", prefix=".gradebook-", suffix=".db") as copy:
    copy.write(sys.stdin.buffer.read())
    copy.flush()
    source, target = sqlite3.connect(copy.name), sqlite3.connect("gradebook.db")
    source.backup(target)
    target.close()
    source.close()
"""


def copy_gradebook_as(user, folder, gradebook):
    """Write the graded gradebook into folder/gradebook.db, as `user` (Debian's python3 runs it)."""
    copied = subprocess.run(["/usr/bin/python3", "-I", "-c", COPY_GRADEBOOK], cwd=folder, **as_user(user),
                            input=Path(gradebook).read_bytes(), capture_output=True)
    if copied.returncode != 0:
        raise Refused(f"cannot write the gradebook into {folder} as {user}: "
                      f"{copied.stderr.decode(errors='replace').strip()[-500:]}")


def _empty_tar():
    stream = io.BytesIO()
    tarfile.open(fileobj=stream, mode="w").close()
    return stream.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="gated-rnn-grade",
                                     description="Grade the collected submissions of an assignment in the sandbox.")
    parser.add_argument("assignment")
    parser.add_argument("--jobs", type=positive, default=1, metavar="N", help="submissions graded at once (default 1)")
    limits = parser.add_argument_group("sandbox limits, per submission (python -m autograder grade --help)")
    for name in LIMITS:
        limits.add_argument("--" + name.replace("_", "-"), type=positive, metavar="N")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        check_caller(settings["instructor"])
        chosen = {name: getattr(args, name) for name in LIMITS if getattr(args, name) is not None}
        grade(args.assignment, args.jobs, chosen, settings)
    except Refused as reason:
        print(f"gated-rnn-grade: {reason}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
