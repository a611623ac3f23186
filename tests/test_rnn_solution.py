"""The rnn solution notebook's functions against torch.nn.RNN and centered differences.

Tolerances (tests/conftest.py): TOL_ROUNDING against torch in float64, TOL_GRADCHECK
(gatedrnn.gradcheck, the course's one rule) against centered differences, TOL_FLOAT32 for float32
inputs against the float64 reference.
"""

import numpy as np
import pytest

from conftest import SHAPES, TOL_FLOAT32, TOL_ROUNDING, assert_close, draw
from gatedrnn.gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error
from gatedrnn.reference import rnn_reference, rnn_step_reference


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_step_forward_and_backward_match_torch(rnn_solution, N, T, D, H):
    rng = np.random.default_rng(N * 1000 + D * 10 + H)
    x, h_prev, Wx, Wh, b, dh_next = draw(rng, (N, D), (N, H), (D, H), (H, H), (H,), (N, H))
    h_next, cache = rnn_solution["rnn_step_forward"](x, h_prev, Wx, Wh, b)
    grads = rnn_solution["rnn_step_backward"](dh_next, cache)
    expected_h, expected = rnn_step_reference(x, h_prev, Wx, Wh, b, dh_next)
    assert rel_error(h_next, expected_h) < TOL_ROUNDING
    assert_close(["dx", "dh_prev", "dWx", "dWh", "db"], grads, expected, TOL_ROUNDING, same_shapes=True)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_sequence_forward_and_backward_match_torch(rnn_solution, N, T, D, H):
    rng = np.random.default_rng(N + 10 * T + 100 * D + 1000 * H)
    x, h0, Wx, Wh, b, dh = draw(rng, (N, T, D), (N, H), (D, H), (H, H), (H,), (N, T, H))
    h, cache = rnn_solution["rnn_forward"](x, h0, Wx, Wh, b)
    grads = rnn_solution["rnn_backward"](dh, cache)
    expected_h, expected = rnn_reference(x, h0, Wx, Wh, b, dh)
    assert h.shape == (N, T, H) and rel_error(h, expected_h) < TOL_ROUNDING
    assert_close(["dx", "dh0", "dWx", "dWh", "db"], grads, expected, TOL_ROUNDING, same_shapes=True)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_backward_passes_match_centered_differences(rnn_solution, N, T, D, H):
    rng = np.random.default_rng(7 + N + T + D + H)
    forward, backward = rnn_solution["rnn_forward"], rnn_solution["rnn_backward"]
    inputs = draw(rng, (N, T, D), (N, H), (D, H), (H, H), (H,))
    dh = draw(rng, (N, T, H))[0]
    _, cache = forward(*inputs)
    analytic = backward(dh, cache)
    numeric = numerical_gradients(lambda *a: forward(*a)[0], inputs, dh)
    assert_close(["dx", "dh0", "dWx", "dWh", "db"], analytic, numeric, TOL_GRADCHECK)

    step_forward, step_backward = rnn_solution["rnn_step_forward"], rnn_solution["rnn_step_backward"]
    step_inputs = [inputs[0][:, 0, :]] + inputs[1:]
    _, cache = step_forward(*step_inputs)
    analytic = step_backward(dh[:, 0, :], cache)
    numeric = numerical_gradients(lambda *a: step_forward(*a)[0], step_inputs, dh[:, 0, :])
    assert_close(["dx", "dh_prev", "dWx", "dWh", "db"], analytic, numeric, TOL_GRADCHECK)


def test_float32_inputs_work_and_inputs_are_not_modified(rnn_solution):
    rng = np.random.default_rng(5)
    inputs64 = draw(rng, (3, 4, 5), (3, 6), (5, 6), (6, 6), (6,))
    dh = draw(rng, (3, 4, 6))[0]
    inputs32 = [a.astype(np.float32) for a in inputs64]
    copies = [a.copy() for a in inputs32]
    h, cache = rnn_solution["rnn_forward"](*inputs32)
    grads = rnn_solution["rnn_backward"](dh.astype(np.float32), cache)
    expected_h, expected = rnn_reference(*inputs64, dh)
    assert rel_error(h, expected_h) < TOL_FLOAT32
    assert_close(["dx", "dh0", "dWx", "dWh", "db"], grads, expected, TOL_FLOAT32)
    assert all(np.array_equal(a, b) for a, b in zip(inputs32, copies))
