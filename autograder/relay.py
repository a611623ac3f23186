"""Stands in, for jupyter_client, for a kernel that autograder.zygote forked. Stdlib only.

    python -I -S relay.py ZYGOTE_SOCKET CONNECTION_FILE

jupyter_client starts a kernel as its own child process, then watches that process (is it
alive?) and signals it (SIGINT interrupts a cell that ran out of time). The sandbox's
kernels are forked by the zygote instead, so the kernel spec starts this relay: it asks the
zygote for a kernel (sending the connection file and the language the kernel's messages are to
be in, which the runner set in this process's environment: see gatedrnn/nbgrader_kernel.py),
passes on every signal it gets to it, and exits when the kernel does.
"""

import json
import os
import select
import signal
import socket
import sys


def main():
    socket_path, connection_file = sys.argv[1:3]
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as zygote:
        zygote.connect(socket_path)
        language = os.environ.get("GATEDRNN_LANGUAGE", "")  # gatedrnn.i18n.ENVIRONMENT_VARIABLE (stdlib only here)
        zygote.sendall(json.dumps({"connection_file": connection_file, "language": language}).encode())
        zygote.shutdown(socket.SHUT_WR)
        kernel = int(zygote.recv(64))
    try:
        kernel_exit = os.pidfd_open(kernel)
    except ProcessLookupError:  # it has ended already
        sys.exit(0)

    def forward(signum, frame):
        try:
            signal.pidfd_send_signal(kernel_exit, signum)
        except ProcessLookupError:
            pass

    for signum in [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2]:
        signal.signal(signum, forward)
    select.select([kernel_exit], [], [])  # readable once the kernel has ended
    sys.exit(0)


if __name__ == "__main__":
    main()
