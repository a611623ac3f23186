"""Round trip of the gru_torch exercise through `python -m autograder grade`, on a made-up class.

The solution gets full marks and the released stub zero; a mistake in one class loses exactly
that class's points, and a mistake in the GRU's reverse direction only the bidirectional part's; a class that hands its work to a built-in GRU (torch.nn.GRU, the `_VF`
kernel, a computed attribute name that only the run-time guard sees, or inheritance) earns
nothing for that class, with feedback that says why. No GPU on the grader: the CUDA part is
reported skipped, never failed. Submissions that pass every test in their notebook by changing
the checks, or by reaching a GRU kernel that the notebook's guard cannot patch, lose the faked
class's points to the check outside the notebook (autograder/verify.py).
"""

import pytest

from conftest import assert_scores, edit_solution, feedback_text, grade_submissions, standard_submissions

ALL = {"GRUCell": 4, "GRU": 6, "GRU_bidirectional": 3}
GRU_ALL = {"GRU": 6, "GRU_bidirectional": 3}  # a mistake shared by both directions, or a delegating class
GRU_FORWARD = "    def forward(self, x, h0=None):\n        ### BEGIN SOLUTION\n"
CELL_FORWARD = "    def forward(self, x, h=None):\n        ### BEGIN SOLUTION\n"
EXPECTED = {  # student: (score, points lost per class)
    "full": (13, {}),
    "stub": (0, ALL),
    "not_json": (0, ALL),
    "empty": (0, ALL),
    "wrong_batch_first": (4, GRU_ALL),
    "wrong_default_h": (9, {"GRUCell": 4}),
    "wrong_reverse_direction": (10, {"GRU_bidirectional": 3}),
    "delegates_gru": (4, GRU_ALL),
    "delegates_cell_vf": (9, {"GRUCell": 4}),
    "delegates_hidden_name": (4, GRU_ALL),
    "inherits_gru": (4, GRU_ALL),
    "patched_checks_cell": (9, {"GRUCell": 4}),
    "patched_torch_checks_gru": (4, GRU_ALL),
    "patched_torch_checks_reverse": (10, {"GRU_bidirectional": 3}),
    "unpatchable_kernel_cell": (9, {"GRUCell": 4}),
}
OUTSIDE = ["patched_checks_cell", "patched_torch_checks_gru", "patched_torch_checks_reverse",
           "unpatchable_kernel_cell"]  # caught outside only
REVERSE_LOOP = "for t in (range(T - 1, -1, -1) if d == 1 else range(T)):"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    submissions = standard_submissions("gru_torch")
    # batch_first ignored: only the GRU is wrong.
    submissions["wrong_batch_first"] = edit_solution("gru_torch", "GRU", "        if self.batch_first:\n"
                                                     "            x = x.transpose(0, 1)  # (T, N, D)\n", "")
    # h=None starts from ones instead of zeros: only the cell is wrong (the GRU passes its states).
    submissions["wrong_default_h"] = edit_solution("gru_torch", "GRUCell", "h = x.new_zeros(", "h = x.new_ones(")
    # The reverse direction reads the sequence forwards: only the bidirectional part is wrong.
    submissions["wrong_reverse_direction"] = edit_solution("gru_torch", "GRU", REVERSE_LOOP, "for t in range(T):")
    # Delegation: the GRU's forward runs torch.nn.GRU with its own weights.
    submissions["delegates_gru"] = edit_solution("gru_torch", "GRU", GRU_FORWARD, GRU_FORWARD + (
        "        builtin = torch.nn.GRU(self.input_size, self.hidden_size, self.num_layers, self.bias,\n"
        "                               self.batch_first, self.dropout).to(x)\n"
        "        builtin.load_state_dict(self.state_dict())\n"
        "        return builtin(x, h0)\n"))
    # The cell calls the fused kernel behind torch.nn.GRUCell.
    submissions["delegates_cell_vf"] = edit_solution("gru_torch", "GRUCell", CELL_FORWARD, CELL_FORWARD + (
        "        h = x.new_zeros(x.shape[0], self.hidden_size) if h is None else h\n"
        "        return torch._VF.gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)\n"))
    # A name the source scan cannot see: only the run-time guard catches it.
    submissions["delegates_hidden_name"] = edit_solution("gru_torch", "GRU", GRU_FORWARD, GRU_FORWARD + (
        "        builtin = getattr(torch.nn, 'G' + 'RU')(self.input_size, self.hidden_size, self.num_layers,\n"
        "                                            self.bias, self.batch_first, self.dropout).to(x)\n"
        "        builtin.load_state_dict(self.state_dict())\n"
        "        return builtin(x, h0)\n"))
    # Inheriting from torch.nn.GRU: parameters and forward come for free.
    inherit = edit_solution("gru_torch", "GRU", "class GRU(torch.nn.Module):", "class GRU(torch.nn.GRU):")
    submissions["inherits_gru"] = edit_solution("gru_torch", "GRU", "    def forward(self, x, h0=None):\n", (
        "    def forward(self, x, h0=None):\n        return super().forward(x, h0)\n\n"
        "    def unused(self, x, h0=None):\n"), notebook=inherit)
    # Wrong, with the course's comparison made to accept anything.
    submissions["patched_checks_cell"] = edit_solution(
        "gru_torch", "GRUCell", "class GRUCell(torch.nn.Module):",
        "import gatedrnn.testing\ngatedrnn.testing.FunctionChecks.close = lambda *a, **k: None\n\n\n"
        "class GRUCell(torch.nn.Module):", notebook=submissions["wrong_default_h"])
    # Wrong, with the tensor comparison of the course's PyTorch checks made to accept anything.
    submissions["patched_torch_checks_gru"] = edit_solution(
        "gru_torch", "GRU", "class GRU(torch.nn.Module):",
        "import gatedrnn.torch_testing\ngatedrnn.torch_testing.ModuleChecks.close = lambda *a, **k: None\n\n\n"
        "class GRU(torch.nn.Module):", notebook=edit_solution(
            "gru_torch", "GRU", "h = (1.0 - z) * torch.tanh(i_n + r * h_n) + z * h",
            "h = z * torch.tanh(i_n + r * h_n) + (1.0 - z) * h"))  # the update gate's roles swapped
    # The same for the reverse direction alone: the check outside takes exactly its points.
    submissions["patched_torch_checks_reverse"] = edit_solution(
        "gru_torch", "GRU", "class GRU(torch.nn.Module):",
        "import gatedrnn.torch_testing\ngatedrnn.torch_testing.ModuleChecks.close = lambda *a, **k: None\n\n\n"
        "class GRU(torch.nn.Module):", notebook=submissions["wrong_reverse_direction"])
    # The fused kernel reached through a C type the guard cannot patch, by a name the source scan cannot see.
    submissions["unpatchable_kernel_cell"] = edit_solution("gru_torch", "GRUCell", CELL_FORWARD, CELL_FORWARD + (
        "        h = x.new_zeros(x.shape[0], self.hidden_size) if h is None else h\n"
        "        kernel = getattr(torch._C._VariableFunctions, 'gru' + '_cell')\n"
        "        return kernel(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)\n"))
    return grade_submissions("gru_torch", submissions, tmp_path_factory.mktemp("gru_torch"), jobs=2)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_scores_per_student_and_class(graded_class, student):
    _, rows, _ = graded_class
    score, lost = EXPECTED[student]
    assert_scores(rows[student], "gru_torch", score, 13, lost, ALL)


def summary(text):
    """The per-part table at the top of a feedback page."""
    return text[text.index("Your results, class by class"):text.index("Exercise: the GRU in PyTorch")]


@pytest.mark.parametrize("student,builtin", [("delegates_gru", "torch.nn.GRU"),
                                             ("delegates_cell_vf", "torch._VF.gru_cell"),
                                             ("delegates_hidden_name", "torch.nn.GRU"),
                                             ("inherits_gru", "inherits from torch.nn.modules.rnn.GRU")])
def test_delegation_earns_nothing_and_says_why(graded_class, student, builtin):
    _, _, out = graded_class
    table = summary(feedback_text(out, student, "gru_torch"))
    assert builtin in table
    assert "a part that hands its work to a built-in GRU earns no points" in table
    assert "[delegation]" in table


@pytest.mark.parametrize("student", OUTSIDE)
def test_what_passed_in_the_notebook_fails_outside_it(graded_class, student):
    _, rows, out = graded_class
    faked = next(iter(EXPECTED[student][1]))
    text = feedback_text(out, student, "gru_torch")
    assert f"{faked}: the check made outside your notebook" in text
    assert "with built-in GRUs forbidden" in text
    if student == "unpatchable_kernel_cell":
        assert "the torch kernel gru_cell was called." in text


def test_feedback_of_the_solution_reports_the_cuda_part_skipped(graded_class):
    _, rows, out = graded_class
    assert rows["full"]["status"] == "graded"
    text = feedback_text(out, "full", "gru_torch")
    assert "\u2713 GRU: all" in text and "CUDA part skipped: no GPU on this machine" in text
    assert "GRUCell is not implemented yet" in feedback_text(out, "stub", "gru_torch")
    wrong = summary(feedback_text(out, "wrong_batch_first", "gru_torch"))
    assert "GRU 0 / 6 \u2717" in wrong and "GRUCell 4 / 4" in wrong
