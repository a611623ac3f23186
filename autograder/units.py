"""The unit registry: what each assignment declares about itself, next to its source notebook.

A unit (an assignment) NAME is one folder, solutions/NAME/, holding

    NAME.ipynb   the nbgrader source notebook (solutions and hidden tests)
    unit.py      what the grader and the tests need to know, as plain module-level data

unit.py is read by the grader (trusted side) and the tests, never released: nbgrader ignores it
(autograder/nbgrader_config.py), so it may name solution lines. Its names:

    KIND = "function"              # what the learner writes and is graded on: "function" or "class"
    SIGNATURES = {                 # the exercise contract's signatures, one per graded function (or class)
        "rnn_forward": ["x", "h0", "Wx", "Wh", "b"],                 # a function: its arguments
        "GRU": {"__init__": "self, input_size, ...", "forward": "self, x, h0=None"},  # a class
    }
    PARTS = {"GRU_bidirectional": "GRU"}  # optional: graded parts with a test cell of their own but no
                                   # solution cell: part -> the function or class it grades
    EXTENSIONS = {}                # optional: ungraded solution cells (no test cell, no points), same form
    WORTH_MORE = [("rnn_backward", "rnn_forward")]   # point expectations: (more, fewer) points
    CHECK = PairsCheck([...])      # required: the independent check (autograder/verify.py), run
                                   # outside the kernel by every grading route
    CASES = {                      # the grading round trip's submissions (tests/test_grading_units.py)
        "wrong_backward": Case(edits=[("rnn_backward", "old text", "new text")],
                               lost={"rnn_backward": 3}, feedback=["rnn_backward: dx is wrong"]),
    }

CHECK is one of autograder.verify's checks: PairsCheck([CachedPair(forward, backward, inputs
layout, outputs, upstreams layout, gradients, "a gatedrnn.reference function"), ...]) for NumPy
forward/backward pairs; ExactCheck("a reference module", [ExactFunction(...)]) for functions
with exact answers; ModulesCheck for torch.nn.Module classes. Its words in the feedback
(`where` it ran, the `rule` it enforces) default to the NumPy-only ones; pass where=/rule= to
change them, in each language: where={"en": "...", "ja": "..."}. Every round trip also grades four standard submissions: "full" (the source
notebook, full marks), "stub" (the released notebook), "not_json" and "empty" (zeros, with the
reason as status); a Case names what else to grade and what it must score.

An assignment without unit.py, or whose unit.py lacks CHECK or names an unknown KIND, is an
error (UnitError) when grading starts.
"""

import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache

from .assignments import SOLUTIONS, graded_functions, source_notebook

KINDS = ("function", "class")


class UnitError(ValueError):
    """A unit's declaration is missing or malformed (the message says which file and what)."""


@dataclass(frozen=True)
class Case:
    """A submission of a unit's grading round trip and what grading must make of it.

    edits: (grade_id of a cell, old text, new text) replacements, in order, on the source
    notebook (or on the submission of case `base`); lost: function -> points it loses (the
    rest keep all theirs); status: the whole status expected (default "graded"), or None for
    any; feedback: phrases the feedback page contains; summary: phrases its summary table
    (at the top) contains, or {phrase: how many times}; passed: how many of its rows say
    passed, if given; misconceptions: the ids recognised in the summary table, if given; rows
    and row_misconceptions: the same, {function: [...]}, for one function's row of the table.
    A case named like a standard submission ("full", "stub", "not_json", "empty") adds its
    assertions to that one (its edits must be empty).
    """
    edits: list = field(default_factory=list)
    lost: dict = field(default_factory=dict)
    base: str = ""
    status: object = "graded"
    feedback: list = field(default_factory=list)
    summary: list = field(default_factory=list)
    passed: object = None
    misconceptions: object = None
    rows: dict = field(default_factory=dict)
    row_misconceptions: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """One assignment's declaration (see the module docstring)."""
    name: str
    kind: str
    signatures: dict
    parts: dict
    extensions: dict
    worth_more: list
    check: object
    cases: dict

    @property
    def points(self):
        """{graded function: its points}, from the source notebook's test cells."""
        return {f.name: f.points for f in graded_functions(source_notebook(self.name))}


@lru_cache(maxsize=None)
def load_unit(name):
    """The Unit declared in solutions/NAME/unit.py; UnitError if it is missing or incomplete."""
    source_notebook(name)  # ValueError for an unknown assignment
    path = SOLUTIONS / name / "unit.py"
    if not path.is_file():
        raise UnitError(f"{path} is missing: every assignment declares its unit there (see autograder/units.py)")
    spec = importlib.util.spec_from_file_location(f"autograder_unit_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    missing = [key for key in ("KIND", "SIGNATURES", "CHECK") if not hasattr(module, key)]
    if missing:
        raise UnitError(f"{path} does not declare {', '.join(missing)} (see autograder/units.py)")
    if module.KIND not in KINDS:
        raise UnitError(f"{path}: KIND is {module.KIND!r}, not one of {', '.join(KINDS)}")
    if not callable(getattr(module.CHECK, "verify", None)):
        raise UnitError(f"{path}: CHECK is not a check of autograder.verify")
    return Unit(name, module.KIND, dict(module.SIGNATURES), dict(getattr(module, "PARTS", {})),
                dict(getattr(module, "EXTENSIONS", {})),
                list(getattr(module, "WORTH_MORE", [])), module.CHECK, dict(getattr(module, "CASES", {})))
