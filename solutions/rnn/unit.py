"""The rnn unit: what the grader and the tests know about it (format: autograder/units.py)."""

from gatedrnn.reference import RNN_LAYOUT, RNN_STEP_LAYOUT

from autograder.units import Case
from autograder.verify import CachedPair, PairsCheck

KIND = "function"
SIGNATURES = {
    "rnn_step_forward": ["x", "h_prev", "Wx", "Wh", "b"],
    "rnn_step_backward": ["dh_next", "cache"],
    "rnn_forward": ["x", "h0", "Wx", "Wh", "b"],
    "rnn_backward": ["dh", "cache"],
}
WORTH_MORE = [("rnn_step_backward", "rnn_step_forward"), ("rnn_backward", "rnn_forward")]
CHECK = PairsCheck([
    CachedPair("rnn_step_forward", "rnn_step_backward", RNN_STEP_LAYOUT, ("h_next",), {"dh_next": "N H"},
               ("dx", "dh_prev", "dWx", "dWh", "db"), "rnn_step_reference"),
    CachedPair("rnn_forward", "rnn_backward", RNN_LAYOUT, ("h",), {"dh": "N T H"},
               ("dx", "dh0", "dWx", "dWh", "db"), "rnn_reference"),
])
CASES = {
    "stub": Case(feedback=["rnn_step_forward is not implemented yet"]),
    # Forgets the gradient that flows back from later steps: only rnn_backward is wrong.
    "wrong_backward": Case(
        edits=[("rnn_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]")], lost={"rnn_backward": 3},
        feedback=["Score: 7.0 / 10.0", "rnn_backward: dx, dh0, dWx, dWh and db are wrong: no gradient flows"],
        passed=3, summary=["rnn_backward 0 / 3 \u2717 dx, dh0, dWx, dWh and db are wrong: no gradient flows"],
        misconceptions=["bptt-no-carry"]),
    # Forgets tanh's derivative: rnn_step_backward is wrong, and so is rnn_backward, which calls it.
    "wrong_step_backward": Case(
        edits=[("rnn_step_backward", "dh_next * (1.0 - h_next * h_next)", "dh_next")],
        lost={"rnn_step_backward": 3, "rnn_backward": 3}),
    # Correct, but prints to stderr and warns on every call: stderr is shown, but costs nothing.
    "noisy": Case(edits=[("rnn_step_forward", "    ### BEGIN SOLUTION", (
        "    import sys, warnings\n    print('debugging', file=sys.stderr)\n"
        "    warnings.warn('overflow encountered in exp', RuntimeWarning)\n    ### BEGIN SOLUTION"))],
        feedback=["debugging"]),
    "syntax_error": Case(edits=[("rnn_backward", "T = len(step_caches)", "T = len(step_caches")],
                         lost={"rnn_backward": 3}),
}
