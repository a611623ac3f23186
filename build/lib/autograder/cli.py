"""Command line: `python -m autograder grade ...` and `python -m autograder check ...`."""

import argparse
import sys

from .assignments import assignment_names
from .sandbox import DEFAULT_LIMITS

LIMIT_HELP = {
    "cell_timeout": "seconds one cell may run",
    "wall_seconds": "seconds the whole notebook may run",
    "memory_mb": "MB of address space for the kernel",
    "cpu_seconds": "CPU seconds for the kernel",
    "processes": "processes and threads the kernel may have",
    "file_mb": "MB of the largest file the kernel may write",
    "scratch_mb": "MB of the kernel's writable scratch space",
    "output_kb": "KB of cell output kept",
}


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Grade the course's exercises with nbgrader.")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade every submission of an assignment")
    grade.add_argument("assignment", help=f"the assignment ({', '.join(assignment_names())})")
    grade.add_argument("submitted_dir",
                       help="folder laid out as SUBMITTED_DIR/<student_id>/<assignment>/<assignment>.ipynb")
    grade.add_argument("--out", default=None, help="output folder (default: grading/<assignment>)")
    grade.add_argument("--db", default=None, help="gradebook URL (default: sqlite:///OUT/gradebook.db)")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    limits = grade.add_argument_group("sandbox limits, per submission")
    for name, default in DEFAULT_LIMITS.items():
        limits.add_argument("--" + name.replace("_", "-"), type=int, default=default, metavar="N",
                            help=f"{LIMIT_HELP[name]} (default {default})")
    grade.add_argument("--fresh", action="store_true",
                       help="grade every submission again (default: keep those an earlier run recorded)")
    grade.add_argument("--unsandboxed", action="store_true",
                       help="accept running learners' code WITHOUT the sandbox (only where bubblewrap cannot work)")

    check = commands.add_parser("check", help="self-check one notebook: run its tests, report per function")
    check.add_argument("notebook", help="path of the exercise notebook")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "check":
        from .selfcheck import check_notebook

        return check_notebook(args.notebook)

    from .grading import ClassGrader
    from .sandbox import sandbox_problem

    limits = {name: getattr(args, name) for name in DEFAULT_LIMITS}
    if args.jobs < 1 or min(limits.values()) < 1:
        print("error: --jobs and every limit must be at least 1", file=sys.stderr)
        return 2
    problem = sandbox_problem()
    if problem and not args.unsandboxed:
        print(f"error: cannot grade in a sandbox: {problem}.\nLearners' code would run with your rights, "
              "network and files. Fix that, or pass --unsandboxed to accept the risk.", file=sys.stderr)
        return 2
    if args.unsandboxed:
        print("warning: grading WITHOUT a sandbox: learners' code runs with your rights.", file=sys.stderr)
    try:
        grader = ClassGrader(args.assignment, args.submitted_dir, args.out or f"grading/{args.assignment}", args.db,
                             limits=limits, sandbox=not args.unsandboxed)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    grader.run(jobs=args.jobs, fresh=args.fresh)
    return 0
