"""Jupyter Server settings for every user's JupyterLab on the class hub."""

c = get_config()  # noqa: F821 -- provided by traitlets

# JupyterLab shows formgrader in a frame of its own page; JupyterHub's default policy forbids
# every frame ('none'). Frames from the same server only.
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
