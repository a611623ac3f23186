"""The sandbox limits: their one definition, and how a kernel process takes them on.

SandboxLimits is the only place a limit is named, given its default and its help text. From it
come the command line of `python -m autograder grade` (add_arguments), how the limits travel
into the sandbox (flags(), parsed by autograder.runner and autograder.zygote with
add_arguments(required=True)), the rlimits of a learner's kernel (become_kernel) and those of
the independent check's probe (prlimit_flags(), autograder.verify).

become_kernel() turns a forked root process into a learner's kernel. autograder.zygote calls it
in each process it forks for a submission. Running as root inside the sandbox, it can: copy the
connection file where user U can read it, give the process its own System V IPC and POSIX
message queue namespace (nothing one submission leaves there reaches the next), set the limits,
drop to uid/gid U, and run the IPython kernel.

Why each rlimit is what it is (setrlimit semantics):
- RLIMIT_AS (memory): virtual address space; importing torch needs ~0.7 GB of it.
- RLIMIT_CPU: CPU seconds of the kernel process; SIGKILL follows SIGXCPU.
- RLIMIT_NPROC: processes and threads of user U. Root is exempt from it, which is why
  the kernel runs as U; each parallel grading job uses its own U.
- RLIMIT_FSIZE: the largest file the kernel may write.
"""

import ctypes
import dataclasses
import json
import os
import resource
import signal
import sys

from gatedrnn.i18n import ENVIRONMENT_VARIABLE, known

CLONE_NEWIPC = 0x08000000
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]
MEGABYTE = 1024 * 1024


def _limit(default, help_text):
    return dataclasses.field(default=default, metadata={"help": help_text})


@dataclasses.dataclass(frozen=True)
class SandboxLimits:
    """What one submission may use. Every field is a positive int; its flag is --name-with-dashes."""

    cell_timeout: int = _limit(120, "seconds one cell may run")
    wall_seconds: int = _limit(900, "seconds the whole notebook may run, kernel start included")
    memory_mb: int = _limit(2048, "MB of address space for the kernel (torch alone needs ~700 MB)")
    cpu_seconds: int = _limit(600, "CPU seconds for the kernel")
    processes: int = _limit(64, "processes and threads the kernel may have")
    file_mb: int = _limit(64, "MB of the largest file the kernel may write")
    scratch_mb: int = _limit(256, "MB of the kernel's writable scratch space")
    output_kb: int = _limit(1024, "KB of cell output kept")

    # The limits the kernel's process takes on as rlimits: field -> (RLIMIT_<name>, unit in the rlimit's terms).
    RLIMITS = {"memory_mb": ("AS", MEGABYTE), "cpu_seconds": ("CPU", 1), "processes": ("NPROC", 1),
               "file_mb": ("FSIZE", MEGABYTE)}

    @classmethod
    def add_arguments(cls, parser, required=False):
        """One --flag per limit on an argparse parser (or group); required: no defaults (a sandbox's own side)."""
        for limit in dataclasses.fields(cls):
            if required:
                parser.add_argument(_flag(limit.name), type=int, required=True, metavar="N")
            else:
                parser.add_argument(_flag(limit.name), type=int, default=limit.default, metavar="N",
                                    help=f"{limit.metadata['help']} (default {limit.default})")

    @classmethod
    def from_args(cls, args):
        """The limits argparse read with add_arguments."""
        return cls(**{limit.name: getattr(args, limit.name) for limit in dataclasses.fields(cls)})

    def flags(self):
        """The limits as command-line arguments, as add_arguments reads them: ["--cell-timeout", "120", ...]."""
        return [part for name, value in self.as_dict().items() for part in (_flag(name), str(value))]

    def as_dict(self):
        return dataclasses.asdict(self)

    def problem(self):
        """'' if every limit is at least 1, else what is wrong."""
        low = [_flag(name) for name, value in self.as_dict().items() if value < 1]
        return f"every limit must be at least 1 ({', '.join(low)})" if low else ""

    def rlimits(self):
        """{RLIMIT_x: value} of a learner's kernel, no core files included."""
        limits = {getattr(resource, f"RLIMIT_{kind}"): getattr(self, name) * unit
                  for name, (kind, unit) in self.RLIMITS.items()}
        return {**limits, resource.RLIMIT_CORE: 0}

    def prlimit_flags(self):
        """The same rlimits as arguments of util-linux `prlimit` (the probe sandbox's command)."""
        return [f"--{kind.lower()}={getattr(self, name) * unit}" for name, (kind, unit) in self.RLIMITS.items()] + \
            ["--core=0"]


def _flag(name):
    return "--" + name.replace("_", "-")


def kernel_environment(home, language=""):
    """The environment a learner's kernel runs with (the zygote imports its libraries under it too).

    language: that of the course's messages in the kernel (gatedrnn.i18n); English if unknown.
    """
    return {
        ENVIRONMENT_VARIABLE: known(language),
        "HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
        "MPLCONFIGDIR": os.path.join(home, ".matplotlib"), "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def become_kernel(connection_file, uid, home, limits, language=""):
    """Run the IPython kernel as user `uid` under the limits, in this (freshly forked) process; never returns.

    language: the language of the course's messages in this kernel (gatedrnn.i18n), "" for the default.
    """
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

    for kind, value in limits.rlimits().items():
        resource.setrlimit(kind, (value, value))

    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    os.chdir(home)
    os.environ.clear()
    os.environ.update(kernel_environment(home, language))
    sys.argv = ["ipykernel_launcher", "-f", own_copy, *KERNEL_ARGS]
    sys.path[0] = home  # as for `python -m ipykernel_launcher` started in home

    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=sys.argv[1:])
