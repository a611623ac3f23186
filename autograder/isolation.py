"""bwrap arguments shared by the course's two sandboxes (sandbox.py runs the notebook,
verify.py runs the independent check): fresh namespaces and a read-only system."""

import os
import signal
import time
from pathlib import Path

ISOLATION = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
             "--die-with-parent", "--new-session"]


def isolated_system(folders):
    """bwrap arguments shared by every sandbox of the course: new namespaces (no network, no
    other processes), the system's /usr and /etc read-only, and traversable (0755) empty
    folders on the way to each of `folders`, which the caller then mounts."""
    arguments = ISOLATION + ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for path in ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"]:
        if os.path.islink(path):
            arguments += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            arguments += ["--ro-bind", path, path]
    # Folders bwrap creates on the way to a mount are private (0700) by default, which would
    # keep the unprivileged kernel from reaching Python: make them traversable.
    for folder in sorted({str(parent) for path in folders for parent in Path(path).parents} - {"/"}):
        arguments += ["--perms", "0755", "--dir", folder]
    return arguments


def kill_user_processes(uid, seconds=10.0):
    """SIGKILL every process of `uid` (a sandbox user, nobody else's) until none is left.

    Killing a sandbox tears its PID namespace down, but asynchronously; a fork bomb's
    processes can outlive the call that killed it by a moment. Grading waits for them.
    """
    deadline = time.monotonic() + seconds
    while True:
        pids = [pid for pid in _pids() if _real_uid(pid) == uid]
        if not pids or time.monotonic() > deadline:
            return not pids
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def _pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _real_uid(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None
