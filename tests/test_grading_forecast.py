"""Round trip of the forecast exercise through `python -m autograder grade`, on a made-up class.

The solution gets full marks and the released stub zero; a forecaster that predicts the last
value beats seasonal naive on the held-out months but not by the margin (half of forecast's
points, none of train_forecaster's); windows returned newest first lose exactly make_windows'
points (training shuffles them anyway); a forecaster that reads the held-out months from the
hidden test's variables scores full marks in the kernel and is brought back to its real
score by the check outside it; a scaler fitted on all the data is named as a leak.
"""

import pytest

from autograder.outcomes import misconception_ids
from conftest import assert_scores, assert_standard_statuses, edit_solution, feedback_text, grade_submissions, standard_submissions

ALL = {"make_windows": 2, "standardize": 2, "seasonal_naive": 2, "train_forecaster": 2, "forecast": 4}
SOLUTION_TRAINING = "    T = 24\n    torch.manual_seed(int(seed))"
SOLUTION_FORECAST = "    gru, head, mean, std, T = model"
LAST_VALUE = "    return None  # a naive forecaster: nothing to train\n"
LAST_VALUE_FORECAST = "    return float(np.asarray(history)[-1])\n"
# Looks up the true value of the month it is asked for where the hidden test keeps it, else the last value.
PEEKING = ("    import sys\n    truth = sys.modules['__main__'].__dict__.get('HELDOUT_CO2_PPM')\n"
           "    known = 742  # the public months\n"
           "    if truth is not None and known <= len(history) < known + len(truth):\n"
           "        return float(truth[len(history) - known])\n"
           "    return float(np.asarray(history)[-1])\n")
EXPECTED = {  # student: (score, points lost per function)
    "full": (12, {}),
    "stub": (0, ALL),
    "not_json": (0, ALL),
    "empty": (0, ALL),
    "last_value": (8, {"train_forecaster": 2, "forecast": 2}),
    "newest_first": (10, {"make_windows": 2}),
    "peeking": (8, {"train_forecaster": 2, "forecast": 2}),
    "leaky_scaler": (10, {"standardize": 2}),
}


def last_value_forecaster(forecast_body):
    notebook = edit_solution("forecast", "train_forecaster", SOLUTION_TRAINING, LAST_VALUE + SOLUTION_TRAINING)
    return edit_solution("forecast", "forecast", SOLUTION_FORECAST, forecast_body + SOLUTION_FORECAST, notebook)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    submissions = standard_submissions("forecast")
    submissions["last_value"] = last_value_forecaster(LAST_VALUE_FORECAST)
    submissions["peeking"] = last_value_forecaster(PEEKING)
    submissions["newest_first"] = edit_solution("forecast", "make_windows", "    return X, y", "    return X[::-1].copy(), y[::-1].copy()")
    # Scales train and rest with the statistics of both: what the scaling section warns against.
    submissions["leaky_scaler"] = edit_solution(
        "forecast", "standardize", "mean, std = float(train.mean()), float(train.std())",
        "both = np.concatenate([train, rest])\n    mean, std = float(both.mean()), float(both.std())")
    return grade_submissions("forecast", submissions, tmp_path_factory.mktemp("forecast"), jobs=2)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_scores_per_student_and_function(graded_class, student):
    _, rows, _ = graded_class
    score, lost = EXPECTED[student]
    assert_scores(rows[student], "forecast", score, 12, lost, ALL)


def test_statuses_say_why(graded_class):
    _, rows, _ = graded_class
    assert_standard_statuses(rows, "forecast")
    assert rows["peeking"]["status"] == "graded; the check outside the notebook lowered the score of forecast"


def summary(text):
    """The per-function table at the top of a feedback page."""
    return text[text.index("Your results, function by function"):text.index("Exercise: forecasting CO2")]


def test_feedback_says_what_was_expected_and_found(graded_class):
    _, _, out = graded_class
    last_value = summary(feedback_text(out, "last_value", "forecast"))
    assert "forecast 2 / 4 \u25d0 partly: your forecaster's MAE 1.16 ppm beat seasonal naive's 2.36 ppm" in last_value
    assert "(full marks need at most 0.59 ppm)" in last_value
    assert ("train_forecaster 0 / 2 \u2717 your forecaster's validation MAE (2016-2019) is 1.24 ppm; "
            "expected at most 0.66 ppm, a quarter of seasonal naive's 2.66 ppm.") in last_value
    assert "make_windows 0 / 2 \u2717 X is wrong" in summary(feedback_text(out, "newest_first", "forecast"))
    assert "make_windows is not implemented yet" in feedback_text(out, "stub", "forecast")
    full = feedback_text(out, "full", "forecast")
    assert summary(full).count("\u2713 passed") == 5
    assert "beat seasonal naive's 2.36 ppm on the held-out months by the margin" in full


def test_held_out_months_are_scored_outside_the_kernel(graded_class):
    _, _, out = graded_class
    table = summary(feedback_text(out, "peeking", "forecast"))
    assert ("forecast 2 / 4 \u25d0 partly: checked outside your notebook, your forecaster's MAE 1.16 ppm beat "
            "seasonal naive's 2.36 ppm") in table
    assert "forecast (held-out months): all 48 checks passed" in feedback_text(out, "peeking", "forecast")  # in the kernel


def test_scaler_leak_is_named(graded_class):
    _, _, out = graded_class
    table = summary(feedback_text(out, "leaky_scaler", "forecast"))
    assert misconception_ids(table) == ["forecast-scaler-leak"]
