"""nbgrader's Execute whose kernel speaks the notebook's language (gatedrnn.i18n).

In JupyterLab a kernel finds its notebook's language itself (jupyter_server tells it the
notebook's path). A kernel that nbgrader starts knows nothing of the notebook it runs, so
every nbgrader command that executes a notebook uses `ExecuteInNotebookLanguage`, which starts
the kernel with GATEDRNN_LANGUAGE set from the notebook's metadata:
- Validate and `nbgrader validate` in the learner's kit (kit/nbgrader_config.py), on the hub and in the
  course's folder (validate_in_notebook_language);
- the grader: `grade --unsandboxed`, plain `nbgrader autograde` and formgrader
  (autograder/nbgrader_config.py). The sandbox starts its kernels its own way and does the same
  (autograder/runner.py, relay.py).
Only nbgrader's configuration files import this module.
"""

from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute

from .i18n import kernel_environment

#: How nbgrader configurations name the preprocessor below.
EXECUTE = f"{__name__}.ExecuteInNotebookLanguage"


class ExecuteInNotebookLanguage(Execute):
    """nbgrader's Execute, whose kernel shows the course's messages in the notebook's language."""

    async def async_start_new_kernel(self, **kwargs):
        kwargs.setdefault("env", kernel_environment(self.nb.metadata))
        await super().async_start_new_kernel(**kwargs)

    def start_new_kernel(self, **kwargs):  # nbclient's runs its own asynchronous one, not the one above
        kwargs.setdefault("env", kernel_environment(self.nb.metadata))
        return super().start_new_kernel(**kwargs)


def validate_in_notebook_language():
    """Make nbgrader's Validator (Validate, `nbgrader validate`) run notebooks with ExecuteInNotebookLanguage.

    Its preprocessors are not configurable in nbgrader 0.9 (the trait has no config tag, so
    `c.Validator.preprocessors` is ignored): an nbgrader configuration file calls this, which
    replaces the trait's default (nbgrader's own list, with this Execute) for every Validator made after.
    """
    from nbgrader.validator import Validator

    Validator.class_traits()["preprocessors"].default_value = [CheckCellMetadata, ClearOutput,
                                                               ExecuteInNotebookLanguage]
