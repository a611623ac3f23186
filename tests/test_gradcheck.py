"""The gradient-checking helpers: they must pass right gradients and catch wrong ones."""

import numpy as np
import pytest

from conftest import TOL_ROUNDING
from gatedrnn.gradcheck import numerical_gradient, numerical_gradients, rel_error


def test_rel_error_is_symmetric_and_scale_free():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 2.0, 3.3])
    assert rel_error(a, b) == rel_error(b, a)
    assert rel_error(1e6 * a, 1e6 * b) == pytest.approx(rel_error(a, b), rel=TOL_ROUNDING)
    assert rel_error(a, a) == 0.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(a, -a) == 1.0  # opposite signs: the largest possible error


def test_rel_error_rejects_shape_mismatch():
    with pytest.raises(ValueError, match=r"\(3,\) and \(4,\)"):
        rel_error(np.zeros(3), np.zeros(4))


def test_numerical_gradient_matches_a_known_derivative():
    # f(x) = sin(x) * x elementwise, so d/dx sum(f * u) = (cos(x) x + sin(x)) u.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    upstream = rng.standard_normal((3, 4))
    numeric = numerical_gradient(lambda: np.sin(x) * x, x, upstream)
    analytic = (np.cos(x) * x + np.sin(x)) * upstream
    assert rel_error(numeric, analytic) < 1e-9  # centered differences in float64: ~1e-10


def test_numerical_gradients_catch_a_wrong_gradient_and_leave_inputs_alone():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((4, 3))
    x = rng.standard_normal((2, 4))
    upstream = rng.standard_normal((2, 3))
    W_before = W.copy()
    dx, dW = numerical_gradients(lambda x, W: np.tanh(x @ W), [x, W], upstream)
    da = upstream * (1 - np.tanh(x @ W) ** 2)
    assert rel_error(dW, x.T @ da) < 1e-8
    assert rel_error(dx, da @ W.T) < 1e-8
    assert rel_error(dW, x.T @ upstream) > 1e-2  # forgetting tanh' is caught
    assert np.array_equal(W, W_before)


def test_numerical_gradient_refuses_float32():
    x = np.ones(3, dtype=np.float32)
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: x * 2, x, np.ones(3))



def test_one_gradient_check_threshold_everywhere():
    """The grader's checks, the chapters and these tests share gatedrnn.gradcheck.TOL_GRADCHECK:
    no other module redefines it, and it separates a correct gradient from a 1% error."""
    import gatedrnn.gradcheck
    import gatedrnn.testing
    assert gatedrnn.testing.TOL_GRADCHECK is gatedrnn.gradcheck.TOL_GRADCHECK
    rng = np.random.default_rng(2)
    W = rng.standard_normal((4, 3))
    x = rng.standard_normal((2, 4))
    upstream = rng.standard_normal((2, 3))
    _, dW = numerical_gradients(lambda x, W: np.tanh(x @ W), [x, W], upstream)
    exact = x.T @ (upstream * (1 - np.tanh(x @ W) ** 2))
    assert rel_error(exact, dW) < gatedrnn.gradcheck.TOL_GRADCHECK
    assert rel_error(1.01 * exact, dW) > gatedrnn.gradcheck.TOL_GRADCHECK
