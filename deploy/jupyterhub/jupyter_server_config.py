"""Jupyter Server settings for every user's JupyterLab on the class hub."""

import os
import sys

c = get_config()  # noqa: F821 -- provided by traitlets

# The course's MathJax (setup.sh copies it here), at static/mathjax/: feedback pages use it.
c.ServerApp.extra_static_paths = [os.path.join(sys.prefix, "share", "gated-rnn-hub", "static")]

# JupyterLab shows formgrader in a frame of its own page; JupyterHub's default policy forbids
# every frame ('none'). Frames from the same server only.
#
# Jupyter serves a user's HTML files (the feedback pages) sandboxed, as pages of no origin, so
# MathJax's fonts from static/ load there only if responses may be shared with any origin. A
# response shared so carries no credentials: pages and API answers behind the login stay
# unreadable to other origins, and check_origin still refuses their requests.
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'",
                                            "Access-Control-Allow-Origin": "*"}}
