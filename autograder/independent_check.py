"""The independent check as an nbgrader preprocessor, right after execution in every route.

autograder/nbgrader_config.py puts IndependentCheck after the notebook's execution in the
autograde pipeline, so `python -m autograder grade` (sandboxed or not), plain `nbgrader
autograde` from the course root and formgrader all run it: the same submission gets the same
grade by every route. It runs the unit's CHECK (solutions/<a>/unit.py, autograder/verify.py)
on the learner's cells in a probe sandbox, and:

- a test cell that passed in the kernel but whose function fails outside gets an error output,
  so nbgrader gives it no points, with feedback that says why;
- a cell whose score the check caps (a held-out score) keeps the smaller of the two scores;
- functions that scored zero in the kernel are not checked (nothing to take away).

Where no probe sandbox can be made (no bubblewrap, not root), the grade is the kernel's alone,
and the status and the feedback say so: never silently.

What happened is added to the notebook's metadata (autograder.events), which the grades'
status column and the feedback's summary show.
"""

import contextlib

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Integer

from .events import CHECK_FAILED, CHECK_LOWERED, NOT_CHECKED
from .messages import notebook_language, speaking, tr
from .outcomes import error_of, tested_function
from .units import load_unit
from .verify import run_check


class IndependentCheck(NbGraderPreprocessor):
    """Check the learner's functions again outside the kernel (see the module docstring)."""

    limits = Dict(help="the submission's limits, as autograder.limits.SandboxLimits fields (defaults for the rest)"
                  ).tag(config=True)
    uid = Integer(None, allow_none=True, help="the probe's user id; None: reserve one for the check"
                  ).tag(config=True)

    def preprocess(self, nb, resources):
        with speaking(notebook_language(nb.metadata)):  # what it writes into the test cells: the learner's language
            return self.check(nb, resources)

    def check(self, nb, resources):
        """preprocess, in the current language (the events stay in English: see autograder.events)."""
        assignment = resources.get("nbgrader", {}).get("assignment")
        check = load_unit(assignment).check  # UnitError (the autograde fails, saying why) if it has none
        cells = [c.source for c in nb.cells if c.cell_type == "code" and not utils.is_grade(c)]
        tested = [cell for cell in nb.cells if tested_function(cell)]
        skip = {tested_function(cell) for cell in tested if kernel_score(cell) == 0}
        skip |= set(getattr(check, "functions", [])) - {tested_function(cell) for cell in tested}  # deleted tests
        events = nb.metadata.setdefault("autograder", {}).setdefault("events", [])
        problem = probe_problem()
        if problem:
            events.append(NOT_CHECKED.format(why=problem))
            return nb, resources
        with self._user() as uid:
            failures, caps = run_check(check, cells, uid, self.limits, skip)
        events += apply_outcome(nb, failures, caps, check)
        return nb, resources

    @contextlib.contextmanager
    def _user(self):
        """The probe's user id: this run's (grading sets it), or one reserved for the check."""
        if self.uid is not None:
            yield self.uid
            return
        from .isolation import SandboxUsers

        users = SandboxUsers(1)
        try:
            yield users.uids[0]
        finally:
            users.release()


def probe_problem():
    """'' if probe sandboxes can be made here, else why not (a few words)."""
    from .sandbox import sandbox_problem

    return sandbox_problem()


def apply_outcome(nb, failures, caps, check):
    """Mark the test cells of functions the check failed or capped; returns the events to report."""
    overturned, lowered = [], []
    for cell in nb.cells:
        function = tested_function(cell)
        if function and failures.get(function) and not error_of(cell):
            where, rule = check.words()
            cell.outputs.append(check_failed(tr(
                "{function}: the check made outside your notebook, {where}, failed: {why} {rule}", function=function,
                where=where, why=failures[function], rule=rule)))
            overturned.append(function)
        elif function in caps and caps[function][0] < kernel_score(cell):
            cap, why = caps[function]
            if cap == 0:
                cell.outputs.insert(0, check_failed(tr("{function}: checked outside your notebook, {why}",
                                                       function=function, why=why)))
            else:  # nbgrader reads a cell's points from its first result: put the capped score first
                cell.outputs[:0] = [
                    nbformat.v4.new_output("stream", name="stdout",
                                           text="\u25d0 " + tr("checked outside your notebook, {why}", why=why) + "\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": f"{cap:g}"}, metadata={},
                                           execution_count=cell.get("execution_count")),
                ]
            lowered.append(function)
    events = [CHECK_FAILED.format(functions=", ".join(overturned))] if overturned else []
    return events + ([CHECK_LOWERED.format(functions=", ".join(lowered))] if lowered else [])


def check_failed(message):
    """An error output that costs a test cell its points, saying why."""
    return nbformat.v4.new_output("error", ename="CheckFailed", evalue=message, traceback=[f"CheckFailed: {message}"])


def kernel_score(cell):
    """The points nbgrader would give an executed test cell: 0 after an error, else its first result, else all."""
    points = float(cell.metadata.nbgrader.get("points", 0))
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return 0.0
        if output.get("output_type") == "execute_result":
            try:
                return min(points, float(output["data"]["text/plain"]))
            except (KeyError, ValueError):
                return points
    return points
