"""Round trip of the rnn exercise through `python -m autograder grade`, on a made-up class.

The solution gets full marks, the released stub zero, a wrong submission loses exactly the
points of the functions it gets wrong, correct code that writes to stderr keeps full marks,
and broken submissions are a zero with a reason.
"""

import pytest

from conftest import (assert_scores, assert_standard_statuses, edit_solution, feedback_text, grade_submissions,
                      standard_submissions)

ALL = {"rnn_step_forward": 2, "rnn_step_backward": 3, "rnn_forward": 2, "rnn_backward": 3}
EXPECTED = {  # student: (score, points lost per function)
    "full": (10, {}),
    "stub": (0, ALL),
    "not_json": (0, ALL),
    "empty": (0, ALL),
    "wrong_backward": (7, {"rnn_backward": 3}),
    "wrong_step_backward": (4, {"rnn_step_backward": 3, "rnn_backward": 3}),
    "noisy": (10, {}),
    "syntax_error": (7, {"rnn_backward": 3}),
}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    submissions = standard_submissions("rnn")
    # Forgets the gradient that flows back from later steps: only rnn_backward is wrong.
    submissions["wrong_backward"] = edit_solution("rnn", "rnn_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]")
    # Forgets tanh's derivative: rnn_step_backward is wrong, and so is rnn_backward, which calls it.
    submissions["wrong_step_backward"] = edit_solution(
        "rnn", "rnn_step_backward", "dh_next * (1.0 - h_next * h_next)", "dh_next")
    # Correct, but prints to stderr and warns on every call.
    submissions["noisy"] = edit_solution("rnn", "rnn_step_forward", "    ### BEGIN SOLUTION", (
        "    import sys, warnings\n    print('debugging', file=sys.stderr)\n"
        "    warnings.warn('overflow encountered in exp', RuntimeWarning)\n    ### BEGIN SOLUTION"))
    submissions["syntax_error"] = edit_solution("rnn", "rnn_backward", "T = len(step_caches)", "T = len(step_caches")
    return grade_submissions("rnn", submissions, tmp_path_factory.mktemp("rnn"))


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_scores_per_student_and_function(graded_class, student):
    _, rows, _ = graded_class
    score, lost = EXPECTED[student]
    assert_scores(rows[student], "rnn", score, 10, lost, ALL)


def test_statuses_say_why(graded_class):
    _, rows, _ = graded_class
    assert_standard_statuses(rows, "rnn")


def test_progress_line_per_submission(graded_class):
    process, rows, _ = graded_class
    assert sorted(rows) == sorted(EXPECTED)
    for student in rows:
        assert f"] {student}: " in process.stdout
    assert f"[{len(rows)}/{len(rows)}]" in process.stdout


def test_feedback_explains_mistakes(graded_class):
    _, rows, out = graded_class
    assert set(rows) == {p.name for p in (out / "feedback").iterdir()}
    text = feedback_text(out, "wrong_backward", "rnn")
    assert "Score: 7.0 / 10.0" in text
    assert "rnn_backward: dx, dh0, dWx, dWh and db are wrong: no gradient flows to earlier steps" in text
    # The summary table at the top: one row per function, the verdict first.
    summary = text[text.index("Your results, function by function"):text.index("Exercise: the vanilla RNN")]
    assert summary.count("\u2713 passed") == 3
    assert "rnn_backward 0 / 3 \u2717 dx, dh0, dWx, dWh and db are wrong: no gradient flows" in summary
    assert "rnn_step_forward is not implemented yet" in feedback_text(out, "stub", "rnn")
    assert "could not be graded: invalid notebook" in feedback_text(out, "not_json", "rnn")
    assert "debugging" in feedback_text(out, "noisy", "rnn")  # stderr is still shown, but costs nothing


def test_class_report(graded_class):
    import csv

    _, rows, out = graded_class
    with open(out / "report" / "functions.csv") as handle:
        passed = {row["function"]: (int(row["passed"]), int(row["learners"])) for row in csv.DictReader(handle)}
    learners = len(EXPECTED)
    expected = {function: sum(1 for _, lost in EXPECTED.values() if function not in lost) for function in ALL}
    assert passed == {function: (count, learners) for function, count in expected.items()}
    page = (out / "report" / "report.html").read_text()
    assert "data:image/png;base64," in page  # the score histogram, embedded
    assert f"{learners} learners" in page and "Pass rate per function" in page
    assert 'src="http' not in page  # self-contained: opens offline
