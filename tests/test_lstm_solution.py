"""The lstm solution notebook's functions against torch.nn.LSTM and centered differences.

Tolerances (tests/conftest.py): TOL_ROUNDING against torch in float64, TOL_GRADCHECK
(gatedrnn.gradcheck, the course's one rule) against centered differences, TOL_FLOAT32 for float32
inputs against the float64 reference.
"""

import numpy as np
import pytest

from conftest import SHAPES, TOL_FLOAT32, TOL_ROUNDING, assert_close, draw
from gatedrnn.gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error
from gatedrnn.reference import lstm_reference, lstm_step_reference

STEP_GRADIENTS = ["dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"]
SEQUENCE_GRADIENTS = ["dx", "dh0", "dc0", "dWx", "dWh", "db"]


def parameters(rng, D, H):
    """Wx (D, 4H), Wh (H, 4H), b (4H,)."""
    return draw(rng, (D, 4 * H), (H, 4 * H), (4 * H,))


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_step_forward_and_backward_match_torch(lstm_solution, N, T, D, H):
    rng = np.random.default_rng(N * 1000 + D * 10 + H)
    x, h_prev, c_prev, dh_next, dc_next = draw(rng, (N, D), (N, H), (N, H), (N, H), (N, H))
    params = parameters(rng, D, H)
    h_next, c_next, cache = lstm_solution["lstm_step_forward"](x, h_prev, c_prev, *params)
    grads = lstm_solution["lstm_step_backward"](dh_next, dc_next, cache)
    expected_h, expected_c, expected = lstm_step_reference(x, h_prev, c_prev, *params, dh_next, dc_next)
    assert rel_error(h_next, expected_h) < TOL_ROUNDING and rel_error(c_next, expected_c) < TOL_ROUNDING
    assert_close(STEP_GRADIENTS, grads, expected, TOL_ROUNDING, same_shapes=True)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_sequence_forward_and_backward_match_torch(lstm_solution, N, T, D, H):
    rng = np.random.default_rng(N + 10 * T + 100 * D + 1000 * H)
    x, h0, c0, dh = draw(rng, (N, T, D), (N, H), (N, H), (N, T, H))
    params = parameters(rng, D, H)
    h, cache = lstm_solution["lstm_forward"](x, h0, c0, *params)
    grads = lstm_solution["lstm_backward"](dh, cache)
    expected_h, expected = lstm_reference(x, h0, c0, *params, dh)
    assert h.shape == (N, T, H) and rel_error(h, expected_h) < TOL_ROUNDING
    assert_close(SEQUENCE_GRADIENTS, grads, expected, TOL_ROUNDING, same_shapes=True)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_backward_passes_match_centered_differences(lstm_solution, N, T, D, H):
    rng = np.random.default_rng(7 + N + T + D + H)
    forward, backward = lstm_solution["lstm_forward"], lstm_solution["lstm_backward"]
    inputs = draw(rng, (N, T, D), (N, H), (N, H)) + parameters(rng, D, H)
    dh, dc_next = draw(rng, (N, T, H), (N, H))
    _, cache = forward(*inputs)
    analytic = backward(dh, cache)
    numeric = numerical_gradients(lambda *a: forward(*a)[0], inputs, dh)
    assert_close(SEQUENCE_GRADIENTS, analytic, numeric, TOL_GRADCHECK)

    # One step, with upstream gradients on both outputs: (h_next, c_next) side by side.
    step_forward, step_backward = lstm_solution["lstm_step_forward"], lstm_solution["lstm_step_backward"]
    step_inputs = [inputs[0][:, 0, :]] + inputs[1:]
    _, _, cache = step_forward(*step_inputs)
    analytic = step_backward(dh[:, 0, :], dc_next, cache)
    numeric = numerical_gradients(lambda *a: np.concatenate(step_forward(*a)[:2], axis=1), step_inputs,
                                  np.concatenate([dh[:, 0, :], dc_next], axis=1))
    assert_close(STEP_GRADIENTS, analytic, numeric, TOL_GRADCHECK)


def test_float32_inputs_work_and_inputs_are_not_modified(lstm_solution):
    rng = np.random.default_rng(5)
    inputs64 = draw(rng, (3, 4, 5), (3, 6), (3, 6)) + parameters(rng, 5, 6)
    dh = draw(rng, (3, 4, 6))[0]
    inputs32 = [a.astype(np.float32) for a in inputs64]
    copies = [a.copy() for a in inputs32]
    dh32 = dh.astype(np.float32)
    h, cache = lstm_solution["lstm_forward"](*inputs32)
    grads = lstm_solution["lstm_backward"](dh32, cache)
    expected_h, expected = lstm_reference(*inputs64, dh)
    assert rel_error(h, expected_h) < TOL_FLOAT32
    assert_close(SEQUENCE_GRADIENTS, grads, expected, TOL_FLOAT32)
    assert all(np.array_equal(a, b) for a, b in zip(inputs32, copies))
    assert np.array_equal(dh32, dh.astype(np.float32))


def test_step_backward_does_not_modify_its_upstream_gradients(lstm_solution):
    rng = np.random.default_rng(6)
    x, h_prev, c_prev, dh_next, dc_next = draw(rng, (2, 3), (2, 4), (2, 4), (2, 4), (2, 4))
    _, _, cache = lstm_solution["lstm_step_forward"](x, h_prev, c_prev, *parameters(rng, 3, 4))
    before = dh_next.copy(), dc_next.copy()
    lstm_solution["lstm_step_backward"](dh_next, dc_next, cache)
    assert np.array_equal(dh_next, before[0]) and np.array_equal(dc_next, before[1])
