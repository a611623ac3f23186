"""Command line: `python -m autograder grade ...` and `python -m autograder check ...`."""

import argparse
import sys

from .assignments import assignment_names
from .limits import SandboxLimits


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
    where = grade.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=int, default=1, help="submissions graded at once on this machine (default 1)")
    where.add_argument("--scheduler", metavar="URL", default=None,
                       help="grade on the workers of a running Dask cluster (tcp://HOST:PORT); see README")
    SandboxLimits.add_arguments(grade.add_argument_group("sandbox limits, per submission"))
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

    from .grading import ClassGrader, LocalJobs
    from .sandbox import sandbox_problem
    from .settings import GradingSettings

    limits = SandboxLimits.from_args(args)
    problem = "--jobs must be at least 1" if args.jobs < 1 else limits.problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    problem = sandbox_problem()
    if problem and not args.unsandboxed:
        print(f"error: cannot grade in a sandbox: {problem}.\nLearners' code would run with your rights, "
              "network and files. Fix that, or pass --unsandboxed to accept the risk.", file=sys.stderr)
        return 2
    if args.unsandboxed:
        print("warning: grading WITHOUT a sandbox: learners' code runs with your rights.", file=sys.stderr)
    settings = GradingSettings.make(args.assignment, args.submitted_dir, args.out or f"grading/{args.assignment}",
                                    args.db, limits=limits, sandbox=not args.unsandboxed)
    try:
        grader = ClassGrader(settings)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.scheduler:
        from .dask_grading import DaskJobs, GradingStopped

        try:
            grader.run(DaskJobs(settings, grader.functions, args.scheduler), fresh=args.fresh)
        except GradingStopped as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        return 0
    grader.run(LocalJobs(settings, grader.functions, args.jobs), fresh=args.fresh)
    return 0
