"""The lstm unit: what the grader and the tests know about it (format: autograder/units.py)."""

from gatedrnn.reference import LSTM_LAYOUT, LSTM_STEP_LAYOUT

from autograder.units import Case
from autograder.verify import CachedPair, PairsCheck

KIND = "function"
SIGNATURES = {
    "lstm_step_forward": ["x", "h_prev", "c_prev", "Wx", "Wh", "b"],
    "lstm_step_backward": ["dh_next", "dc_next", "cache"],
    "lstm_forward": ["x", "h0", "c0", "Wx", "Wh", "b"],
    "lstm_backward": ["dh", "cache"],
}
WORTH_MORE = [("lstm_step_backward", "lstm_step_forward"), ("lstm_backward", "lstm_forward")]
CHECK = PairsCheck([
    CachedPair("lstm_step_forward", "lstm_step_backward", LSTM_STEP_LAYOUT, ("h_next", "c_next"),
               {"dh_next": "N H", "dc_next": "N H"}, ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"),
               "lstm_step_reference"),
    CachedPair("lstm_forward", "lstm_backward", LSTM_LAYOUT, ("h",), {"dh": "N T H"},
               ("dx", "dh0", "dc0", "dWx", "dWh", "db"), "lstm_reference"),
])
GATE_ORDER_IFOG = "packed in the order i, f, o, g (as in the cs231n assignments)"
CASES = {
    # No submission but gate_order_ifog hits a misconception (misconceptions=[] says so).
    "stub": Case(feedback=["lstm_step_forward is not implemented yet"], misconceptions=[]),
    "full": Case(misconceptions=[]),
    # Forgets the cell-state gradient that flows back from later steps: only lstm_backward is wrong.
    "wrong_backward": Case(
        edits=[("lstm_backward", "dh[:, t, :] + dh_from_later, dc_from_later,",
                "dh[:, t, :] + dh_from_later, 0 * dc_from_later,")],
        lost={"lstm_backward": 3}, feedback=["Score: 7.0 / 10.0"], passed=3, misconceptions=[],
        summary=["lstm_backward 0 / 3 \u2717 dx is wrong (relative error"]),
    # Forgets the path from h_next into c_next: lstm_step_backward is wrong, and so is lstm_backward.
    "wrong_step_backward": Case(
        edits=[("lstm_step_backward", "dc_total = dc_next + dh_next * o * (1.0 - tanh_c_next * tanh_c_next)",
                "dc_total = dc_next + 0 * dh_next")],
        lost={"lstm_step_backward": 3, "lstm_backward": 3}, misconceptions=[]),
    # Correct, but prints to stderr and warns on every call: stderr is shown, but costs nothing.
    "noisy": Case(edits=[("lstm_step_forward", "    ### BEGIN SOLUTION", (
        "    import sys, warnings\n    print('debugging', file=sys.stderr)\n"
        "    warnings.warn('overflow encountered in exp', RuntimeWarning)\n    ### BEGIN SOLUTION"))],
        feedback=["debugging"], misconceptions=[]),
    # The gates sliced and packed as i | f | o | g, consistently in both passes: every function is
    # told, in plain words and with the identifier, what went wrong (not only "wrong values").
    "gate_order_ifog": Case(
        edits=[("lstm_step_forward", "a_i, a_f, a_g, a_o = np.split", "a_i, a_f, a_o, a_g = np.split"),
               ("lstm_step_backward", "[da_i, da_f, da_g, da_o]", "[da_i, da_f, da_o, da_g]")],
        lost={"lstm_step_forward": 2, "lstm_step_backward": 3, "lstm_forward": 2, "lstm_backward": 3},
        summary={GATE_ORDER_IFOG: 4, "This course packs them like PyTorch, i | f | g | o": 4, "relative error": 0},
        misconceptions=["lstm-gate-order-ifog"] * 4),
}
