"""The learner-facing checks of gatedrnn.testing."""

import numpy as np
import pytest


def test_close_names_a_recognised_misconception():
    from autograder.outcomes import misconception_ids
    from gatedrnn.testing import CheckFailed, FunctionChecks, Misconception

    expected = np.tanh(np.linspace(-1, 1, 6))
    sigmoid = 1 / (1 + np.exp(-np.linspace(-1, 1, 6)))
    wrong_gate = Misconception("demo-sigmoid-candidate", "the candidate looks like a sigmoid; use tanh.")
    check = FunctionChecks("demo")
    check.close("n", expected.copy(), expected, 1e-9, misconceptions=[(wrong_gate, sigmoid)])
    with pytest.raises(CheckFailed) as failure:
        check.close("n", sigmoid, expected, 1e-9, misconceptions=[(wrong_gate, sigmoid)])
    assert "use tanh" in str(failure.value)
    assert misconception_ids(str(failure.value)) == ["demo-sigmoid-candidate"]
    with pytest.raises(CheckFailed) as failure:  # other wrong values: the generic message
        check.close("n", -expected, expected, 1e-9, misconceptions=[(wrong_gate, sigmoid)])
    assert "relative error" in str(failure.value) and not misconception_ids(str(failure.value))


def test_close_tolerates_rounding_next_to_order_one_terms_but_not_bugs():
    """float32 cancellation: a = x*w + h*u + b can be ~1e-4 although its terms are ~0.25.
    Its relative error is then large, but small next to the terms; a real bug is not."""
    from gatedrnn.testing import TOL_FLOAT32, CheckFailed, FunctionChecks

    check = FunctionChecks("demo")
    expected = np.array([[-7.36945e-05]])
    check.close("h", np.array([[-7.369e-05]], dtype=np.float32), expected, TOL_FLOAT32)
    with pytest.raises(CheckFailed, match="h is wrong"):
        check.close("h", np.array([[7.369e-05]], dtype=np.float32) * 100, expected, TOL_FLOAT32)
    with pytest.raises(CheckFailed, match="h is wrong"):  # a sign error on an order-1 value
        check.close("h", np.array([[0.3]]), np.array([[-0.3]]), TOL_FLOAT32)


def test_all_close_passes_each_output_its_own_misconception_value():
    from autograder.outcomes import misconception_ids
    from gatedrnn.testing import CheckFailed, FunctionChecks, Misconception

    expected = {"h": np.linspace(0, 1, 4), "c": np.linspace(1, 2, 4)}
    swapped = {"h": expected["h"][::-1], "c": expected["c"][::-1]}
    mistake = Misconception("demo-reversed", "the values are reversed.")
    check = FunctionChecks("demo")
    check.all_close(["h", "c"], (expected["h"], expected["c"]), expected, 1e-9, misconceptions=[(mistake, swapped)])
    with pytest.raises(CheckFailed) as failure:  # h right, c reversed: the c check names the mistake
        check.all_close(["h", "c"], (expected["h"], swapped["c"]), expected, 1e-9, "case 1",
                        [(mistake, swapped)])
    assert str(failure.value).startswith("demo: c (case 1) is wrong: the values are reversed.")
    assert misconception_ids(str(failure.value)) == ["demo-reversed"]
