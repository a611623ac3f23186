"""nbgrader settings for every user of the class hub: the course and its exchange.

The hub points each user's JupyterLab at the folder holding this file (JUPYTER_CONFIG_PATH,
see jupyterhub_config.py), so fetch, submit, collect and release all meet in one exchange.
"""

import os

from autograder.assignments import COURSE_ID
from gatedrnn.nbgrader_kernel import validate_in_notebook_language

c = get_config()  # noqa: F821 -- provided by traitlets

c.CourseDirectory.course_id = COURSE_ID
c.Exchange.root = os.environ.get("GATED_RNN_EXCHANGE", "/srv/nbgrader/exchange")
# A submission without the assignment's notebook (deleted, renamed) is refused with a message
# that names the missing notebook, instead of being sent and graded as zero.
c.ExchangeSubmit.strict = True
# Validate runs a Japanese notebook's kernel in Japanese (gatedrnn/nbgrader_kernel.py), as in the learner's kit.
validate_in_notebook_language()
