"""The diagnoses of gatedrnn.testing and gatedrnn.bptt_variants, checked directly (fast; no grading run).

tests/test_feedback_diagnosis.py checks the same through `python -m autograder grade`.
"""

import numpy as np
import pytest

from autograder.outcomes import misconception_ids
from gatedrnn.bptt_variants import truncated_bptt_gradients, truncated_bptt_values
from gatedrnn.reference import (gru_reference, gru_step_reference, lstm_reference, lstm_step_reference,
                                rnn_reference, rnn_step_reference)
from gatedrnn.testing import (TOL_FLOAT32, TOL_FLOAT64, CheckFailed, FunctionChecks, random_arrays,
                              saturating_arrays)

GRU_GRADIENTS = ["dx", "dh0", "dWx", "dWh", "dbx", "dbh"]


def gru_case(seed, N=2, T=4, D=3, H=5):
    *inputs, dh = random_arrays(np.random.default_rng(seed), [(N, T, D), (N, H), (D, 3 * H), (H, 3 * H), (3 * H,),
                                                              (3 * H,), (N, T, H)])
    return inputs, dh, gru_reference(*inputs, dh)[1]


def failure_of(names, found, expected, **options):
    with pytest.raises(CheckFailed) as failure:
        FunctionChecks("f").all_close(names, found, expected, TOL_FLOAT64, **options)
    return str(failure.value)


def test_full_depth_truncation_is_the_exact_gradient():
    inputs, dh, expected = gru_case(1)
    full = truncated_bptt_gradients(gru_reference, gru_step_reference, inputs, dh, depth=4)
    assert all(np.allclose(full[k], expected[k], rtol=1e-12, atol=1e-12) for k in expected)


@pytest.mark.parametrize("depth, identifier", [(1, "bptt-no-carry"), (2, "bptt-truncated"), (3, "bptt-truncated")])
def test_bptt_stopped_early_is_named(depth, identifier):
    inputs, dh, expected = gru_case(2)
    short = truncated_bptt_gradients(gru_reference, gru_step_reference, inputs, dh, depth)
    message = failure_of(GRU_GRADIENTS, [short[k] for k in GRU_GRADIENTS], expected,
                         misconceptions=truncated_bptt_values(gru_reference, gru_step_reference, inputs, dh))
    assert misconception_ids(message) == [identifier]
    assert ("no gradient flows to earlier steps" if depth == 1 else f"truncated to {depth} steps") in message


def test_rnn_and_lstm_bptt_without_carry_by_hand():
    """No carry written out with the step references: each step gets dh[:, t] only."""
    rng = np.random.default_rng(3)
    for reference, step, states, gates in [(rnn_reference, rnn_step_reference, 1, 1),
                                          (lstm_reference, lstm_step_reference, 2, 4)]:
        N, T, D, H = 2, 3, 3, 4
        shapes = [(N, T, D)] + [(N, H)] * states + [(D, gates * H), (H, gates * H), (gates * H,)]
        *inputs, dh = random_arrays(rng, shapes + [(N, T, H)])
        x, params = inputs[0], inputs[1 + states:]
        state, by_hand = tuple(inputs[1:1 + states]), None
        for t in range(T):
            *new_state, grads = step(x[:, t], *state, *params, dh[:, t])
            by_hand = grads if by_hand is None else {k: by_hand[k] + grads[k] for k in grads}
            state = tuple(new_state)
        found = truncated_bptt_gradients(reference, step, inputs, dh, 1, states)
        for key in [k for k in found if k not in ("dx", "dh0", "dc0")]:
            assert np.allclose(found[key], by_hand[key], rtol=1e-12, atol=1e-12), key


@pytest.mark.parametrize("factor, identifier, words", [
    (1 / 2, "grad-averaged-over-batch", "divided by N = 2"),
    (1 / 4, "grad-averaged-over-time", "divided by T = 4"),
    (2.0, "grad-factor-of-two", "times 2"),
])
def test_scaled_gradients_are_named_together(factor, identifier, words):
    _, _, expected = gru_case(4)
    found = [expected[k] * (factor if k in ("dWx", "dWh") else 1.0) for k in GRU_GRADIENTS]
    message = failure_of(GRU_GRADIENTS, found, expected)
    assert message.startswith("f: dWx and dWh are wrong: each is the right gradient") and words in message
    assert misconception_ids(message) == [identifier]


def test_every_wrong_gradient_is_named_not_only_the_first():
    _, _, expected = gru_case(5)
    found = [expected[k] + (0.3 if k in ("dx", "dbh") else 0.0) for k in GRU_GRADIENTS]
    message = failure_of(GRU_GRADIENTS, found, expected)
    assert message.startswith("f: dx is wrong (relative error") and " Also: dbh is wrong (relative error" in message
    assert "dWx" not in message


def test_lost_precision_is_told_apart_from_a_bug_in_float32():
    expected = np.array([0.611106123456789, -0.25])
    check = FunctionChecks("f")
    check.call(lambda a: a, np.zeros(2))  # the inputs were float64
    with pytest.raises(CheckFailed) as failure:
        check.close("h", expected.astype(np.float32), expected, TOL_FLOAT64)
    message = str(failure.value)
    assert "expected 0.61110612, found 0.6111061." in message  # 6 digits would show 0.611106 twice
    assert "It has dtype float32 but the inputs were float64" in message
    assert misconception_ids(message) == ["precision-lost"]
    with pytest.raises(CheckFailed) as failure:  # wrong by far more than rounding: a bug, dtype mentioned
        check.close("h", (expected + 0.1).astype(np.float32), expected, TOL_FLOAT64)
    assert not misconception_ids(str(failure.value)) and "(Also, it has dtype float32" in str(failure.value)
    check.call(lambda a: a, np.zeros(2, dtype=np.float32))  # float32 inputs: float32 results are right
    check.close("h", expected.astype(np.float32), expected, TOL_FLOAT32)


def test_saturating_inputs_overflow_an_exponential_tanh_in_every_block():
    def naive_tanh(a):
        with np.errstate(over="ignore", invalid="ignore"):
            return (np.exp(a) - np.exp(-a)) / (np.exp(a) + np.exp(-a))

    for seed in range(50):
        x, h, Wx, *_ = saturating_arrays(np.random.default_rng(seed), [(5, 5), (5, 4), (5, 12), (4, 12), (12,), (12,)])
        assert sorted(np.unique(x)) == list(range(25))
        for block in range(3):
            assert np.isnan(naive_tanh(x @ Wx[:, 4 * block:4 * (block + 1)])).any()
    message = None
    check = FunctionChecks("f")
    check.call(lambda a: a, x)
    with pytest.raises(CheckFailed) as failure:
        check.close("h", naive_tanh(x @ Wx), np.tanh(x @ Wx), TOL_FLOAT64)
    message = str(failure.value)
    assert "contains nan" in message and misconception_ids(message) == ["activation-overflow"]
