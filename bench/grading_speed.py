"""Grading speed: `python -m autograder grade --jobs 2` against plain sequential `nbgrader autograde`.

    .venv/bin/python bench/grading_speed.py [--assignment gru] [--submissions 40] [--jobs 2] [--out FILE]

Both grade the same submissions (copies of the solution notebook, so every test runs in full)
on this machine, one after the other in this process's children. Prints seconds per
submission for each and the ratio autograder / nbgrader (target: at most 0.6 with --jobs 2).
The autograder's time includes what plain autograde does not do: the sandbox, the independent
check, the feedback pages and the class report. The figures, with the machine's load average
before and after (a shared machine makes both slower), go as JSON to --out (default
bench/results/grading_speed.json).
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "bench" / "results" / "grading_speed.json"
sys.path.insert(0, str(REPO))

from autograder.assignments import assignment_names, source_notebook  # noqa: E402


# nbgrader runs helper commands (alembic) and kernels from PATH: this environment's first.
ENV = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))


def timed(command, cwd):
    began = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="gru" if "gru" in assignment_names() else "rnn")
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write")
    args = parser.parse_args()
    load_before = os.getloadavg()
    nbgrader = [sys.executable, "-m", "nbgrader"]

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as folder:
        course = Path(folder) / "course"
        course.mkdir()
        shutil.copy(REPO / "nbgrader_config.py", course)
        (course / "autograder").mkdir()
        shutil.copy(REPO / "autograder" / "nbgrader_config.py", course / "autograder")
        shutil.copytree(REPO / "solutions", course / "solutions")
        for index in range(args.submissions):
            target = course / "submitted" / f"learner{index:03d}" / args.assignment
            target.mkdir(parents=True)
            shutil.copy(source_notebook(args.assignment), target / f"{args.assignment}.ipynb")
        subprocess.run([*nbgrader, "generate_assignment", args.assignment], cwd=course, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)

        plain = timed([*nbgrader, "autograde", args.assignment], course)
        load_between = os.getloadavg()
        ours = timed([sys.executable, "-m", "autograder", "grade", args.assignment, str(course / "submitted"),
                      "--out", str(Path(folder) / "out"), "--jobs", str(args.jobs)], REPO)

    n = args.submissions
    load_after = os.getloadavg()
    print(f"{args.assignment}, {n} submissions on this machine ({os.cpu_count()} CPUs):")
    print(f"  plain nbgrader autograde (sequential): {plain:7.1f} s  ({plain / n:.2f} s per submission)")
    print(f"  python -m autograder grade --jobs {args.jobs}: {ours:7.1f} s  ({ours / n:.2f} s per submission)")
    print(f"  ratio autograder / nbgrader: {ours / plain:.2f} (target <= 0.6)")
    print(f"  load average (1, 5, 15 min) before {_loads(load_before)}, between {_loads(load_between)}, "
          f"after {_loads(load_after)}")
    result = {
        "benchmark": "bench/grading_speed.py", "assignment": args.assignment, "submissions": n, "jobs": args.jobs,
        "nbgrader_seconds": plain, "autograder_seconds": ours,
        "nbgrader_seconds_per_submission": plain / n, "autograder_seconds_per_submission": ours / n,
        "ratio": ours / plain, "target_ratio": 0.6, "cpus": os.cpu_count(),
        "load_average_before": load_before, "load_average_between": load_between, "load_average_after": load_after,
        "date": time.strftime("%Y-%m-%d %H:%M"), "machine": platform.machine(), "python": platform.python_version(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {args.out}")


def _loads(loads):
    return " ".join(f"{load:.2f}" for load in loads)


if __name__ == "__main__":
    main()
