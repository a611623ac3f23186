"""The torch.nn reference runs: weights ported by transpose give the course's recurrence.

Both sides compute in float64: TOL_ROUNDING (tests/conftest.py).
"""

import numpy as np

from conftest import DIFFERENT, TOL_ROUNDING, draw
from gatedrnn.gradcheck import rel_error
from gatedrnn.reference import rnn_reference, rnn_step_reference


def test_rnn_reference_is_the_tanh_recurrence():
    rng = np.random.default_rng(2)
    N, T, D, H = 3, 4, 5, 6
    x, h0, Wx, Wh, b = draw(rng, (N, T, D), (N, H), (D, H), (H, H), (H,))
    h, grads = rnn_reference(x, h0, Wx, Wh, b)
    assert grads is None and h.shape == (N, T, H)
    h_t = h0
    for t in range(T):
        h_t = np.tanh(x[:, t] @ Wx + h_t @ Wh + b)
        assert rel_error(h[:, t], h_t) < TOL_ROUNDING


def test_rnn_step_reference_gradients_have_the_inputs_shapes():
    rng = np.random.default_rng(3)
    x, h_prev, Wx, Wh, b, dh_next = draw(rng, (2, 3), (2, 4), (3, 4), (4, 4), (4,), (2, 4), scale=1.0)
    h_next, grads = rnn_step_reference(x, h_prev, Wx, Wh, b, dh_next)
    assert rel_error(h_next, np.tanh(x @ Wx + h_prev @ Wh + b)) < TOL_ROUNDING
    assert {k: v.shape for k, v in grads.items()} == {
        "dx": (2, 3), "dh_prev": (2, 4), "dWx": (3, 4), "dWh": (4, 4), "db": (4,)}
    # db of one step is the sum over the batch of the pre-activation gradient.
    assert rel_error(grads["db"], (dh_next * (1 - h_next ** 2)).sum(axis=0)) < TOL_ROUNDING


def test_wrong_shapes_name_the_argument_and_both_shapes():
    import pytest

    x, h0, Wx, Wh, b = np.zeros((2, 3, 5)), np.zeros((2, 4)), np.zeros((5, 4)), np.zeros((4, 4)), np.zeros(4)
    with pytest.raises(ValueError, match=r"rnn_reference: Wh has shape \(3, 4\), expected \(4, 4\) \(H, H\)"):
        rnn_reference(x, h0, Wx, np.zeros((3, 4)), b)
    with pytest.raises(ValueError, match=r"rnn_reference: x has shape \(2, 5\), expected 3 dimensions \(N, T, D\)"):
        rnn_reference(x[:, 0], h0, Wx, Wh, b)
    with pytest.raises(ValueError, match=r"rnn_step_reference: dh_next has shape \(2, 3\), expected \(2, 4\)"):
        rnn_step_reference(x[:, 0], h0, Wx, Wh, b, np.zeros((2, 3)))


def test_packed_gate_dimensions():
    import pytest
    from gatedrnn.shapes import check_shapes

    layout = {"Wx": "D 4H", "Wh": "H 4H", "b": "4H"}
    assert check_shapes("lstm", {"Wx": np.zeros((3, 8)), "Wh": np.zeros((2, 8)), "b": np.zeros(8)}, layout) == {"D": 3, "H": 2}
    with pytest.raises(ValueError, match=r"lstm: b has shape \(6,\), expected \(8,\) \(4H\)"):
        check_shapes("lstm", {"Wx": np.zeros((3, 8)), "Wh": np.zeros((2, 8)), "b": np.zeros(6)}, layout)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_lstm_reference_is_the_lstm_recurrence_with_c0():
    from gatedrnn.reference import lstm_reference

    rng = np.random.default_rng(4)
    N, T, D, H = 3, 4, 5, 2
    x, h0, c0, Wx, Wh, b = draw(rng, (N, T, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,))
    h, grads = lstm_reference(x, h0, c0, Wx, Wh, b)
    assert grads is None and h.shape == (N, T, H)
    h_t, c_t = h0, c0
    for t in range(T):
        a = x[:, t] @ Wx + h_t @ Wh + b
        gate_i, gate_f, gate_g, gate_o = (a[:, k * H:(k + 1) * H] for k in range(4))
        c_t = _sigmoid(gate_f) * c_t + _sigmoid(gate_i) * np.tanh(gate_g)
        h_t = _sigmoid(gate_o) * np.tanh(c_t)
        assert rel_error(h[:, t], h_t) < TOL_ROUNDING
    # c0 matters: another initial cell state gives other hidden states.
    assert rel_error(lstm_reference(x, h0, np.zeros_like(c0), Wx, Wh, b)[0], h) > DIFFERENT


def test_lstm_step_reference_gradients():
    from gatedrnn.reference import lstm_step_reference

    rng = np.random.default_rng(5)
    N, D, H = 2, 3, 4
    x, h_prev, c_prev, Wx, Wh, b, dh_next, dc_next = draw(
        rng, (N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,), (N, H), (N, H), scale=1.0)
    h_next, c_next, grads = lstm_step_reference(x, h_prev, c_prev, Wx, Wh, b, dh_next, dc_next)
    assert {k: v.shape for k, v in grads.items()} == {
        "dx": (N, D), "dh_prev": (N, H), "dc_prev": (N, H), "dWx": (D, 4 * H), "dWh": (H, 4 * H), "db": (4 * H,)}
    # The cell-state path: dc_prev = f * (dc_next + dh_next * o * (1 - tanh(c_next)^2)).
    a = x @ Wx + h_prev @ Wh + b
    f, o = _sigmoid(a[:, H:2 * H]), _sigmoid(a[:, 3 * H:])
    expected = f * (dc_next + dh_next * o * (1 - np.tanh(c_next) ** 2))
    assert rel_error(grads["dc_prev"], expected) < TOL_ROUNDING
    # Without dc_next, only the path through h_next remains.
    _, _, grads_h_only = lstm_step_reference(x, h_prev, c_prev, Wx, Wh, b, dh_next)
    assert rel_error(grads_h_only["dc_prev"], f * dh_next * o * (1 - np.tanh(c_next) ** 2)) < TOL_ROUNDING


def test_lstm_shape_errors_name_the_argument():
    import pytest

    from gatedrnn.reference import lstm_reference, lstm_step_reference

    x, h0, c0 = np.zeros((2, 3, 5)), np.zeros((2, 4)), np.zeros((2, 4))
    Wx, Wh, b = np.zeros((5, 16)), np.zeros((4, 16)), np.zeros(16)
    with pytest.raises(ValueError, match=r"lstm_reference: Wh has shape \(4, 12\), expected \(4, 16\) \(H, 4H\)"):
        lstm_reference(x, h0, c0, Wx, np.zeros((4, 12)), b)
    with pytest.raises(ValueError, match=r"lstm_reference: c0 has shape \(2, 3\), expected \(2, 4\) \(N, H\)"):
        lstm_reference(x, h0, np.zeros((2, 3)), Wx, Wh, b)
    with pytest.raises(ValueError, match=r"lstm_step_reference: dc_next has shape \(2, 3\), expected \(2, 4\)"):
        lstm_step_reference(x[:, 0], h0, c0, Wx, Wh, b, np.zeros((2, 4)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="dc_next was given without dh_next"):
        lstm_step_reference(x[:, 0], h0, c0, Wx, Wh, b, dc_next=np.zeros((2, 4)))
