"""The gru unit: what the grader and the tests know about it (format: autograder/units.py)."""

from gatedrnn.reference import GRU_LAYOUT, GRU_STEP_LAYOUT

from autograder.units import Case
from autograder.verify import CachedPair, PairsCheck

KIND = "function"
SIGNATURES = {
    "gru_step_forward": ["x", "h_prev", "Wx", "Wh", "bx", "bh"],
    "gru_step_backward": ["dh_next", "cache"],
    "gru_forward": ["x", "h0", "Wx", "Wh", "bx", "bh"],
    "gru_backward": ["dh", "cache"],
}
# Ungraded: a solution cell (stripped in the release like the others), no test cell, no points;
# its check cell prints a result instead of failing.
EXTENSIONS = {"gru_step_forward_reset_before": ["x", "h_prev", "Wx", "Wh", "bx", "bh"]}
WORTH_MORE = [("gru_step_backward", "gru_step_forward"), ("gru_backward", "gru_forward")]
CHECK = PairsCheck([
    CachedPair("gru_step_forward", "gru_step_backward", GRU_STEP_LAYOUT, ("h_next",), {"dh_next": "N H"},
               ("dx", "dh_prev", "dWx", "dWh", "dbx", "dbh"), "gru_step_reference"),
    CachedPair("gru_forward", "gru_backward", GRU_LAYOUT, ("h",), {"dh": "N T H"},
               ("dx", "dh0", "dWx", "dWh", "dbx", "dbh"), "gru_reference"),
])
ALL = {"gru_step_forward": 2, "gru_step_backward": 4, "gru_forward": 2, "gru_backward": 4}
RESET_AND_UPDATE = ("r = sigmoid(a_x[:, :H] + a_h[:, :H])  # (N, H) reset gate\n"
                    "    z = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])")
# The mistakes of the exercise's forward step: (solution text, wrong text).
MISTAKES = {
    "gru-sigmoid-candidate": ("n = np.tanh(", "n = sigmoid("),
    "gru-reversed-update": ("h_next = (1.0 - z) * n + z * h_prev", "h_next = (1.0 - z) * h_prev + z * n"),
    "gru-reset-before-product": ("r * a_h[:, 2 * H:]", "(r * h_prev) @ Wh[:, 2 * H:] + bh[2 * H:]"),
    "gru-gate-order-zrn": (RESET_AND_UPDATE, "z = sigmoid(a_x[:, :H] + a_h[:, :H])\n"
                                             "    r = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])"),
}
CASES = {
    "full": Case(feedback=["\u2713 gru_step_forward_reset_before: all 3 checks passed (ungraded extension"]),
    "stub": Case(feedback=["gru_step_forward is not implemented yet",
                           "gru_step_forward_reset_before is not implemented yet"]),
    # Forgets the gradient that flows back from later steps: only gru_backward is wrong.
    "wrong_backward": Case(edits=[("gru_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]")],
                           lost={"gru_backward": 4}, feedback=["Score: 8.0 / 12.0"], passed=3,
                           summary=["gru_backward 0 / 4 \u2717 dx, dh0, dWx, dWh, dbx and dbh are wrong: "
                                    "no gradient flows to earlier steps"], misconceptions=["bptt-no-carry"]),
    # Forgets the direct path z * h_prev into dh_prev: the step backward is wrong, and so is gru_backward.
    "wrong_step_backward": Case(edits=[("gru_step_backward", " + dh_next * z", "")],
                                lost={"gru_step_backward": 4, "gru_backward": 4}),
    # Correct, but prints to stderr and warns on every call: stderr is shown, but costs nothing.
    "noisy": Case(edits=[("gru_step_forward", "    ### BEGIN SOLUTION", (
        "    import sys, warnings\n    print('debugging', file=sys.stderr)\n"
        "    warnings.warn('overflow encountered in exp', RuntimeWarning)\n    ### BEGIN SOLUTION"))],
        feedback=["debugging"]),
    # The extension resets after the product (the graded GRU's candidate): it is wrong, and costs nothing.
    "wrong_extension": Case(edits=[("gru_step_forward_reset_before", "(reset * h_prev) @ Wh[:, 2 * H:]",
                                    "reset * (h_prev @ Wh[:, 2 * H:])")],
                            feedback=["\u2717 gru_step_forward_reset_before: h_next is wrong (relative error"]),
    # A wrong forward step fails every test (the sequence calls it, the backward tests use it); its
    # row, and the sequence's (which calls the learner's step), name the misconception.
    **{mistake: Case(edits=[("gru_step_forward", old, new)], lost=ALL,
                     rows={"gru_step_forward": ["h_next is wrong: your values are those of"]},
                     row_misconceptions={"gru_step_forward": [mistake], "gru_forward": [mistake]})
       for mistake, (old, new) in MISTAKES.items()},
}
