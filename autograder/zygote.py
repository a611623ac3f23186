"""A fresh kernel per submission without paying the kernel's start each time.

    python -m autograder.zygote SOCKET --uid U --home H [every limit: --cell-timeout S ...]

The sandbox runner (autograder.runner) starts this once per sandbox, before it reads any
notebook, so this process never holds a learner's code or the hidden tests. It imports what
every kernel of the course imports (IPython, the kernel, NumPy, torch, the course's
packages: about 1.5 s of CPU), then waits on a root-only Unix socket. For each request (a
connection file) it forks: the child is a brand-new process, a copy of this clean one, that
becomes the learner's kernel (autograder.limits.become_kernel: its own IPC namespace,
limits, unprivileged user, and the language of the notebook's messages, which the request names). autograder/relay.py is the process jupyter_client starts and
watches in its place.
"""

import argparse
import importlib
import json
import os
import signal
import socket
import sys

from .limits import SandboxLimits, become_kernel, kernel_environment

PRELOADED = ["IPython", "ipykernel.kernelapp", "numpy", "torch", "gatedrnn.reference", "gatedrnn.testing",
             "gatedrnn.gru_variants"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.zygote")
    parser.add_argument("socket_path")
    parser.add_argument("--home", required=True)
    parser.add_argument("--uid", type=int, required=True)
    SandboxLimits.add_arguments(parser, required=True)
    args = parser.parse_args(argv)
    limits = SandboxLimits.from_args(args)

    os.environ.clear()
    os.environ.update(kernel_environment(args.home))  # libraries read some of it when imported
    for module in PRELOADED:
        importlib.import_module(module)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they end
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(args.socket_path)
    os.chmod(args.socket_path, 0o600)
    listener.listen()
    print("ready", flush=True)
    os.dup2(2, 1)  # from now on (and in the kernels) stdout is the sandbox's log, like stderr
    while True:
        connection, _ = listener.accept()
        with connection:
            request = json.loads(b"".join(iter(lambda: connection.recv(4096), b"")))  # until the relay's EOF
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    listener.close()
                    connection.close()
                    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                    become_kernel(request["connection_file"], args.uid, args.home, limits, request["language"])
                    status = 0
                except BaseException as error:  # noqa: B036 -- a forked child must never return into the loop
                    print(f"kernel failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
                finally:
                    os._exit(status)
            connection.sendall(str(pid).encode())


if __name__ == "__main__":
    main()
