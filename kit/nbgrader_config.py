"""The learner's kit's nbgrader settings, installed as <environment>/etc/jupyter/nbgrader_config.py.

nbgrader (the Validate button, `nbgrader validate`) reads it from the environment's Jupyter
configuration folder: Validate then runs a Japanese notebook's kernel in Japanese, so its
messages are those the learner reads in the notebook (gatedrnn/nbgrader_kernel.py).
"""

from gatedrnn.nbgrader_kernel import validate_in_notebook_language

validate_in_notebook_language()
