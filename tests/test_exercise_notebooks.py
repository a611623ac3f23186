"""Every exercise source notebook follows the course's nbgrader conventions and the exercise contract (names, signatures, shapes).

- each learner function has its own solution cell that starts with its `def` line, its
  grade_id is the function's name, and its signature is exactly the contract's (the unit's SIGNATURES); a learner class
  (gru_torch) likewise starts its cell with its `class` line, and its `__init__` and `forward`
  have exactly the contract's arguments and defaults;
- each function has one locked, autograded test cell "test_<name>" with visible tests
  and a hidden-tests block; the unit's point expectations hold (backward passes are worth
  more than forward passes);
- an ungraded extension has a solution cell but no grade cell and no points;
- every assignment declares its unit (solutions/<a>/unit.py: signatures, kind, check);
- the notebook has no outputs and runs on the python3 kernel.
"""

import ast

import nbformat
import pytest

from autograder.assignments import assignment_names, graded_functions, nbgrader_meta, source_notebook
from autograder.units import UnitError, load_unit

UNITS = {name: load_unit(name) for name in assignment_names()}  # solutions/<a>/unit.py, the contract's signatures


def test_every_assignment_declares_its_unit_and_check():
    """Every assignment has a unit.py with a check outside the kernel that covers each graded function."""
    assert assignment_names() and sorted(UNITS) == assignment_names()
    for name, unit in UNITS.items():
        assert callable(unit.check.verify), name
        assert set(unit.check.functions) == set(unit.points) == {*unit.signatures, *unit.parts}, name
        assert unit.check.where and unit.check.rule, name


@pytest.mark.parametrize("name", sorted(UNITS))
def test_kind_matches_the_solution_cells(name):
    """What the feedback calls the graded parts (unit.KIND) is what the solution cells define."""
    notebook = nbformat.read(str(source_notebook(name)), as_version=4)
    graded = {f.name for f in graded_functions(notebook)} - set(UNITS[name].parts)
    nodes = [node for cell in notebook.cells if nbgrader_meta(cell).get("solution")
             for node in ast.parse(cell.source).body if getattr(node, "name", None) in graded]
    expected = ast.ClassDef if UNITS[name].kind == "class" else ast.FunctionDef
    assert nodes and all(isinstance(node, expected) for node in nodes)


def test_a_missing_unit_declaration_is_a_clear_error(tmp_path, monkeypatch):
    import autograder.assignments
    import autograder.units

    (tmp_path / "toy").mkdir()
    nbformat.write(nbformat.v4.new_notebook(), str(tmp_path / "toy" / "toy.ipynb"))
    monkeypatch.setattr(autograder.assignments, "SOLUTIONS", tmp_path)
    monkeypatch.setattr(autograder.units, "SOLUTIONS", tmp_path)
    load_unit.cache_clear()
    try:
        with pytest.raises(UnitError, match="unit.py is missing"):
            load_unit("toy")
        (tmp_path / "toy" / "unit.py").write_text('KIND = "function"\nSIGNATURES = {"f": ["x"]}\n')
        with pytest.raises(UnitError, match="does not declare CHECK"):
            load_unit("toy")
    finally:
        load_unit.cache_clear()


@pytest.fixture(params=sorted(UNITS))
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
    assert found == {**UNITS[name].signatures, **UNITS[name].extensions}


EXTENSIONS = [(name, extension) for name, unit in UNITS.items() for extension in unit.extensions]


def test_the_course_has_an_extension():
    assert EXTENSIONS  # else the test below would check nothing


@pytest.mark.parametrize("name,extension", EXTENSIONS)
def test_extensions_carry_no_points(name, extension):
    """An extension has its solution cell, and no test cell, points or grade."""
    notebook = nbformat.read(str(source_notebook(name)), as_version=4)
    assert extension not in {f.name for f in graded_functions(notebook)}
    cells = [nbgrader_meta(cell) for cell in notebook.cells if nbgrader_meta(cell).get("grade_id") == extension]
    assert len(cells) == 1 and cells[0]["solution"] and not cells[0].get("grade") and not cells[0].get("points")


def test_no_grade_cell_has_zero_points(assignment):
    _, notebook = assignment
    for cell in notebook.cells:
        assert not (nbgrader_meta(cell).get("grade") and not nbgrader_meta(cell).get("points")), \
            "a grade cell with 0 points"


def test_each_function_has_one_locked_graded_test_cell_with_hidden_tests(assignment):
    name, notebook = assignment
    tests = {nbgrader_meta(c)["grade_id"]: c for c in notebook.cells if nbgrader_meta(c).get("grade")}
    parts = UNITS[name].parts  # graded parts of a class with a test cell but no solution cell of their own
    assert set(parts.values()) <= set(UNITS[name].signatures)
    assert sorted(tests) == sorted(f"test_{f}" for f in [*UNITS[name].signatures, *parts])
    for grade_id, cell in tests.items():
        meta = nbgrader_meta(cell)
        assert meta["locked"] and meta["points"] > 0 and not meta["solution"], grade_id
        assert "### BEGIN HIDDEN TESTS" in cell.source and "### END HIDDEN TESTS" in cell.source, grade_id
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "check." in visible, f"{grade_id} has no visible test"


def test_declared_point_expectations_hold(assignment):
    """Each unit declares which parts are worth more (WORTH_MORE), and the notebook's points agree;
    a forward pass with a backward pass is among them: backward passes are worth more."""
    name, notebook = assignment
    points = {f.name: f.points for f in graded_functions(notebook)}
    declared = UNITS[name].worth_more
    assert declared, f"{name} declares no point expectation (WORTH_MORE)"
    for more, fewer in declared:
        assert points[more] > points[fewer], (more, fewer)
    for check in [pair for pair in getattr(UNITS[name].check, "pairs", [])]:
        assert (check.backward, check.forward) in declared


def test_source_notebook_is_clean(assignment):
    _, notebook = assignment
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
