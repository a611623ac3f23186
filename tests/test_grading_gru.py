"""Round trip of the gru exercise through `python -m autograder grade`, on a made-up class.

The solution gets full marks, the released stub zero, a wrong submission loses exactly the
points of the functions it gets wrong, correct code that writes to stderr keeps full marks,
broken submissions are a zero with a reason, each of the four GRU misconceptions is named
with its identifier in the feedback, and the ungraded extension never costs a point.
"""

import pytest

from autograder.outcomes import misconception_ids
from conftest import (assert_scores, assert_standard_statuses, edit_solution, feedback_text, grade_submissions,
                      standard_submissions)

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
EXPECTED = {  # student: (score, points lost per function)
    "full": (12, {}),
    "stub": (0, ALL),
    "not_json": (0, ALL),
    "empty": (0, ALL),
    "wrong_backward": (8, {"gru_backward": 4}),
    "wrong_step_backward": (4, {"gru_step_backward": 4, "gru_backward": 4}),
    "noisy": (12, {}),
    "wrong_extension": (12, {}),
    # A wrong forward step fails every test: the sequence calls it and the backward tests use it.
    **{mistake: (0, ALL) for mistake in MISTAKES},
}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    submissions = standard_submissions("gru")
    # Forgets the gradient that flows back from later steps: only gru_backward is wrong.
    submissions["wrong_backward"] = edit_solution("gru", "gru_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]")
    # Forgets the direct path z * h_prev into dh_prev: the step backward is wrong, and so is gru_backward.
    submissions["wrong_step_backward"] = edit_solution("gru", "gru_step_backward", " + dh_next * z", "")
    # Correct, but prints to stderr and warns on every call.
    submissions["noisy"] = edit_solution("gru", "gru_step_forward", "    ### BEGIN SOLUTION", (
        "    import sys, warnings\n    print('debugging', file=sys.stderr)\n"
        "    warnings.warn('overflow encountered in exp', RuntimeWarning)\n    ### BEGIN SOLUTION"))
    # The extension resets after the product (the graded GRU's candidate): it is wrong, and costs nothing.
    submissions["wrong_extension"] = edit_solution("gru", "gru_step_forward_reset_before",
                                                   "(reset * h_prev) @ Wh[:, 2 * H:]", "reset * (h_prev @ Wh[:, 2 * H:])")
    for mistake, (old, new) in MISTAKES.items():
        submissions[mistake] = edit_solution("gru", "gru_step_forward", old, new)
    return grade_submissions("gru", submissions, tmp_path_factory.mktemp("gru"), jobs=2)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_scores_per_student_and_function(graded_class, student):
    _, rows, _ = graded_class
    score, lost = EXPECTED[student]
    assert_scores(rows[student], "gru", score, 12, lost, ALL)


def test_statuses_say_why(graded_class):
    _, rows, _ = graded_class
    assert_standard_statuses(rows, "gru")


def summary(text):
    """The per-function table at the top of a feedback page."""
    return text[text.index("Your results, function by function"):text.index("Exercise: the GRU")]


def test_feedback_explains_mistakes(graded_class):
    _, rows, out = graded_class
    assert set(rows) == {p.name for p in (out / "feedback").iterdir()}
    text = feedback_text(out, "wrong_backward", "gru")
    assert "Score: 8.0 / 12.0" in text
    assert summary(text).count("\u2713 passed") == 3
    assert "gru_backward 0 / 4 \u2717 dx, dh0, dWx, dWh, dbx and dbh are wrong: no gradient flows" in summary(text)
    assert "gru_step_forward is not implemented yet" in feedback_text(out, "stub", "gru")
    assert "could not be graded: invalid notebook" in feedback_text(out, "not_json", "gru")
    assert "debugging" in feedback_text(out, "noisy", "gru")  # stderr is still shown, but costs nothing
    assert set(misconception_ids(feedback_text(out, "wrong_backward", "gru"))) == {"bptt-no-carry"}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_feedback_names_each_misconception_with_its_identifier(graded_class, mistake):
    _, _, out = graded_class
    table = summary(feedback_text(out, mistake, "gru"))
    row = table[table.index("gru_step_forward 0 / 2"):table.index("gru_step_backward")]
    assert "h_next is wrong: your values are those of" in row
    assert misconception_ids(row) == [mistake]
    # The sequence's test recognises it too, since gru_forward calls the learner's step.
    assert misconception_ids(table[table.index("gru_forward 0 / 2"):table.index("gru_backward")]) == [mistake]


def test_extension_reports_but_never_scores(graded_class):
    _, _, out = graded_class
    assert "\u2713 gru_step_forward_reset_before: all 3 checks passed (ungraded extension" in feedback_text(
        out, "full", "gru")
    wrong = feedback_text(out, "wrong_extension", "gru")
    assert "\u2717 gru_step_forward_reset_before: h_next is wrong (relative error" in wrong
    assert "gru_step_forward_reset_before is not implemented yet" in feedback_text(out, "stub", "gru")
