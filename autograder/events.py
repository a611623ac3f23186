"""What a grading run records about a notebook that went wrong: the events, as English templates.

The sandbox (autograder.sandbox, autograder.runner) and the independent check
(autograder.independent_check) add events to the autograded notebook's metadata
(autograder.events); the grades' status column shows them as they are, in English, for the
instructor. Where a learner reads one (a test cell that did not run, the feedback's warning), it is
shown in the notebook's language: `reworded(event, EVENTS)` (autograder.messages).
"""

from .messages import N_

#: The runner's (inside the sandbox).
KERNEL_DIED = N_("the Python kernel died (the code called exit, crashed, or ran out of memory or CPU time)")
CELL_TIMED_OUT = N_("a cell ran longer than {seconds} s and was stopped")
OUTPUT_DROPPED = N_("more than {kb} KB of output were printed; the rest was dropped")
#: The sandbox's (outside).
NOTEBOOK_TIMED_OUT = N_("the notebook ran longer than {seconds} s in all and was stopped")
SANDBOX_STOPPED = N_("the sandbox stopped before the notebook could run")
#: Why no sandbox can be made here (autograder.sandbox.sandbox_problem), part of NOT_CHECKED.
NO_BWRAP = N_("bubblewrap (bwrap) is not installed: `make system-packages` (as root) installs it, "
              "or `apt-get install bubblewrap`")
NOT_ROOT = N_("the sandbox needs root to run each kernel as its own unprivileged user")
NO_NAMESPACES = N_("bwrap cannot create namespaces here: {error}")
#: The independent check's.
NOT_CHECKED = N_("the check outside the notebook could not run ({why}): this grade is the notebook's tests alone")
CHECK_FAILED = N_("the check outside the notebook failed for {functions}")
CHECK_LOWERED = N_("the check outside the notebook lowered the score of {functions}")

EVENTS = (KERNEL_DIED, CELL_TIMED_OUT, OUTPUT_DROPPED, NOTEBOOK_TIMED_OUT, SANDBOX_STOPPED, NO_BWRAP, NOT_ROOT,
          NO_NAMESPACES, NOT_CHECKED, CHECK_FAILED, CHECK_LOWERED)
