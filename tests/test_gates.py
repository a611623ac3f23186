"""gatedrnn.gates: moving packed gate blocks between the orders libraries use."""

import numpy as np
import pytest

from conftest import DIFFERENT, TOL_ROUNDING, draw
from gatedrnn.gates import LSTM_GATE_ORDERS, LSTM_ORDER, gate_order_misconception, reorder_gates
from gatedrnn.gradcheck import rel_error
from gatedrnn.reference import lstm_reference


def test_blocks_move_as_named():
    H = 2
    b = np.concatenate([np.full(H, k) for k in range(4)])  # block k holds the value k
    assert reorder_gates(b, "ifgo", "ifog").tolist() == [0, 0, 1, 1, 3, 3, 2, 2]
    assert reorder_gates(b, "fgio", "ifgo").tolist() == [2, 2, 0, 0, 1, 1, 3, 3]
    W = np.arange(3 * 8).reshape(3, 8)  # rows untouched, columns moved
    assert np.array_equal(reorder_gates(W, "ifgo", "ifog")[:, 4:6], W[:, 6:8])


@pytest.mark.parametrize("order", sorted(set(LSTM_GATE_ORDERS) - {LSTM_ORDER}))
def test_round_trip_is_the_identity(order):
    W = np.random.default_rng(0).standard_normal((3, 12))
    there = reorder_gates(W, LSTM_ORDER, order)
    assert not np.array_equal(there, W)
    assert np.array_equal(reorder_gates(there, order, LSTM_ORDER), W)


@pytest.mark.parametrize("source,target", [("ifgo", "ifog"), ("fgio", "igfo"), ("iofg", "ifgo")])
def test_ported_weights_give_the_same_lstm(source, target):
    """An LSTM packed in `source`, ported to `target`, computes the same states and gradients.

    Both runs are float64 torch.nn.LSTM with the same numbers in other places: TOL_ROUNDING.
    """
    rng = np.random.default_rng(1)
    N, T, D, H = 2, 5, 3, 4
    x, h0, c0, dh = draw(rng, (N, T, D), (N, H), (N, H), (N, T, H))
    params = draw(rng, (D, 4 * H), (H, 4 * H), (4 * H,))
    h, grads = lstm_reference(x, h0, c0, *params, dh, gate_order=source)
    ported = [reorder_gates(p, source, target) for p in params]
    h_ported, grads_ported = lstm_reference(x, h0, c0, *ported, dh, gate_order=target)
    assert rel_error(h, h_ported) < TOL_ROUNDING
    for name in ["dx", "dh0", "dc0"]:
        assert rel_error(grads[name], grads_ported[name]) < TOL_ROUNDING, name
    for name in ["dWx", "dWh", "db"]:  # parameter gradients are packed like their parameters
        assert rel_error(reorder_gates(grads[name], source, target), grads_ported[name]) < TOL_ROUNDING, name
    # Read in the wrong order, the same numbers give another LSTM.
    h_misread, _ = lstm_reference(x, h0, c0, *params, gate_order=target)
    assert rel_error(h, h_misread) > DIFFERENT


def test_bad_orders_and_shapes_are_refused():
    with pytest.raises(ValueError, match="must name the same distinct gates"):
        reorder_gates(np.zeros(8), "ifgo", "ifgx")
    with pytest.raises(ValueError, match="must name the same distinct gates"):
        reorder_gates(np.zeros(8), "iffo", "ifgo")
    with pytest.raises(ValueError, match=r"W has shape \(3, 10\); its last dimension must be a multiple of 4"):
        reorder_gates(np.zeros((3, 10)), "ifgo", "ifog")


def test_gate_order_misconception_names_both_orders():
    mistake = gate_order_misconception("ifog")
    assert mistake.id == "lstm-gate-order-ifog"
    assert "i, f, o, g" in mistake.explanation and "cs231n" in mistake.explanation
    assert "i | f | g | o" in mistake.explanation and "2H:3H g (cell candidate, tanh)" in mistake.explanation
