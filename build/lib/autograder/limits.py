"""Start a learner's kernel with resource limits, as an unprivileged user.

    python -m autograder.limits --uid U --memory-mb M --cpu-seconds S --processes P \
        --file-mb F -- CONNECTION_FILE

The sandbox runner (autograder.runner) names this module in the kernel spec it writes.
It runs as root inside the sandbox, so it can: copy the connection file where user U
can read it, set the limits, drop to uid/gid U, and exec the IPython kernel.

Why each limit is what it is (setrlimit semantics):
- RLIMIT_AS (memory): virtual address space; importing torch needs ~0.7 GB of it.
- RLIMIT_CPU: CPU seconds of the kernel process; SIGKILL follows SIGXCPU.
- RLIMIT_NPROC: processes and threads of user U. Root is exempt from it, which is why
  the kernel runs as U; each parallel grading job uses its own U.
- RLIMIT_FSIZE: the largest file the kernel may write.
"""

import argparse
import json
import os
import resource
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.limits")
    parser.add_argument("--uid", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    parser.add_argument("--processes", type=int, required=True)
    parser.add_argument("--file-mb", type=int, required=True)
    parser.add_argument("--home", required=True, help="the kernel's home and working folder, owned by uid")
    parser.add_argument("connection_file")
    args = parser.parse_args(argv)

    # The connection file is root's (mode 600): hand the kernel its own copy.
    with open(args.connection_file) as handle:
        connection = json.load(handle)
    own_copy = os.path.join(args.home, ".kernel-connection.json")
    with open(own_copy, "w") as handle:
        json.dump(connection, handle)
    os.chown(own_copy, args.uid, args.uid)
    os.chmod(own_copy, 0o600)

    megabyte = 1024 * 1024
    limits = {
        resource.RLIMIT_AS: args.memory_mb * megabyte,
        resource.RLIMIT_CPU: args.cpu_seconds,
        resource.RLIMIT_NPROC: args.processes,
        resource.RLIMIT_FSIZE: args.file_mb * megabyte,
        resource.RLIMIT_CORE: 0,
    }
    for kind, value in limits.items():
        resource.setrlimit(kind, (value, value))

    os.setgroups([])
    os.setgid(args.uid)
    os.setuid(args.uid)
    os.chdir(args.home)
    environment = {
        "HOME": args.home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
        "MPLCONFIGDIR": os.path.join(args.home, ".matplotlib"), "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", own_copy, "--HistoryManager.hist_file=:memory:"]
    os.execve(sys.executable, kernel, environment)


if __name__ == "__main__":
    main()
