"""Round trip of the lstm exercise through `python -m autograder grade`, on a made-up class.

The solution gets full marks, the released stub zero, a wrong submission loses exactly the
points of the functions it gets wrong, correct code that writes to stderr keeps full marks,
broken submissions are a zero with a reason, and a learner who packed the gates in cs231n's
order i, f, o, g is told so, with the misconception's identifier.
"""

import pytest

from autograder.outcomes import misconception_ids
from conftest import (assert_scores, assert_standard_statuses, edit_solution, feedback_text, grade_submissions,
                      standard_submissions)

ALL = {"lstm_step_forward": 2, "lstm_step_backward": 3, "lstm_forward": 2, "lstm_backward": 3}
EXPECTED = {  # student: (score, points lost per function)
    "full": (10, {}),
    "stub": (0, ALL),
    "not_json": (0, ALL),
    "empty": (0, ALL),
    "wrong_backward": (7, {"lstm_backward": 3}),
    "wrong_step_backward": (4, {"lstm_step_backward": 3, "lstm_backward": 3}),
    "noisy": (10, {}),
    "gate_order_ifog": (0, ALL),
}


def packed_ifog():
    """The solution with the gates sliced and packed as i | f | o | g, consistently in both passes."""
    notebook = edit_solution("lstm", "lstm_step_forward", "a_i, a_f, a_g, a_o = np.split", "a_i, a_f, a_o, a_g = np.split")
    return edit_solution("lstm", "lstm_step_backward", "[da_i, da_f, da_g, da_o]", "[da_i, da_f, da_o, da_g]",
                         notebook=notebook)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    submissions = standard_submissions("lstm")
    # Forgets the cell-state gradient that flows back from later steps: only lstm_backward is wrong.
    submissions["wrong_backward"] = edit_solution(
        "lstm", "lstm_backward", "dh[:, t, :] + dh_from_later, dc_from_later,", "dh[:, t, :] + dh_from_later, 0 * dc_from_later,")
    # Forgets the path from h_next into c_next: lstm_step_backward is wrong, and so is lstm_backward.
    submissions["wrong_step_backward"] = edit_solution(
        "lstm", "lstm_step_backward", "dc_total = dc_next + dh_next * o * (1.0 - tanh_c_next * tanh_c_next)",
        "dc_total = dc_next + 0 * dh_next")
    # Correct, but prints to stderr and warns on every call.
    submissions["noisy"] = edit_solution("lstm", "lstm_step_forward", "    ### BEGIN SOLUTION", (
        "    import sys, warnings\n    print('debugging', file=sys.stderr)\n"
        "    warnings.warn('overflow encountered in exp', RuntimeWarning)\n    ### BEGIN SOLUTION"))
    submissions["gate_order_ifog"] = packed_ifog()
    return grade_submissions("lstm", submissions, tmp_path_factory.mktemp("lstm"))


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_scores_per_student_and_function(graded_class, student):
    _, rows, _ = graded_class
    score, lost = EXPECTED[student]
    assert_scores(rows[student], "lstm", score, 10, lost, ALL)


def test_statuses_say_why(graded_class):
    _, rows, _ = graded_class
    assert_standard_statuses(rows, "lstm")


def test_feedback_explains_mistakes(graded_class):
    _, rows, out = graded_class
    assert set(rows) == {p.name for p in (out / "feedback").iterdir()}
    text = feedback_text(out, "wrong_backward", "lstm")
    assert "Score: 7.0 / 10.0" in text
    summary = text[text.index("Your results, function by function"):text.index("Exercise: the LSTM")]
    assert summary.count("\u2713 passed") == 3
    assert "lstm_backward 0 / 3 \u2717 dx is wrong (relative error" in summary
    assert "lstm_step_forward is not implemented yet" in feedback_text(out, "stub", "lstm")
    assert "debugging" in feedback_text(out, "noisy", "lstm")  # stderr is still shown, but costs nothing


def test_feedback_names_the_gate_order_mistake(graded_class):
    _, _, out = graded_class
    text = feedback_text(out, "gate_order_ifog", "lstm")
    summary = text[text.index("Your results, function by function"):text.index("Exercise: the LSTM")]
    # Every function is told, in plain words and with the identifier, what went wrong.
    assert summary.count("packed in the order i, f, o, g (as in the cs231n assignments)") == 4
    assert summary.count("This course packs them like PyTorch, i | f | g | o") == 4
    assert misconception_ids(summary) == ["lstm-gate-order-ifog"] * 4
    assert "relative error" not in summary  # not only "wrong values"


def test_misconceptions_are_counted_for_the_class(graded_class):
    import csv

    _, rows, out = graded_class
    assert rows["gate_order_ifog"]["misconceptions"] == "lstm-gate-order-ifog"
    assert rows["full"]["misconceptions"] == ""
    with open(out / "report" / "misconceptions.csv") as handle:
        counted = {row["misconception"]: (int(row["learners"]), row["student_ids"]) for row in csv.DictReader(handle)}
    assert counted == {"lstm-gate-order-ifog": (1, "gate_order_ifog")}
    assert "lstm-gate-order-ifog" in (out / "report" / "report.html").read_text()
