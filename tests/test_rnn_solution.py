"""The rnn solution notebook's functions against torch.nn.RNN and centered differences.

Tolerances: against torch in float64 both sides are exact up to rounding, so 1e-12;
against centered differences (step 1e-6, float64) the course's one rule, TOL_GRADCHECK;
float32 inputs against the float64 reference 1e-5.
"""

import numpy as np
import pytest

from gatedrnn.gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error
from gatedrnn.reference import rnn_reference, rnn_step_reference

TOL_TORCH, TOL_NUMERIC, TOL_FLOAT32 = 1e-12, TOL_GRADCHECK, 1e-5
SHAPES = [(1, 1, 1, 1), (2, 3, 4, 5), (4, 6, 3, 2), (3, 1, 7, 4)]  # (N, T, D, H), sizes of 1 included


def draw(rng, *shapes):
    return [0.5 * rng.standard_normal(shape) for shape in shapes]


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_step_forward_and_backward_match_torch(rnn_solution, N, T, D, H):
    rng = np.random.default_rng(N * 1000 + D * 10 + H)
    x, h_prev, Wx, Wh, b, dh_next = draw(rng, (N, D), (N, H), (D, H), (H, H), (H,), (N, H))
    h_next, cache = rnn_solution["rnn_step_forward"](x, h_prev, Wx, Wh, b)
    grads = rnn_solution["rnn_step_backward"](dh_next, cache)
    expected_h, expected = rnn_step_reference(x, h_prev, Wx, Wh, b, dh_next)
    assert rel_error(h_next, expected_h) < TOL_TORCH
    for name, found in zip(["dx", "dh_prev", "dWx", "dWh", "db"], grads):
        assert found.shape == expected[name].shape, name
        assert rel_error(found, expected[name]) < TOL_TORCH, name


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_sequence_forward_and_backward_match_torch(rnn_solution, N, T, D, H):
    rng = np.random.default_rng(N + 10 * T + 100 * D + 1000 * H)
    x, h0, Wx, Wh, b, dh = draw(rng, (N, T, D), (N, H), (D, H), (H, H), (H,), (N, T, H))
    h, cache = rnn_solution["rnn_forward"](x, h0, Wx, Wh, b)
    grads = rnn_solution["rnn_backward"](dh, cache)
    expected_h, expected = rnn_reference(x, h0, Wx, Wh, b, dh)
    assert h.shape == (N, T, H) and rel_error(h, expected_h) < TOL_TORCH
    for name, found in zip(["dx", "dh0", "dWx", "dWh", "db"], grads):
        assert found.shape == expected[name].shape, name
        assert rel_error(found, expected[name]) < TOL_TORCH, name


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_backward_passes_match_centered_differences(rnn_solution, N, T, D, H):
    rng = np.random.default_rng(7 + N + T + D + H)
    forward, backward = rnn_solution["rnn_forward"], rnn_solution["rnn_backward"]
    inputs = draw(rng, (N, T, D), (N, H), (D, H), (H, H), (H,))
    dh = draw(rng, (N, T, H))[0]
    _, cache = forward(*inputs)
    analytic = backward(dh, cache)
    numeric = numerical_gradients(lambda *a: forward(*a)[0], inputs, dh)
    for name, found, expected in zip(["dx", "dh0", "dWx", "dWh", "db"], analytic, numeric):
        assert rel_error(found, expected) < TOL_NUMERIC, name

    step_forward, step_backward = rnn_solution["rnn_step_forward"], rnn_solution["rnn_step_backward"]
    step_inputs = [inputs[0][:, 0, :]] + inputs[1:]
    _, cache = step_forward(*step_inputs)
    analytic = step_backward(dh[:, 0, :], cache)
    numeric = numerical_gradients(lambda *a: step_forward(*a)[0], step_inputs, dh[:, 0, :])
    for name, found, expected in zip(["dx", "dh_prev", "dWx", "dWh", "db"], analytic, numeric):
        assert rel_error(found, expected) < TOL_NUMERIC, name


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
    for name, found in zip(["dx", "dh0", "dWx", "dWh", "db"], grads):
        assert rel_error(found, expected[name]) < TOL_FLOAT32, name
    assert all(np.array_equal(a, b) for a, b in zip(inputs32, copies))
