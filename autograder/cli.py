"""Command line: `python -m autograder grade ...` and `python -m autograder check ...`."""

import argparse
import sys

from .assignments import assignment_names


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

    check = commands.add_parser("check", help="self-check one notebook: run its tests, report per function")
    check.add_argument("notebook", help="path of the exercise notebook")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "check":
        from .selfcheck import check_notebook

        return check_notebook(args.notebook)

    from .grading import ClassGrader

    if args.jobs < 1:
        print("--jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        grader = ClassGrader(args.assignment, args.submitted_dir, args.out or f"grading/{args.assignment}", args.db)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    grader.run(jobs=args.jobs)
    return 0
