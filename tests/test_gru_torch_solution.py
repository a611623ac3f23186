"""The gru_torch solution's GRUCell and GRU against torch.nn.GRUCell / torch.nn.GRU, and its guards.

The GRU is checked with and without bidirectional=True (parameter names and order, output (.., 2H),
h_n's interleaved directions). Tolerances (tests/conftest.py): TOL_ROUNDING for float64 against
torch.nn in float64, TOL_FLOAT32 for float32 modules against the float64 reference.
"""

import pytest
import torch

from conftest import TOL_FLOAT32, TOL_ROUNDING
from gatedrnn.gradcheck import rel_error
from gatedrnn.builtin_gru import BuiltinGRUWatch
from gatedrnn.torch_testing import builtin_gru_forbidden, builtin_gru_references


def err(a, b):
    return rel_error(a.detach().double().numpy(), b.detach().double().numpy())


@pytest.mark.parametrize("N,D,H,bias", [(1, 1, 1, True), (3, 5, 4, True), (2, 3, 6, False)])
def test_cell_matches_torch_both_ways(gru_torch_solution, N, D, H, bias):
    torch.manual_seed(N + D + H)
    mine = gru_torch_solution["GRUCell"](D, H, bias=bias).double()
    reference = torch.nn.GRUCell(D, H, bias=bias).double()
    assert {k: v.shape for k, v in mine.state_dict().items()} == {k: v.shape for k, v in reference.state_dict().items()}
    mine.load_state_dict(reference.state_dict())
    x, h = torch.randn(N, D, dtype=torch.float64, requires_grad=True), torch.randn(N, H, dtype=torch.float64)
    with builtin_gru_forbidden(calls := []):
        found = mine(x, h)
        found_none = mine(x)
    assert not calls
    expected = reference(x, h)
    assert err(found, expected) < TOL_ROUNDING and err(found_none, reference(x)) < TOL_ROUNDING
    up = torch.randn(N, H, dtype=torch.float64)
    grads = torch.autograd.grad((found * up).sum(), [x, *mine.parameters()])
    wanted = torch.autograd.grad((expected * up).sum(), [x, *reference.parameters()])
    for g, w in zip(grads, wanted):
        assert err(g, w) < TOL_ROUNDING
    reference.load_state_dict(mine.state_dict())  # and back


@pytest.mark.parametrize("options", [{}, {"num_layers": 2, "batch_first": True}, {"num_layers": 3, "dropout": 0.4},
                                     {"bias": False}, {"bidirectional": True},
                                     {"num_layers": 2, "batch_first": True, "bidirectional": True, "dropout": 0.3},
                                     {"num_layers": 3, "bias": False, "bidirectional": True}])
def test_gru_matches_torch(gru_torch_solution, options):
    torch.manual_seed(len(options))
    N, T, D, H = 3, 4, 5, 6
    mine = gru_torch_solution["GRU"](D, H, **options).double().eval()
    reference = torch.nn.GRU(D, H, **options).double().eval()
    assert list(mine.state_dict()) == list(reference.state_dict())
    reference.load_state_dict(mine.state_dict())
    x = torch.randn((N, T, D) if options.get("batch_first") else (T, N, D), dtype=torch.float64, requires_grad=True)
    rows = reference.num_layers * (2 if options.get("bidirectional") else 1)
    h0 = torch.randn(rows, N, H, dtype=torch.float64, requires_grad=True)
    with builtin_gru_forbidden(calls := []):
        out, h_n = mine(x, h0)
    assert not calls
    ref_out, ref_h = reference(x, h0)
    assert err(out, ref_out) < TOL_ROUNDING and err(h_n, ref_h) < TOL_ROUNDING
    grads = torch.autograd.grad(out.sum() + (h_n ** 2).sum(), [x, h0, *mine.parameters()])
    wanted = torch.autograd.grad(ref_out.sum() + (ref_h ** 2).sum(), [x, h0, *reference.parameters()])
    for g, w in zip(grads, wanted):
        assert err(g, w) < TOL_ROUNDING
    out32, h32 = mine.float()(x.detach().float())  # h0=None: zeros in x's dtype
    ref_out0, ref_h0 = reference(x)
    assert out32.dtype == h32.dtype == torch.float32
    assert err(out32, ref_out0) < TOL_FLOAT32 and err(h32, ref_h0) < TOL_FLOAT32


def test_guard_refuses_builtins_and_restores_them():
    gru, x = torch.nn.GRU(2, 3), torch.randn(4, 1, 2)
    calls = []
    with builtin_gru_forbidden(calls), pytest.raises(Exception, match="torch.nn.GRU was called"):
        gru(x)
    with builtin_gru_forbidden(calls), pytest.raises(Exception, match="torch._VF.gru was called"):
        torch._VF.gru(x, torch.zeros(1, 1, 3), list(gru.parameters()), True, 1, 0.0, False, False, False)
    assert calls == ["torch.nn.GRU", "torch._VF.gru"]
    assert gru(x)[0].shape == (4, 1, 3)  # restored


def test_watch_sees_the_kernels_however_reached_and_lets_the_rest_run(gru_torch_solution):
    cell, x, h = torch.nn.GRUCell(2, 3), torch.randn(4, 2), torch.zeros(4, 3)
    arguments = (x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    calls = []
    with BuiltinGRUWatch(calls):
        for kernel in [torch._C._VariableFunctions.gru_cell, torch.ops.aten.gru_cell, torch.ops.aten.gru_cell.default]:
            with pytest.raises(Exception, match="the torch kernel gru_cell was called"):
                kernel(*arguments)
        with pytest.raises(Exception, match="the torch kernel gru was called"):
            torch.nn.GRU(2, 3)(x[:, None])
        found = gru_torch_solution["GRUCell"](2, 3)(x, h)  # the learner's own tensor operations are left alone
    assert calls == ["the torch kernel gru_cell"] * 3 + ["the torch kernel gru"]
    assert found.shape == (4, 3) and cell(x, h).shape == (4, 3)  # and after the block, torch's own again


class Delegating(torch.nn.Module):
    def forward(self, x):
        return torch.nn.GRU(2, 3)(x)


class Importing(torch.nn.Module):
    def forward(self, x):
        from torch.nn import GRUCell as Cell
        return Cell(2, 3)(x)


def test_source_scan_finds_builtin_references(gru_torch_solution):
    assert builtin_gru_references(Delegating) == ["uses torch.nn.GRU (in forward)"]
    assert builtin_gru_references(Importing) == ["imports GRUCell from torch.nn (in forward)"]

    class Sneaky(torch.nn.GRU):
        pass

    assert builtin_gru_references(Sneaky)[0] == "inherits from torch.nn.modules.rnn.GRU"
