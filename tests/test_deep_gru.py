"""The stacked, bidirectional NumPy GRU (gatedrnn.deep_gru) against torch.nn.GRU and centered differences.

Tolerances: TOL_ROUNDING (tests/conftest.py) against torch.nn.GRU in float64 (the errors
measured are ~1e-16); TOL_GRADCHECK, the course's one gradient-check rule, against centered
differences (step 1e-6, float64).
"""

import numpy as np
import pytest

from conftest import TOL_ROUNDING
from gatedrnn.deep_gru import deep_gru_backward, deep_gru_forward
from gatedrnn.gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error
from gatedrnn.reference import deep_gru_reference


def problem(seed, N, T, D, H, num_layers, bidirectional):
    """Random inputs, parameters (torch.nn.GRU's row order) and upstream gradients."""
    rng = np.random.default_rng(seed)
    directions = 2 if bidirectional else 1
    params = []
    for k in range(num_layers * directions):
        width = D if k < directions else directions * H
        params.append((rng.standard_normal((width, 3 * H)) / np.sqrt(width),
                       rng.standard_normal((H, 3 * H)) / np.sqrt(H),
                       0.3 * rng.standard_normal(3 * H), 0.3 * rng.standard_normal(3 * H)))
    x = rng.standard_normal((N, T, D))
    h0 = 0.5 * rng.standard_normal((num_layers * directions, N, H))
    doutput = rng.standard_normal((N, T, directions * H))
    dh_n = rng.standard_normal(h0.shape)
    return x, h0, params, doutput, dh_n


@pytest.mark.parametrize("N, T, D, H, num_layers, bidirectional", [
    (3, 5, 4, 3, 2, True), (2, 4, 3, 2, 3, True), (1, 1, 1, 1, 2, True), (2, 6, 3, 4, 2, False)])
def test_matches_torch(N, T, D, H, num_layers, bidirectional):
    x, h0, params, doutput, dh_n = problem(N + T + D + H, N, T, D, H, num_layers, bidirectional)
    x_before = x.copy()
    output, h_n, cache = deep_gru_forward(x, h0, params, bidirectional)
    dx, dh0, dparams = deep_gru_backward(doutput, dh_n, cache)
    expected_output, expected_h_n, expected = deep_gru_reference(x, h0, params, bidirectional, doutput, dh_n)
    assert np.array_equal(x, x_before)
    assert output.shape == expected_output.shape and rel_error(output, expected_output) < TOL_ROUNDING
    assert h_n.shape == expected_h_n.shape and rel_error(h_n, expected_h_n) < TOL_ROUNDING
    assert rel_error(dx, expected["dx"]) < TOL_ROUNDING
    assert rel_error(dh0, expected["dh0"]) < TOL_ROUNDING
    for k, (mine, theirs) in enumerate(zip(dparams, expected["dparams"])):
        for name, a, b in zip(["dWx", "dWh", "dbx", "dbh"], mine, theirs):
            assert a.shape == b.shape and rel_error(a, b) < TOL_ROUNDING, (k, name)


def test_matches_centered_differences():
    x, h0, params, doutput, dh_n = problem(7, 2, 3, 2, 2, 2, True)
    output, h_n, cache = deep_gru_forward(x, h0, params, bidirectional=True)
    dx, dh0, dparams = deep_gru_backward(doutput, dh_n, cache)

    def flat_outputs(x, h0, *flat_params):
        grouped = [flat_params[i:i + 4] for i in range(0, len(flat_params), 4)]
        out, last, _ = deep_gru_forward(x, h0, grouped, bidirectional=True)
        return np.concatenate([out.ravel(), last.ravel()])

    upstream = np.concatenate([doutput.ravel(), dh_n.ravel()])
    flat_params = [array for group in params for array in group]
    numeric = numerical_gradients(flat_outputs, [x, h0, *flat_params], upstream)
    analytic = [dx, dh0, *(array for group in dparams for array in group)]
    errors = [rel_error(a, n) for a, n in zip(analytic, numeric)]
    assert max(errors) < TOL_GRADCHECK, errors


def test_layout_of_output_and_h_n():
    """h_n[-1] is the last layer's reverse state, which is output[:, 0, H:]; h_n[-2] is output[:, -1, :H]."""
    x, h0, params, _, _ = problem(3, 2, 4, 3, 2, 2, True)
    output, h_n, _ = deep_gru_forward(x, h0, params, bidirectional=True)
    H = h_n.shape[2]
    assert np.array_equal(h_n[-1], output[:, 0, H:]) and np.array_equal(h_n[-2], output[:, -1, :H])
    assert not np.allclose(h_n[-1], output[:, -1, H:])


def test_mismatched_rows_are_refused():
    x, h0, params, _, _ = problem(4, 2, 3, 2, 2, 2, True)
    with pytest.raises(ValueError, match="num_layers"):
        deep_gru_forward(x, h0[:3], params[:3], bidirectional=True)
