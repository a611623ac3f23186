"""A notebook's kernel speaks the notebook's language (gatedrnn.i18n): the grader's kernels are told it.

In JupyterLab a kernel finds its notebook's language itself (jupyter_server tells it the
notebook's path). A kernel the grader starts knows nothing of the notebook it runs, so every
route that executes a submission starts the kernel with GATEDRNN_LANGUAGE set from the notebook's
metadata: `ExecuteInNotebookLanguage` (nbgrader's Execute, for `grade --unsandboxed`, plain
`nbgrader autograde` and formgrader) and autograder.runner (the sandbox, whose kernels the zygote
forks: the relay passes the language on, see autograder/relay.py).
"""

from nbclient.util import run_sync
from nbgrader.preprocessors import Execute

from gatedrnn.i18n import kernel_environment

#: How the course's nbgrader configuration names the preprocessor below.
EXECUTE = "autograder.kernel_language.ExecuteInNotebookLanguage"


class ExecuteInNotebookLanguage(Execute):
    """nbgrader's Execute, whose kernel shows the course's messages in the notebook's language."""

    async def async_start_new_kernel(self, **kwargs):
        kwargs.setdefault("env", kernel_environment(self.nb.metadata))
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)  # nbclient binds the synchronous one to its own
