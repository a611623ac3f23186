"""`python -m autograder check NOTEBOOK`: a learner's per-function report."""

import nbformat

from autograder.assignments import released_notebook, source_notebook
from conftest import edit_solution, run


def check(path):
    return run(["python", "-m", "autograder", "check", str(path)], check=False)


def test_solution_passes_everything():
    process = check(source_notebook("rnn"))
    assert process.returncode == 0, process.stdout
    for function in ["rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward"]:
        assert f"\u2713 {function}: passed" in process.stdout
    assert "4 of 4 functions pass" in process.stdout


def test_stub_fails_everything_with_reasons():
    process = check(released_notebook("rnn"))
    assert process.returncode == 1
    assert "\u2717 rnn_step_forward: failed: rnn_step_forward is not implemented yet" in process.stdout
    assert "(its test needs rnn_step_forward to work first)" in process.stdout
    assert "0 of 4 functions pass" in process.stdout


def test_wrong_function_is_named_with_what_was_expected(tmp_path):
    notebook = edit_solution("rnn", "rnn_step_backward", "np.sum(d_pre_activation, axis=0)", "np.sum(d_pre_activation, axis=1)")
    nbformat.write(notebook, str(tmp_path / "rnn.ipynb"))
    process = check(tmp_path / "rnn.ipynb")
    assert process.returncode == 1
    assert "\u2713 rnn_step_forward: passed" in process.stdout
    assert "\u2717 rnn_step_backward: failed: db has shape (3,), expected (4,)." in process.stdout


def test_not_a_notebook(tmp_path):
    (tmp_path / "rnn.ipynb").write_text("not json")
    process = check(tmp_path / "rnn.ipynb")
    assert process.returncode == 2 and "cannot be read as a notebook" in process.stdout
