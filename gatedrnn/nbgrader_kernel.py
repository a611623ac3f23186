"""nbgrader's Execute whose kernel speaks the notebook's language (gatedrnn.i18n).

In JupyterLab a kernel finds its notebook's language itself (jupyter_server tells it the
notebook's path). A kernel that nbgrader starts knows nothing of the notebook it runs, so
every nbgrader command that executes a notebook uses `ExecuteInNotebookLanguage`, which starts
the kernel with GATEDRNN_LANGUAGE set from the notebook's metadata:
- Validate and `nbgrader validate` in the learner's kit (kit/nbgrader_config.py) and on the hub;
- the grader: `grade --unsandboxed`, plain `nbgrader autograde` and formgrader
  (autograder/nbgrader_config.py). The sandbox starts its kernels its own way and does the same
  (autograder/runner.py, relay.py).
Only nbgrader's configuration files import this module.
"""

from nbclient.util import run_sync
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute

from .i18n import kernel_environment

#: How nbgrader configurations name the preprocessor below.
EXECUTE = f"{__name__}.ExecuteInNotebookLanguage"


class ExecuteInNotebookLanguage(Execute):
    """nbgrader's Execute, whose kernel shows the course's messages in the notebook's language."""

    async def async_start_new_kernel(self, **kwargs):
        kwargs.setdefault("env", kernel_environment(self.nb.metadata))
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)  # nbclient binds the synchronous one to its own


#: nbgrader's Validator's preprocessors (those of nbgrader 0.9), with this Execute: a configuration
#: sets `c.Validator.preprocessors = VALIDATOR_PREPROCESSORS`.
VALIDATOR_PREPROCESSORS = [CheckCellMetadata, ClearOutput, ExecuteInNotebookLanguage]
