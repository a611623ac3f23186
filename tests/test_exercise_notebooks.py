"""Every exercise source notebook follows the course's nbgrader conventions and SPEC.md.

- each learner function has its own solution cell that starts with its `def` line, its
  grade_id is the function's name, and its signature is exactly SPEC.md's; a learner class
  (gru_torch) likewise starts its cell with its `class` line, and its `__init__` and `forward`
  have exactly SPEC.md's arguments and defaults;
- each function has one locked, autograded test cell "test_<name>" with visible tests
  and a hidden-tests block; backward passes are worth more than forward passes;
- an ungraded extension (EXTENSIONS) has a solution cell but no grade cell and no points;
- the notebook has no outputs and runs on the python3 kernel.
"""

import ast

import nbformat
import pytest

from autograder.assignments import assignment_names, graded_functions, nbgrader_meta, source_notebook

# SPEC.md's signatures, per assignment.
SPEC_SIGNATURES = {
    "rnn": {
        "rnn_step_forward": ["x", "h_prev", "Wx", "Wh", "b"],
        "rnn_step_backward": ["dh_next", "cache"],
        "rnn_forward": ["x", "h0", "Wx", "Wh", "b"],
        "rnn_backward": ["dh", "cache"],
    },
    "lstm": {
        "lstm_step_forward": ["x", "h_prev", "c_prev", "Wx", "Wh", "b"],
        "lstm_step_backward": ["dh_next", "dc_next", "cache"],
        "lstm_forward": ["x", "h0", "c0", "Wx", "Wh", "b"],
        "lstm_backward": ["dh", "cache"],
    },
    "gru": {
        "gru_step_forward": ["x", "h_prev", "Wx", "Wh", "bx", "bh"],
        "gru_step_backward": ["dh_next", "cache"],
        "gru_forward": ["x", "h0", "Wx", "Wh", "bx", "bh"],
        "gru_backward": ["dh", "cache"],
    },
    "forecast": {
        "make_windows": ["series", "T"],
        "standardize": ["train", "rest"],
        "seasonal_naive": ["history", "horizon", "season"],
        "train_forecaster": ["series", "seed"],
        "forecast": ["model", "history"],
    },
    # Classes: method -> its arguments as written, defaults included.
    "gru_torch": {
        "GRUCell": {"__init__": "self, input_size, hidden_size, bias=True", "forward": "self, x, h=None"},
        "GRU": {"__init__": "self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, "
                            "bidirectional=False",
                "forward": "self, x, h0=None"},
    },
}

# Graded parts of a learner class that have a test cell of their own but no solution cell:
# the GRU's bidirectional=True earns its own points, so a wrong reverse direction loses only those.
CLASS_PARTS = {
    "gru_torch": {"GRU_bidirectional": "GRU"},
}

# Ungraded extensions: solution cells (stripped in the release like the others) with no test
# cell and no points; their check cells print a result instead of failing.
EXTENSIONS = {
    "gru": {"gru_step_forward_reset_before": ["x", "h_prev", "Wx", "Wh", "bx", "bh"]},
}


def test_every_assignment_has_a_spec_entry():
    assert assignment_names() == sorted(SPEC_SIGNATURES)


@pytest.fixture(params=sorted(SPEC_SIGNATURES))
def assignment(request):
    return request.param, nbformat.read(str(source_notebook(request.param)), as_version=4)


def test_solution_cells_define_one_spec_function_each(assignment):
    name, notebook = assignment
    found = {}
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("solution"):
            continue
        tree = ast.parse(cell.source)
        assert cell.source.startswith(("def ", "class ")), \
            f"{meta['grade_id']}: a solution cell starts with its def or class line"
        definitions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
        assert len(definitions) == 1 and definitions[0].name == meta["grade_id"]
        assert ast.get_docstring(definitions[0]), f"{meta['grade_id']} needs a docstring with shapes"
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        if isinstance(definitions[0], ast.ClassDef):
            assert [ast.unparse(base) for base in definitions[0].bases] == ["torch.nn.Module"]
            found[definitions[0].name] = {node.name: ast.unparse(node.args) for node in definitions[0].body
                                          if isinstance(node, ast.FunctionDef)}
        else:
            found[definitions[0].name] = [arg.arg for arg in definitions[0].args.args]
    assert found == {**SPEC_SIGNATURES[name], **EXTENSIONS.get(name, {})}


def test_extensions_carry_no_points(assignment):
    name, notebook = assignment
    graded = {f.name for f in graded_functions(notebook)}
    assert not graded & set(EXTENSIONS.get(name, {}))
    for cell in notebook.cells:
        assert not (nbgrader_meta(cell).get("grade") and not nbgrader_meta(cell).get("points")), \
            "a grade cell with 0 points"


def test_each_function_has_one_locked_graded_test_cell_with_hidden_tests(assignment):
    name, notebook = assignment
    tests = {nbgrader_meta(c)["grade_id"]: c for c in notebook.cells if nbgrader_meta(c).get("grade")}
    parts = CLASS_PARTS.get(name, {})
    assert set(parts.values()) <= set(SPEC_SIGNATURES[name])
    assert sorted(tests) == sorted(f"test_{f}" for f in [*SPEC_SIGNATURES[name], *parts])
    for grade_id, cell in tests.items():
        meta = nbgrader_meta(cell)
        assert meta["locked"] and meta["points"] > 0 and not meta["solution"], grade_id
        assert "### BEGIN HIDDEN TESTS" in cell.source and "### END HIDDEN TESTS" in cell.source, grade_id
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "check." in visible, f"{grade_id} has no visible test"


def test_backward_passes_are_worth_more_than_forward_passes(assignment):
    _, notebook = assignment
    points = {f.name: f.points for f in graded_functions(notebook)}
    for function, value in points.items():
        if function.endswith("_forward"):
            assert points[function.replace("_forward", "_backward")] > value


def test_source_notebook_is_clean(assignment):
    _, notebook = assignment
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
