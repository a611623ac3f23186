"""Grading speed and cost: `python -m autograder grade` against plain `nbgrader autograde`, locally and on Dask.

    .venv/bin/python bench/grading_speed.py [--assignment gru] [--submissions 40] [--jobs 2]
                                            [--cost-submissions 3] [--only speed|cost] [--out FILE]

speed (written to --out, default bench/results/grading_speed.json): the same submissions
(copies of the solution notebook, so every test runs in full) graded on this machine, one way
after the other, in the same run:
- plain sequential `nbgrader autograde` (the reference);
- `python -m autograder grade --jobs J` (target: at most 0.6 of the reference with --jobs 2);
- `python -m autograder grade --scheduler` on a local Dask cluster of J single-threaded workers
  (autograder.local_cluster; target: at most 1.15 of the --jobs J time).
The autograder's times include what plain autograde does not do: the sandbox, the independent
check, the feedback pages and the class report. A shared machine makes every row slower; the
load average before, between and after is recorded.

cost (written to bench/results/grading_cost.json): the CPU seconds that grading one submission
of each assignment costs, counted by the kernel for every process of the run (a cgroup's
cpuacct, so a busy machine does not inflate it, and the sandbox's processes are included):
(CPU of grading N solution copies with --jobs 1 - CPU of a run with none) / N. The
instructors' chapter on grading at scale reads this file.
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
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO))

from autograder.assignments import assignment_names, source_notebook  # noqa: E402
from autograder.local_cluster import LocalCluster  # noqa: E402
from autograder.worker import course_env  # noqa: E402

ENV = course_env()  # nbgrader runs helper commands (alembic) and kernels from PATH: this environment's first
CGROUP_CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def timed(command, cwd):
    began = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - began


def cpu_seconds(command, cwd):
    """CPU seconds (user + system) of command and of every process it starts, however deep."""
    group = CGROUP_CPUACCT / f"bench-grading-{os.getpid()}-{time.monotonic_ns()}"
    group.mkdir()
    try:
        def join_group():
            (group / "cgroup.procs").write_text(str(os.getpid()))

        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                       preexec_fn=join_group)
        time.sleep(1)  # the sandbox's last processes are reaped asynchronously
        return int((group / "cpuacct.usage").read_text()) / 1e9
    finally:
        group.rmdir()


def lay_out_class(folder, assignment, submissions):
    """folder/<learnerNNN>/<assignment>/<assignment>.ipynb: copies of the solution notebook."""
    folder.mkdir(parents=True)
    for index in range(submissions):
        target = folder / f"learner{index:03d}" / assignment
        target.mkdir(parents=True)
        shutil.copy(source_notebook(assignment), target / f"{assignment}.ipynb")
    return folder


def grade(assignment, submitted, out, *where):
    return [sys.executable, "-m", "autograder", "grade", assignment, str(submitted), "--out", str(out), *where]


def measure_speed(args):
    load_before = os.getloadavg()
    nbgrader = [sys.executable, "-m", "nbgrader"]
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as folder:
        course = Path(folder) / "course"
        course.mkdir()
        shutil.copy(REPO / "nbgrader_config.py", course)
        (course / "autograder").mkdir()
        shutil.copy(REPO / "autograder" / "nbgrader_config.py", course / "autograder")
        shutil.copytree(REPO / "solutions", course / "solutions")
        submitted = lay_out_class(course / "submitted", args.assignment, args.submissions)
        subprocess.run([*nbgrader, "generate_assignment", args.assignment], cwd=course, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)

        plain = timed([*nbgrader, "autograde", args.assignment], course)
        load_between = os.getloadavg()
        ours = timed(grade(args.assignment, submitted, Path(folder) / "out", "--jobs", str(args.jobs)), REPO)
        with LocalCluster(Path(folder) / "cluster", workers=args.jobs, env=ENV) as cluster:
            dask = timed(grade(args.assignment, submitted, Path(folder) / "dask", "--scheduler", cluster.address), REPO)
        left = cluster.left_over()
        if left:
            raise SystemExit(f"the local Dask cluster left processes running: {left}")

    n = args.submissions
    load_after = os.getloadavg()
    print(f"{args.assignment}, {n} submissions on this machine ({os.cpu_count()} CPUs):")
    print(f"  plain nbgrader autograde (sequential): {plain:7.1f} s  ({plain / n:.2f} s per submission)")
    print(f"  python -m autograder grade --jobs {args.jobs}: {ours:7.1f} s  ({ours / n:.2f} s per submission)")
    print(f"  python -m autograder grade --scheduler ({args.jobs} local Dask workers, 1 thread each): "
          f"{dask:7.1f} s  ({dask / n:.2f} s per submission)")
    print(f"  ratio autograder / nbgrader: {ours / plain:.2f} (target <= 0.6)")
    print(f"  ratio Dask / --jobs {args.jobs}: {dask / ours:.2f} (target <= 1.15)")
    print(f"  load average (1, 5, 15 min) before {_loads(load_before)}, between {_loads(load_between)}, "
          f"after {_loads(load_after)}")
    return {
        "benchmark": "bench/grading_speed.py", "assignment": args.assignment, "submissions": n, "jobs": args.jobs,
        "nbgrader_seconds": plain, "autograder_seconds": ours, "dask_seconds": dask, "dask_workers": args.jobs,
        "nbgrader_seconds_per_submission": plain / n, "autograder_seconds_per_submission": ours / n,
        "dask_seconds_per_submission": dask / n,
        "ratio": ours / plain, "target_ratio": 0.6, "dask_ratio_to_jobs": dask / ours, "target_dask_ratio": 1.15,
        "cpus": os.cpu_count(),
        "load_average_before": load_before, "load_average_between": load_between, "load_average_after": load_after,
        **_machine(),
    }


def measure_cost(args):
    """{assignment: CPU seconds per submission, ...} with how they were measured."""
    load_before = os.getloadavg()
    per_assignment = {}
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as folder:
        for assignment in assignment_names():
            base = Path(folder) / assignment
            empty = lay_out_class(base / "none", assignment, 0)
            full = lay_out_class(base / "some", assignment, args.cost_submissions)
            fixed = cpu_seconds(grade(assignment, empty, base / "out-none", "--jobs", "1"), REPO)
            total = cpu_seconds(grade(assignment, full, base / "out-some", "--jobs", "1"), REPO)
            per_assignment[assignment] = {"cpu_seconds_per_submission": (total - fixed) / args.cost_submissions,
                                          "fixed_cpu_seconds_per_run": fixed}
            print(f"  {assignment}: {per_assignment[assignment]['cpu_seconds_per_submission']:.1f} CPU s per "
                  f"submission (a run's fixed cost: {fixed:.1f} CPU s)")
    return {
        "benchmark": "bench/grading_speed.py --only cost", "submissions_per_assignment": args.cost_submissions,
        "method": "cgroup cpuacct of `python -m autograder grade --jobs 1` on N solution copies, less a run with "
                  "none, divided by N: every process of the run, sandbox included",
        "assignments": per_assignment, "cpus": os.cpu_count(),
        "load_average_before": load_before, "load_average_after": os.getloadavg(), **_machine(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="gru" if "gru" in assignment_names() else "rnn")
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cost-submissions", type=int, default=3, help="solution copies per assignment for the cost")
    parser.add_argument("--only", choices=["speed", "cost"], help="measure only this (default: both)")
    parser.add_argument("--out", type=Path, default=RESULTS / "grading_speed.json", help="speed JSON file to write")
    parser.add_argument("--cost-out", type=Path, default=RESULTS / "grading_cost.json", help="cost JSON file to write")
    args = parser.parse_args()
    for what, measure, path in [("speed", measure_speed, args.out), ("cost", measure_cost, args.cost_out)]:
        if args.only in (None, what):
            result = measure(args)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=2) + "\n")
            print(f"written {path}")


def _machine():
    return {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": platform.machine(), "python": platform.python_version()}


def _loads(loads):
    return " ".join(f"{load:.2f}" for load in loads)


if __name__ == "__main__":
    main()
