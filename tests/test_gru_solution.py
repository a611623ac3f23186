"""The gru solution notebook's functions against torch.nn.GRU and centered differences.

Tolerances (tests/conftest.py): TOL_ROUNDING against torch in float64, TOL_GRADCHECK
(gatedrnn.gradcheck, the course's one rule) against centered differences, TOL_FLOAT32 for float32
inputs against the float64 reference.
"""

import numpy as np
import pytest

from conftest import DIFFERENT, SHAPES, TOL_FLOAT32, TOL_ROUNDING, assert_close, draw
from gatedrnn.gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error
from gatedrnn.reference import gru_reference, gru_step_reference

STEP_NAMES = ["dx", "dh_prev", "dWx", "dWh", "dbx", "dbh"]
SEQUENCE_NAMES = ["dx", "dh0", "dWx", "dWh", "dbx", "dbh"]


def step_inputs(rng, N, D, H):
    return draw(rng, (N, D), (N, H), (D, 3 * H), (H, 3 * H), (3 * H,), (3 * H,))


def sequence_inputs(rng, N, T, D, H):
    return draw(rng, (N, T, D), (N, H), (D, 3 * H), (H, 3 * H), (3 * H,), (3 * H,))


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_step_forward_and_backward_match_torch(gru_solution, N, T, D, H):
    rng = np.random.default_rng(N * 1000 + D * 10 + H)
    inputs = step_inputs(rng, N, D, H)
    dh_next = draw(rng, (N, H))[0]
    h_next, cache = gru_solution["gru_step_forward"](*inputs)
    grads = gru_solution["gru_step_backward"](dh_next, cache)
    expected_h, expected = gru_step_reference(*inputs, dh_next)
    assert rel_error(h_next, expected_h) < TOL_ROUNDING
    assert len(grads) == 6
    assert_close(STEP_NAMES, grads, expected, TOL_ROUNDING, same_shapes=True)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_sequence_forward_and_backward_match_torch(gru_solution, N, T, D, H):
    rng = np.random.default_rng(N + 10 * T + 100 * D + 1000 * H)
    inputs = sequence_inputs(rng, N, T, D, H)
    dh = draw(rng, (N, T, H))[0]
    h, cache = gru_solution["gru_forward"](*inputs)
    grads = gru_solution["gru_backward"](dh, cache)
    expected_h, expected = gru_reference(*inputs, dh)
    assert h.shape == (N, T, H) and rel_error(h, expected_h) < TOL_ROUNDING
    assert_close(SEQUENCE_NAMES, grads, expected, TOL_ROUNDING, same_shapes=True)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_backward_passes_match_centered_differences(gru_solution, N, T, D, H):
    rng = np.random.default_rng(7 + N + T + D + H)
    forward, backward = gru_solution["gru_forward"], gru_solution["gru_backward"]
    inputs = sequence_inputs(rng, N, T, D, H)
    dh = draw(rng, (N, T, H))[0]
    _, cache = forward(*inputs)
    numeric = numerical_gradients(lambda *a: forward(*a)[0], inputs, dh)
    assert_close(SEQUENCE_NAMES, backward(dh, cache), numeric, TOL_GRADCHECK)

    step_forward, step_backward = gru_solution["gru_step_forward"], gru_solution["gru_step_backward"]
    inputs = [inputs[0][:, 0, :]] + inputs[1:]
    _, cache = step_forward(*inputs)
    numeric = numerical_gradients(lambda *a: step_forward(*a)[0], inputs, dh[:, 0, :])
    assert_close(STEP_NAMES, step_backward(dh[:, 0, :], cache), numeric, TOL_GRADCHECK)


def test_float32_inputs_work_and_inputs_are_not_modified(gru_solution):
    rng = np.random.default_rng(5)
    inputs64 = sequence_inputs(rng, 3, 4, 5, 6)
    dh = draw(rng, (3, 4, 6))[0]
    inputs32 = [a.astype(np.float32) for a in inputs64]
    copies = [a.copy() for a in inputs32]
    h, cache = gru_solution["gru_forward"](*inputs32)
    dh32 = dh.astype(np.float32)
    grads = gru_solution["gru_backward"](dh32, cache)
    expected_h, expected = gru_reference(*inputs64, dh)
    assert h.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
    assert rel_error(h, expected_h) < TOL_FLOAT32
    assert_close(SEQUENCE_NAMES, grads, expected, TOL_FLOAT32)
    assert all(np.array_equal(a, b) for a, b in zip(inputs32, copies))
    assert np.array_equal(dh32, dh.astype(np.float32))


def test_extension_solution_is_the_reset_before_gru(gru_solution):
    from gatedrnn.gru_variants import gru_variant_step

    inputs = step_inputs(np.random.default_rng(9), 3, 4, 5)
    found = gru_solution["gru_step_forward_reset_before"](*inputs)
    assert rel_error(found, gru_variant_step(*inputs, reset="before")) < TOL_ROUNDING
    assert rel_error(found, gru_solution["gru_step_forward"](*inputs)[0]) > DIFFERENT  # and not the course's GRU
