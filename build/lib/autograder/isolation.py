"""bwrap arguments shared by the course's two sandboxes (sandbox.py runs the notebook,
verify.py runs the independent check): fresh namespaces and a read-only system."""

import fcntl
import os
import signal
import time
from pathlib import Path

ISOLATION = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
             "--die-with-parent", "--new-session"]


def isolated_system(folders):
    """bwrap arguments shared by every sandbox of the course: new namespaces (no network, no
    other processes), the system's /usr and /etc read-only, an empty private /tmp, and
    traversable (0755) empty folders on the way to each of `folders`, which the caller then
    mounts."""
    arguments = ISOLATION + ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for path in ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"]:
        if os.path.islink(path):
            arguments += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            arguments += ["--ro-bind", path, path]
    # A private /tmp, mounted before the caller's mounts: the course may live under /tmp.
    arguments += ["--tmpfs", "/tmp"]
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


SANDBOX_UIDS = range(61000, 62000)  # the user ids sandboxed kernels run as; no one else's
UID_LOCKS = "/tmp/autograder-sandbox-uids"


class SandboxUsers:
    """User ids reserved for this grading run, one per parallel job.

    Each id is locked (flock on a file named after it) for as long as this object lives, so
    two grading runs on one machine never share an id: sharing one would make them share
    its process limit, and each would kill the other's processes at the end. A lock dies
    with its process, so a crashed run frees its ids; processes it left behind are killed
    when an id is taken again.
    """

    def __init__(self, count):
        os.makedirs(UID_LOCKS, exist_ok=True)
        self._locks = []
        for uid in SANDBOX_UIDS:
            if len(self._locks) == count:
                break
            handle = open(os.path.join(UID_LOCKS, str(uid)), "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            kill_user_processes(uid)  # left over by a run that crashed
            self._locks.append((uid, handle))
        if len(self._locks) < count:
            raise RuntimeError(f"no {count} free sandbox user ids in {SANDBOX_UIDS.start}-{SANDBOX_UIDS.stop - 1}")
        self.uids = [uid for uid, _ in self._locks]

    def release(self):
        """Kill whatever runs as these ids, then free them."""
        for uid, handle in self._locks:
            kill_user_processes(uid)
            handle.close()
        self._locks = []
