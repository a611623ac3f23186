"""The GRU variants, the gate-block converter and the GRU references.

Tolerance TOL_ROUNDING (tests/conftest.py) wherever two float64 computations of the same function
are compared; a wrong variant, order or sign gives errors of order 0.01 to 1, far above DIFFERENT
(asserted where it matters, so the checks can fail).
"""

import numpy as np
import pytest

from conftest import DIFFERENT, TOL_FLOAT32, TOL_ROUNDING, draw
from gatedrnn.gates import reorder_gates
from gatedrnn.gradcheck import rel_error
from gatedrnn.gru_variants import (MISCONCEPTIONS, course_to_onnx, gru_variant_forward, gru_variant_step,
                                   reversed_update_weights, sigmoid, wrong_variant_values)
from gatedrnn.reference import gru_reference, gru_reset_before_reference, gru_step_reference

def gru_inputs(seed, N=3, T=4, D=5, H=6, scale=0.5):
    return draw(np.random.default_rng(seed), (N, T, D), (N, H), (D, 3 * H), (H, 3 * H), (3 * H,), (3 * H,),
                scale=scale)


# -- reorder_gates ------------------------------------------------------------------

def test_reorder_moves_named_blocks():
    W = np.array([[1, 1, 2, 2, 3, 3]])                   # blocks r=1, z=2, n=3 with H=2
    assert reorder_gates(W, "rzn", "zrn").tolist() == [[2, 2, 1, 1, 3, 3]]
    assert reorder_gates(W, "rzn", "nzr").tolist() == [[3, 3, 2, 2, 1, 1]]
    b = np.arange(8)                                     # four LSTM-like blocks of H=2
    assert reorder_gates(b, "ifgo", "ifog").tolist() == [0, 1, 2, 3, 6, 7, 4, 5]


def test_reorder_round_trip_and_no_aliasing():
    W = np.random.default_rng(0).standard_normal((4, 9))
    there = reorder_gates(W, "rzn", "znr")
    assert not np.shares_memory(there, W) and there.dtype == W.dtype
    assert np.array_equal(reorder_gates(there, "znr", "rzn"), W)


def test_reorder_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="'rzn' and 'rzo' must name the same distinct gates"):
        reorder_gates(np.zeros(6), "rzn", "rzo")
    with pytest.raises(ValueError, match="must name the same distinct gates"):
        reorder_gates(np.zeros(6), "rrn", "rrn")
    with pytest.raises(ValueError, match=r"shape \(7,\); its last dimension must be a multiple of 3"):
        reorder_gates(np.zeros(7), "rzn", "zrn")


# -- the variants -------------------------------------------------------------------------

def test_sigmoid_is_the_logistic_function_and_does_not_overflow():
    u = np.linspace(-30, 30, 61)
    assert rel_error(sigmoid(u), 1 / (1 + np.exp(-u))) < TOL_ROUNDING
    with np.errstate(over="raise"):
        assert sigmoid(np.array([-1000.0]))[0] == 0.0 and sigmoid(np.array([1000.0]))[0] == 1.0


def test_course_variant_is_torch_nn_gru():
    x, h0, *weights = gru_inputs(1)
    expected, _ = gru_reference(x, h0, *weights)
    assert rel_error(gru_variant_forward(x, h0, *weights), expected) < TOL_ROUNDING
    assert rel_error(gru_variant_step(x[:, 0], h0, *weights), expected[:, 0]) < TOL_ROUNDING


def test_course_variant_in_float32_stays_float32():
    x, h0, *weights = gru_inputs(2)
    h = gru_variant_forward(*[a.astype(np.float32) for a in (x, h0, *weights)])
    assert h.dtype == np.float32
    assert rel_error(h, gru_reference(x, h0, *weights)[0]) < TOL_FLOAT32  # float32 rounding over T steps


def test_reset_before_matches_the_onnx_layout_reference_after_conversion():
    x, h0, *weights = gru_inputs(3)
    expected = gru_reset_before_reference(x, h0, *course_to_onnx(*weights))
    assert rel_error(gru_variant_forward(x, h0, *weights, reset="before"), expected) < TOL_ROUNDING
    # Without the conversion (course layout fed as if it were ONNX's) the result is wrong.
    Wx, Wh, bx, bh = weights
    assert rel_error(gru_reset_before_reference(x, h0, Wx.T, Wh.T, bx, bh), expected) > DIFFERENT


def test_reset_before_and_after_agree_only_when_the_reset_gate_is_open():
    """With r == 1 exactly both candidates read h Wh_n + bh_n: an independent check of both references."""
    x, h0, Wx, Wh, bx, bh = gru_inputs(4)
    H = h0.shape[1]
    Wx, Wh, bx, bh = Wx.copy(), Wh.copy(), bx.copy(), bh.copy()
    Wx[:, :H] = Wh[:, :H] = 0.0
    bx[:H], bh[:H] = 40.0, 0.0      # sigmoid(40) rounds to exactly 1.0 in float64
    after, _ = gru_reference(x, h0, Wx, Wh, bx, bh)
    before = gru_reset_before_reference(x, h0, *course_to_onnx(Wx, Wh, bx, bh))
    assert rel_error(after, before) < TOL_ROUNDING
    bx[:H] = 0.0                    # r = 1/2: now they differ
    after, _ = gru_reference(x, h0, Wx, Wh, bx, bh)
    before = gru_reset_before_reference(x, h0, *course_to_onnx(Wx, Wh, bx, bh))
    assert rel_error(after, before) > DIFFERENT


def test_reversed_update_is_the_same_function_after_converting_weights():
    x, h0, *weights = gru_inputs(5)
    expected, _ = gru_reference(x, h0, *weights)
    converted = reversed_update_weights(*weights)
    assert rel_error(gru_variant_forward(x, h0, *converted, update="reversed"), expected) < TOL_ROUNDING
    assert rel_error(gru_variant_forward(x, h0, *weights, update="reversed"), expected) > DIFFERENT
    # The conversion negates the z block only, and is its own inverse.
    H = h0.shape[1]
    for original, new in zip(weights, converted):
        assert np.array_equal(new[..., H:2 * H], -original[..., H:2 * H])
        assert np.array_equal(new[..., :H], original[..., :H]) and np.array_equal(new[..., 2 * H:], original[..., 2 * H:])
    for original, twice in zip(weights, reversed_update_weights(*converted)):
        assert np.array_equal(original, twice)


def test_packing_order_is_a_relabelling():
    x, h0, *weights = gru_inputs(6)
    expected, _ = gru_reference(x, h0, *weights)
    zrn = [reorder_gates(A, "rzn", "zrn") for A in weights]
    assert rel_error(gru_variant_forward(x, h0, *zrn, order="zrn"), expected) < TOL_ROUNDING
    assert rel_error(gru_variant_forward(x, h0, *zrn), expected) > DIFFERENT


def test_unknown_variant_and_bad_shapes_are_clear_errors():
    x, h0, Wx, Wh, bx, bh = gru_inputs(7)
    with pytest.raises(ValueError, match="unknown variant"):
        gru_variant_step(x[:, 0], h0, Wx, Wh, bx, bh, reset="sideways")
    with pytest.raises(ValueError, match="unknown variant"):
        gru_variant_step(x[:, 0], h0, Wx, Wh, bx, bh, order="rzz")
    with pytest.raises(ValueError, match=r"gru_variant_step: Wh has shape \(6, 17\)"):
        gru_variant_step(x[:, 0], h0, Wx, Wh[:, :17], bx, bh)


# -- the misconceptions -------------------------------------------------------------------

def test_each_misconception_value_is_what_that_mistake_computes():
    """Each value is recomputed here by writing the mistake out by hand (one step, float64)."""
    x, h, Wx, Wh, bx, bh = gru_inputs(8)
    x = x[:, 0]
    H = h.shape[1]
    a_x, a_h = x @ Wx + bx, h @ Wh + bh
    r, z = sigmoid(a_x[:, :H] + a_h[:, :H]), sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])
    n = np.tanh(a_x[:, 2 * H:] + r * a_h[:, 2 * H:])
    by_hand = {
        "gru-sigmoid-candidate": (1 - z) * sigmoid(a_x[:, 2 * H:] + r * a_h[:, 2 * H:]) + z * h,
        "gru-reversed-update": (1 - z) * h + z * n,
        "gru-reset-before-product": (1 - z) * np.tanh(a_x[:, 2 * H:] + (r * h) @ Wh[:, 2 * H:] + bh[2 * H:]) + z * h,
        "gru-gate-order-zrn": (1 - r) * np.tanh(a_x[:, 2 * H:] + z * a_h[:, 2 * H:]) + r * h,  # r and z swapped
    }
    values = wrong_variant_values(x, h, Wx, Wh, bx, bh)
    singles = [(m, v) for m, v in values if not m.parts]
    assert sorted(m.id for m, _ in singles) == sorted(by_hand)
    right = gru_step_reference(x, h, Wx, Wh, bx, bh)[0]
    for misconception, value in singles:
        assert rel_error(value, by_hand[misconception.id]) < TOL_ROUNDING, misconception.id
        assert rel_error(value, right) > DIFFERENT, misconception.id
    sequence_values = wrong_variant_values(*gru_inputs(8))
    assert all(v.shape == (3, 4, 6) for _, v in sequence_values)


def test_misconception_ids_are_stable_and_tagged():
    from autograder.outcomes import misconception_ids

    assert sorted(MISCONCEPTIONS) == ["gru-gate-order-zrn", "gru-reset-before-product", "gru-reversed-update",
                                      "gru-sigmoid-candidate"]
    for key, misconception in MISCONCEPTIONS.items():
        assert misconception.id == key and misconception_ids(misconception.tag()) == [key]


# -- the torch reference --------------------------------------------------------------------

def test_gru_reference_gradients_have_the_inputs_shapes_and_bias_relations():
    x, h0, *weights = gru_inputs(9)
    dh = np.random.default_rng(9).standard_normal((3, 4, 6))
    h, grads = gru_reference(x, h0, *weights, dh)
    assert {k: v.shape for k, v in grads.items()} == {
        "dx": (3, 4, 5), "dh0": (3, 6), "dWx": (5, 18), "dWh": (6, 18), "dbx": (18,), "dbh": (18,)}
    # r and z see bx and bh only through their sum, so those blocks of the two gradients are equal;
    # the n block of bh sits inside r * (...), so its gradient differs.
    assert rel_error(grads["dbx"][:12], grads["dbh"][:12]) < TOL_ROUNDING
    assert rel_error(grads["dbx"][12:], grads["dbh"][12:]) > DIFFERENT


def test_gru_step_reference_is_one_step_of_the_sequence():
    x, h0, *weights = gru_inputs(10, T=1)
    dh = np.random.default_rng(10).standard_normal((3, 1, 6))
    h, grads = gru_reference(x, h0, *weights, dh)
    h_next, step_grads = gru_step_reference(x[:, 0], h0, *weights, dh[:, 0])
    assert rel_error(h_next, h[:, 0]) < TOL_ROUNDING
    assert rel_error(step_grads["dh_prev"], grads["dh0"]) < TOL_ROUNDING and step_grads["dx"].shape == (3, 5)


def test_gru_reference_shape_errors_name_the_argument():
    x, h0, Wx, Wh, bx, bh = gru_inputs(11)
    with pytest.raises(ValueError, match=r"gru_reference: bh has shape \(17,\), expected \(18,\) \(3H\)"):
        gru_reference(x, h0, Wx, Wh, bx, bh[:17])
    with pytest.raises(ValueError, match=r"gru_step_reference: dh_next has shape \(3, 5\), expected \(3, 6\)"):
        gru_step_reference(x[:, 0], h0, Wx, Wh, bx, bh, np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"gru_reset_before_reference: W has shape \(5, 18\), expected \(18, 5\)"):
        gru_reset_before_reference(x, h0, Wx, Wh.T, bx, bh)


def test_every_combination_of_deviations_is_recognised_and_names_each():
    """15 wrong GRUs (2**4 - 1), all different; the z|r|n + reset-before + reversed-update one by hand."""
    from autograder.outcomes import misconception_ids

    x, h, Wx, Wh, bx, bh = gru_inputs(9)
    x = x[:, 0]
    H = h.shape[1]
    a_x, a_h = x @ Wx + bx, h @ Wh + bh
    z, r = sigmoid(a_x[:, :H] + a_h[:, :H]), sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])  # read as z | r | n
    n = np.tanh(a_x[:, 2 * H:] + (r * h) @ Wh[:, 2 * H:] + bh[2 * H:])                   # reset before
    by_hand = (1 - z) * h + z * n                                                        # reversed update
    values = wrong_variant_values(x, h, Wx, Wh, bx, bh)
    assert len(values) == 15 and len({m.id for m, _ in values}) == 15
    for k, (_, a) in enumerate(values):
        assert all(rel_error(a, b) > DIFFERENT for _, b in values[k + 1:])
    matches = [m for m, v in values if rel_error(v, by_hand) < TOL_ROUNDING]
    assert len(matches) == 1
    assert misconception_ids(matches[0].tag()) == ["gru-gate-order-zrn", "gru-reset-before-product",
                                                  "gru-reversed-update"]
    assert "(1) it reads the packed blocks as z | r | n" in matches[0].explanation
