"""The gru_torch unit: what the grader and the tests know about it (format: autograder/units.py)."""

from autograder.units import Case
from autograder.verify import GRU_TORCH_PROBE, ModulesCheck
from autograder.verify import _gru_torch_cases as gru_torch_cases

KIND = "class"
# Classes: method -> its arguments as written, defaults included.
SIGNATURES = {
    "GRUCell": {"__init__": "self, input_size, hidden_size, bias=True", "forward": "self, x, h=None"},
    "GRU": {"__init__": "self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, "
                        "bidirectional=False",
            "forward": "self, x, h0=None"},
}
# The GRU's bidirectional=True earns its own points, so a wrong reverse direction loses only those.
PARTS = {"GRU_bidirectional": "GRU"}
WORTH_MORE = [("GRU", "GRUCell"), ("GRU", "GRU_bidirectional")]  # the sequence model builds on the cell
# Built with fresh sizes in a sandbox with PyTorch, where every built-in GRU is forbidden, and
# compared with torch.nn's GRUCell and GRU (autograder/gru_torch_probe.py drives them there).
CHECK = ModulesCheck(
    ["GRUCell", "GRU", "GRU_bidirectional"], gru_torch_cases, GRU_TORCH_PROBE, forbid_builtin_gru=True,
    where={"en": "in a fresh process with PyTorch but not the course's package, against torch.nn with built-in GRUs "
                 "forbidden",
           "ja": "PyTorch はあるがコースのパッケージはない新しいプロセスで、組み込みの GRU を禁止して torch.nn と比べて"},
    rule={"en": "Your class must compute the GRU itself from tensor operations, without a built-in GRU, the course's "
                "helpers or changes to the tests.",
          "ja": "クラスは、組み込みの GRU やコースの補助関数を使わず、テストも変更せずに、テンソル演算で GRU を自ら計算しなければ"
                "ならない。"})

GRU_FORWARD = "    def forward(self, x, h0=None):\n        ### BEGIN SOLUTION\n"
CELL_FORWARD = "    def forward(self, x, h=None):\n        ### BEGIN SOLUTION\n"
WRONG_DEFAULT_H = ("GRUCell", "h = x.new_zeros(", "h = x.new_ones(")
WRONG_REVERSE = ("GRU", "for t in (range(T - 1, -1, -1) if d == 1 else range(T)):", "for t in range(T):")
GRU_ALL = {"GRU": 6, "GRU_bidirectional": 3}  # a mistake shared by both directions, or a delegating class
PATCH_TORCH_CHECKS = ("GRU", "class GRU(torch.nn.Module):",
                      "import gatedrnn.torch_testing\ngatedrnn.torch_testing.ModuleChecks.close = lambda *a, **k: None"
                      "\n\n\nclass GRU(torch.nn.Module):")
DELEGATION = ["a part that hands its work to a built-in GRU earns no points", "[delegation]"]
OUTSIDE = ["the check made outside your notebook", "with built-in GRUs forbidden"]
CASES = {
    "full": Case(feedback=["\u2713 GRU: all", "CUDA part skipped: no GPU on this machine"]),
    "stub": Case(feedback=["GRUCell is not implemented yet"]),
    # batch_first ignored: only the GRU is wrong.
    "wrong_batch_first": Case(edits=[("GRU", "        if self.batch_first:\n"
                                             "            x = x.transpose(0, 1)  # (T, N, D)\n", "")],
                              lost=GRU_ALL, summary=["GRU 0 / 6 \u2717", "GRUCell 4 / 4"]),
    # h=None starts from ones instead of zeros: only the cell is wrong (the GRU passes its states).
    "wrong_default_h": Case(edits=[WRONG_DEFAULT_H], lost={"GRUCell": 4}),
    # The reverse direction reads the sequence forwards: only the bidirectional part is wrong.
    "wrong_reverse_direction": Case(edits=[WRONG_REVERSE], lost={"GRU_bidirectional": 3}),
    # Delegation: the GRU's forward runs torch.nn.GRU with its own weights.
    "delegates_gru": Case(edits=[("GRU", GRU_FORWARD, GRU_FORWARD + (
        "        builtin = torch.nn.GRU(self.input_size, self.hidden_size, self.num_layers, self.bias,\n"
        "                               self.batch_first, self.dropout).to(x)\n"
        "        builtin.load_state_dict(self.state_dict())\n"
        "        return builtin(x, h0)\n"))], lost=GRU_ALL, summary=["torch.nn.GRU", *DELEGATION]),
    # The cell calls the fused kernel behind torch.nn.GRUCell.
    "delegates_cell_vf": Case(edits=[("GRUCell", CELL_FORWARD, CELL_FORWARD + (
        "        h = x.new_zeros(x.shape[0], self.hidden_size) if h is None else h\n"
        "        return torch._VF.gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)\n"))],
        lost={"GRUCell": 4}, summary=["torch._VF.gru_cell", *DELEGATION]),
    # A name the source scan cannot see: only the run-time guard catches it.
    "delegates_hidden_name": Case(edits=[("GRU", GRU_FORWARD, GRU_FORWARD + (
        "        builtin = getattr(torch.nn, 'G' + 'RU')(self.input_size, self.hidden_size, self.num_layers,\n"
        "                                            self.bias, self.batch_first, self.dropout).to(x)\n"
        "        builtin.load_state_dict(self.state_dict())\n"
        "        return builtin(x, h0)\n"))], lost=GRU_ALL, summary=["torch.nn.GRU", *DELEGATION]),
    # Inheriting from torch.nn.GRU: parameters and forward come for free.
    "inherits_gru": Case(edits=[("GRU", "class GRU(torch.nn.Module):", "class GRU(torch.nn.GRU):"),
                                ("GRU", "    def forward(self, x, h0=None):\n", (
                                    "    def forward(self, x, h0=None):\n        return super().forward(x, h0)\n\n"
                                    "    def unused(self, x, h0=None):\n"))],
                         lost=GRU_ALL, summary=["inherits from torch.nn.modules.rnn.GRU", *DELEGATION]),
    # Submissions that pass in their notebook, caught outside only. Wrong, with the course's
    # comparison made to accept anything:
    "patched_checks_cell": Case(edits=[WRONG_DEFAULT_H, (
        "GRUCell", "class GRUCell(torch.nn.Module):",
        "import gatedrnn.testing\ngatedrnn.testing.FunctionChecks.close = lambda *a, **k: None\n\n\n"
        "class GRUCell(torch.nn.Module):")], lost={"GRUCell": 4}, status=None, feedback=["GRUCell: " + OUTSIDE[0],
                                                                                         OUTSIDE[1]]),
    # Wrong (the update gate's roles swapped), with the tensor comparison of the course's PyTorch
    # checks made to accept anything.
    "patched_torch_checks_gru": Case(edits=[
        ("GRU", "h = (1.0 - z) * torch.tanh(i_n + r * h_n) + z * h", "h = z * torch.tanh(i_n + r * h_n) + (1.0 - z) * h"),
        PATCH_TORCH_CHECKS], lost=GRU_ALL, status=None, feedback=["GRU: " + OUTSIDE[0], OUTSIDE[1]]),
    # The same for the reverse direction alone: the check outside takes exactly its points.
    "patched_torch_checks_reverse": Case(edits=[WRONG_REVERSE, PATCH_TORCH_CHECKS], lost={"GRU_bidirectional": 3},
                                         status=None, feedback=["GRU_bidirectional: " + OUTSIDE[0], OUTSIDE[1]]),
    # The fused kernel reached through a C type the guard cannot patch, by a name the source scan cannot see.
    "unpatchable_kernel_cell": Case(edits=[("GRUCell", CELL_FORWARD, CELL_FORWARD + (
        "        h = x.new_zeros(x.shape[0], self.hidden_size) if h is None else h\n"
        "        kernel = getattr(torch._C._VariableFunctions, 'gru' + '_cell')\n"
        "        return kernel(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)\n"))],
        lost={"GRUCell": 4}, status=None,
        feedback=["GRUCell: " + OUTSIDE[0], OUTSIDE[1], "the torch kernel gru_cell was called."]),
}
