"""JupyterHub configuration of the course's class hub (deploy/jupyterhub/setup.sh installs it).

One hub, one class, one instructor, as nbgrader's "one class, one grader" demo: learners and
the instructor are local Unix accounts that log in on the hub's login page (PAM), and each
gets a JupyterLab of their own, started as their own user from the hub's environment (the
course's pinned packages and the learner kit: gatedrnn, `python -m autograder check`).

Settings that differ between machines come from the environment (setup.sh writes them into
/etc/gated-rnn-hub/hub.env; the end-to-end test sets its own):

    GATED_RNN_HUB_STATE   the hub's own files: its database, cookie secret (root only)
    GATED_RNN_HUB_BIND    where the hub listens (default http://127.0.0.1:8000; put a TLS proxy in front)
    GATED_RNN_HUB_PORT, GATED_RNN_PROXY_API_PORT
                          the hub's and its proxy's own ports on 127.0.0.1 (default 8081, 8001)
    GATED_RNN_HUB_CONFIG  the folder holding the users' Jupyter configuration (nbgrader_config.py:
                          the exchange, the course id; jupyter_server_config.py) and, in learners/,
                          what learners' JupyterLab leaves out (formgrader, Create Assignment)
    GATED_RNN_EXCHANGE    nbgrader's exchange folder (root-made, mode 1777)
    GATED_RNN_LEARNERS_GROUP, GATED_RNN_INSTRUCTORS_GROUP
                          the Unix groups allowed to log in (gated-rnn-learners, gated-rnn-instructors)
"""

import grp
import os
import sys

c = get_config()  # noqa: F821 -- provided by traitlets when JupyterHub loads this file

state = os.environ.get("GATED_RNN_HUB_STATE", "/srv/gated-rnn-hub")
c.JupyterHub.bind_url = os.environ.get("GATED_RNN_HUB_BIND", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"  # the hub's API: only the proxy and the learners' servers, on this machine
c.JupyterHub.hub_port = int(os.environ.get("GATED_RNN_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('GATED_RNN_PROXY_API_PORT', '8001')}"
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{state}/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.pid_file = f"{state}/jupyterhub-proxy.pid"
c.ConfigurableHTTPProxy.debug = False

# Local accounts, checked by PAM (nbgrader's demos do the same); only the course's groups.
c.JupyterHub.authenticator_class = "pam"
learners_group = os.environ.get("GATED_RNN_LEARNERS_GROUP", "gated-rnn-learners")
instructors_group = os.environ.get("GATED_RNN_INSTRUCTORS_GROUP", "gated-rnn-instructors")
c.Authenticator.allowed_groups = {learners_group, instructors_group}
c.PAMAuthenticator.open_sessions = False  # no login sessions (utmp, systemd-logind) for a web login

# Each user's JupyterLab runs as that user, from the hub's environment (this Python's).
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(sys.prefix, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
config_folder = os.environ.get("GATED_RNN_HUB_CONFIG", "/etc/gated-rnn-hub")


def jupyter_config_path(spawner):
    """nbgrader and JupyterLab read their settings from these folders: the course's for
    everyone, and for learners also learners/ (no formgrader, no Create Assignment)."""
    if spawner.user.name in grp.getgrnam(instructors_group).gr_mem:
        return config_folder
    return os.path.join(config_folder, "learners") + ":" + config_folder


c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": jupyter_config_path,
    "GATED_RNN_EXCHANGE": os.environ.get("GATED_RNN_EXCHANGE", "/srv/nbgrader/exchange"),
    "PATH": os.path.join(sys.prefix, "bin") + ":/usr/local/bin:/usr/bin:/bin",
}
c.Spawner.http_timeout = 120  # a first JupyterLab start on a busy machine
c.Spawner.start_timeout = 120
