"""A class hub for the tests: deploy/jupyterhub/setup.sh run into a temporary root, with
local accounts made for the test and removed after it.

    with ClassHub(learners=["a", "b"]) as hub:
        hub.url                     http://127.0.0.1:PORT
        hub.instructor, hub.learners[0]         account names (also nbgrader's student ids)
        hub.as_user(name, [...])                run a command as that account, in its home
        hub.course                              the instructor's course folder

Everything the setup makes lives under a new folder in /tmp, except what must live elsewhere: the
accounts and their groups and homes, and the sudoers rule (/etc/sudoers.d/gated-rnn-hub-test-*);
closing stops the hub, kills whatever the test accounts still run, and removes all of it.
"""

import os
import secrets
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from autograder.assignments import REPO
from autograder.isolation import kill_user_processes

SETUP = REPO / "deploy" / "jupyterhub" / "setup.sh"
HUB_PREFIX = Path("/opt/gated-rnn-hub")
PASSWORD_BYTES = 12


def missing_prerequisites():
    """What the hub test needs that this machine lacks (a list of sentences); [] if nothing."""
    problems = []
    if os.geteuid() != 0:
        problems.append("the hub test makes local accounts: run it as root")
    if not (HUB_PREFIX / "venv" / "bin" / "jupyterhub").is_file():
        problems.append(f"no hub environment in {HUB_PREFIX}: run `make hub` (deploy/jupyterhub/setup.sh install)")
    for program in ["configurable-http-proxy", "sudo", "bwrap"]:
        if subprocess.run(["which", program], capture_output=True).returncode != 0:
            problems.append(f"{program} is not installed: run `make hub`")
    return problems


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ClassHub:
    def __init__(self, learners, start=True, log=None):
        tag = secrets.token_hex(2)
        # Its own folder under /tmp, which every account can reach (pytest's are root's alone).
        self.folder = Path(tempfile.mkdtemp(prefix=f"gated-rnn-hub-test-{tag}-"))
        self.folder.chmod(0o755)
        self.instructor = f"ins-{tag}"
        self.learners = [f"{name}-{tag}" for name in learners]
        self.groups = {"LEARNERS_GROUP": f"hubl-{tag}", "INSTRUCTORS_GROUP": f"hubi-{tag}"}
        self.passwords = {user: secrets.token_urlsafe(PASSWORD_BYTES) for user in [self.instructor, *self.learners]}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.course = Path(f"/home/{self.instructor}/course")
        self.exchange = self.folder / "exchange"
        self.sudoers = Path(f"/etc/sudoers.d/gated-rnn-hub-test-{tag}")
        self.grade_bin = self.folder / "bin" / "gated-rnn-grade"
        self.env = dict(os.environ, HUB_PREFIX=str(HUB_PREFIX), HUB_CONFIG=str(self.folder / "etc"),
                        HUB_STATE=str(self.folder / "state"), EXCHANGE=str(self.exchange),
                        INSTRUCTOR=self.instructor, COURSE_DIR=str(self.course), HUB_BIND=self.url,
                        HUB_PORT=str(free_port()), PROXY_API_PORT=str(free_port()), GRADE_BIN=str(self.grade_bin), SUDOERS_FILE=str(self.sudoers), **self.groups)
        self.log_path = log or self.folder / "hub.log"
        self.process = None
        self.made_users = []
        self.starts = start

    # -- set up and tear down ---------------------------------------------------------------
    def __enter__(self):
        try:
            self.grade_bin.parent.mkdir(mode=0o755)
            self.made_users.append(self.instructor)  # setup.sh makes it; removed on close either way
            self._run([str(SETUP), "configure"])
            for user in self.learners:
                self.made_users.append(user)
                self._run(["useradd", "--create-home", "--shell", "/bin/bash", "-G", self.groups["LEARNERS_GROUP"], user])
            self._run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in self.passwords.items()))
            if self.starts:
                self.start()
        except BaseException:
            self.close()
            raise
        return self

    def _run(self, args, **kwargs):
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, **kwargs)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, timeout=90):
        """Start the hub (setup.sh start) and wait for its login page."""
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([str(SETUP), "start"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/hub/login", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start; its log:\n{Path(self.log_path).read_text()[-3000:]}")
            time.sleep(0.3)

    def stop(self):
        """Stop the hub (it stops the users' servers and its proxy), then whatever is left of it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        try:
            os.killpg(self.process.pid, 9)  # whatever the hub left in its session
        except ProcessLookupError:
            pass
        # The proxy runs in a session of its own; a hub that failed or was killed leaves it running.
        pid_file = self.folder / "state" / "jupyterhub-proxy.pid"
        if pid_file.is_file():
            pid = pid_file.read_text().strip()
            try:
                if "configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_text():  # still the proxy
                    os.kill(int(pid), 9)
            except (OSError, ValueError):
                pass
        self.process = None

    def close(self):
        self.stop()
        for user in self.made_users:
            uid = self.uid(user)
            if uid is not None:
                kill_user_processes(uid)
                subprocess.run(["userdel", "--remove", user], capture_output=True)
        for group in self.groups.values():
            subprocess.run(["groupdel", group], capture_output=True)
        self.sudoers.unlink(missing_ok=True)
        subprocess.run(["rm", "-rf", "--one-file-system", str(self.folder)], check=False)

    def __exit__(self, *exc):
        self.close()

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def uid(user):
        done = subprocess.run(["id", "-u", user], capture_output=True, text=True)
        return int(done.stdout) if done.returncode == 0 else None

    def home(self, user):
        return Path(f"/home/{user}")

    @staticmethod
    def wait_for_files(folder, pattern, timeout=60):
        """The files matching pattern under folder, once there is one."""
        deadline = time.monotonic() + timeout
        while not (found := sorted(Path(folder).glob(pattern))):
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern} in {folder} after {timeout} s")
            time.sleep(0.3)
        return found

    def as_user(self, user, args, check=True, **kwargs):
        """Run a command as `user` in its home, with the hub environment's programs first on PATH."""
        env = {"HOME": str(self.home(user)), "USER": user, "LANG": "C.UTF-8",
               "PATH": f"{HUB_PREFIX}/venv/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
               "JUPYTER_CONFIG_PATH": str(self.folder / "etc"), "GATED_RNN_EXCHANGE": str(self.exchange)}
        done = subprocess.run(["runuser", "-u", user, "--", *args], cwd=self.home(user), env=env,
                              capture_output=True, text=True, **kwargs)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} as {user} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done
