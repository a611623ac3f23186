"""Turn a forked root process into a learner's kernel: limits, an unprivileged user, a clean start.

autograder.zygote calls become_kernel() in each process it forks for a submission. Running
as root inside the sandbox, it can: copy the connection file where user U can read it, give
the process its own System V IPC and POSIX message queue namespace (nothing one submission
leaves there reaches the next), set the limits, drop to uid/gid U, and run the IPython kernel.

Why each limit is what it is (setrlimit semantics):
- RLIMIT_AS (memory): virtual address space; importing torch needs ~0.7 GB of it.
- RLIMIT_CPU: CPU seconds of the kernel process; SIGKILL follows SIGXCPU.
- RLIMIT_NPROC: processes and threads of user U. Root is exempt from it, which is why
  the kernel runs as U; each parallel grading job uses its own U.
- RLIMIT_FSIZE: the largest file the kernel may write.
"""

import ctypes
import json
import os
import resource
import signal
import sys

CLONE_NEWIPC = 0x08000000
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]


def kernel_environment(home):
    """The environment a learner's kernel runs with (the zygote imports its libraries under it too)."""
    return {
        "HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
        "MPLCONFIGDIR": os.path.join(home, ".matplotlib"), "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def become_kernel(connection_file, uid, home, memory_mb, cpu_seconds, processes, file_mb):
    """Run the IPython kernel as user `uid` under the limits, in this (freshly forked) process; never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; the learner's subprocesses need it
    os.setsid()
    if ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWIPC) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWIPC) failed")

    # The connection file is root's (mode 600): hand the kernel its own copy.
    with open(connection_file) as handle:
        connection = json.load(handle)
    own_copy = os.path.join(home, ".kernel-connection.json")
    with open(own_copy, "w") as handle:
        json.dump(connection, handle)
    os.chown(own_copy, uid, uid)
    os.chmod(own_copy, 0o600)

    megabyte = 1024 * 1024
    limits = {
        resource.RLIMIT_AS: memory_mb * megabyte,
        resource.RLIMIT_CPU: cpu_seconds,
        resource.RLIMIT_NPROC: processes,
        resource.RLIMIT_FSIZE: file_mb * megabyte,
        resource.RLIMIT_CORE: 0,
    }
    for kind, value in limits.items():
        resource.setrlimit(kind, (value, value))

    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    os.chdir(home)
    os.environ.clear()
    os.environ.update(kernel_environment(home))
    sys.argv = ["ipykernel_launcher", "-f", own_copy, *KERNEL_ARGS]
    sys.path[0] = home  # as for `python -m ipykernel_launcher` started in home

    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=sys.argv[1:])
