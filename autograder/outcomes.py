"""What an executed test cell says about its function: passed, or failed and why.

Shared by the self-check (printed in a terminal), the feedback (a table at the top of each
learner's feedback page) and the grades (the misconceptions of an autograded notebook), so all
say the same thing in the same words.
"""

import re

import nbformat

from .assignments import TEST_PREFIX, nbgrader_meta
from .messages import tr

# gatedrnn.testing.Misconception.tag() writes "[misconception: <id>]" into a failure message.
MISCONCEPTION_TAG = re.compile(r"\[misconception: ([a-z0-9][a-z0-9-]*)\]")


def tested_function(cell):
    """The function a test cell grades ("test_rnn_forward" -> "rnn_forward"), or None."""
    grade_id = nbgrader_meta(cell).get("grade_id", "")
    is_test = nbgrader_meta(cell).get("grade") and grade_id.startswith(TEST_PREFIX)
    return grade_id[len(TEST_PREFIX):] if is_test else None


def error_of(cell):
    """(exception name, message) of the first error output of a cell, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), output.get("evalue", "")
    return None


def not_run(cell):
    """Whether a test cell never ran (the kernel stopped before it)."""
    return cell.get("execution_count") is None and not cell.get("outputs")


def failure_reason(cell):
    """'' if the executed test cell passed, else one line a learner can act on (in the current language)."""
    function = tested_function(cell)
    if not_run(cell):
        return tr("not run")
    error = error_of(cell)
    if error is None:
        return ""
    name, message = error
    if name == "CheckFailed":  # the course's own checks: the message is the explanation
        return message.removeprefix(f"{function}: ")
    return f"{name}: {message}"


def partial_note(cell):
    """What a test cell that earned part of its points printed about it (a line starting with ◐), or ''."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            for line in output.get("text", "").splitlines():
                if line.startswith(PARTIAL_MARK):
                    return line.removeprefix(PARTIAL_MARK).strip()
    return ""


PARTIAL_MARK = "◐"  # the half-filled circle that test cells print before a partial score's reason


def misconception_ids(text):
    """The misconception identifiers tagged in a failure message (or any text), in order."""
    return MISCONCEPTION_TAG.findall(text)


def learner_misconceptions(autograded_notebook):
    """The misconception ids tagged in the test cells of one autograded notebook (a path), each once."""
    try:
        notebook = nbformat.read(str(autograded_notebook), as_version=4)
    except (OSError, ValueError):
        return []
    found = []
    for cell in notebook.cells:
        error = error_of(cell) if tested_function(cell) else None
        if error:
            found += misconception_ids(error[1])
    return list(dict.fromkeys(found))
