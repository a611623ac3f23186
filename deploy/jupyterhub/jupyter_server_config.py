"""Jupyter Server settings for every user's JupyterLab on the class hub."""

import os
import sys

c = get_config()  # noqa: F821 -- provided by traitlets

# The course's MathJax (setup.sh copies it here), at static/mathjax/: feedback pages use it.
c.ServerApp.extra_static_paths = [os.path.join(sys.prefix, "share", "gated-rnn-hub", "static")]

# JupyterLab shows formgrader in a frame of its own page; JupyterHub's default policy forbids
# every frame ('none'). Frames from the same server only.
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
