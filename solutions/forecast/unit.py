"""The forecast unit: what the grader and the tests know about it (format: autograder/units.py)."""

from autograder.units import Case
from autograder.verify import WITH_TORCH, ExactCheck, ExactFunction, ForecasterCheck

KIND = "function"
SIGNATURES = {
    "make_windows": ["series", "T"],
    "standardize": ["train", "rest"],
    "seasonal_naive": ["history", "horizon", "season"],
    "train_forecaster": ["series", "seed"],
    "forecast": ["model", "history"],
}
WORTH_MORE = [("forecast", "train_forecaster")]  # the held-out score is the exercise's goal


def _make_windows_cases(rng):
    return [[400.0 + rng.standard_normal(M), T] for M, T in [(2, 1), (int(rng.integers(15, 40)), int(rng.integers(1, 13)))]]


def _standardize_cases(rng):
    cases = []
    for M1, M2 in [(2, 1), (int(rng.integers(10, 40)), int(rng.integers(1, 15)))]:
        train = 350.0 + 10.0 * rng.standard_normal(M1)
        cases.append([train, train.max() + 5.0 + rng.random(M2)])
    return cases


def _seasonal_naive_cases(rng):
    return [[400.0 + rng.standard_normal(M), horizon, season]
            for M, horizon, season in [(5, 7, 2), (int(rng.integers(24, 50)), int(rng.integers(1, 30)), 12)]]


# The exact functions equal gatedrnn.worked.forecasting's on fresh series; the forecaster is trained in
# the sandbox and scored here on the held-out months (which never enter the sandbox).
CHECK = ExactCheck("gatedrnn.worked.forecasting", [
    ExactFunction("make_windows", ("X", "y"), _make_windows_cases),
    ExactFunction("standardize", ("train_z", "rest_z", "mean", "std"), _standardize_cases),
    ExactFunction("seasonal_naive", ("forecast",), _seasonal_naive_cases),
], then=ForecasterCheck("forecast"), packages=WITH_TORCH,
    where={"en": "in a fresh process with NumPy and PyTorch but not the course's package",
           "ja": "NumPy と PyTorch はあるがコースのパッケージはない新しいプロセスで"},
    rule={"en": "Your functions must compute their results themselves, without the course's helpers or changes to the "
                "tests.",
          "ja": "関数は、コースの補助関数を使わず、テストも変更せずに、自ら結果を計算しなければならない。"})

SOLUTION_TRAINING = "    T = 24\n    torch.manual_seed(int(seed))"
SOLUTION_FORECAST = "    gru, head, mean, std, T = model"
LAST_VALUE = [("train_forecaster", SOLUTION_TRAINING, "    return None  # a naive forecaster: nothing to train\n"
               + SOLUTION_TRAINING)]
# Looks up the true value of the month it is asked for where the hidden test keeps it, else the last value.
PEEKING = ("    import sys\n    truth = sys.modules['__main__'].__dict__.get('HELDOUT_CO2_PPM')\n"
           "    known = 742  # the public months\n"
           "    if truth is not None and known <= len(history) < known + len(truth):\n"
           "        return float(truth[len(history) - known])\n"
           "    return float(np.asarray(history)[-1])\n")
CASES = {
    "stub": Case(feedback=["make_windows is not implemented yet"]),
    "full": Case(passed=5, feedback=["beat seasonal naive's 2.36 ppm on the held-out months by the margin"]),
    # Predicts the last value: beats seasonal naive on the held-out months but not by the margin
    # (half of forecast's points, none of train_forecaster's).
    "last_value": Case(
        edits=LAST_VALUE + [("forecast", SOLUTION_FORECAST, "    return float(np.asarray(history)[-1])\n"
                             + SOLUTION_FORECAST)],
        lost={"train_forecaster": 2, "forecast": 2},
        summary=["forecast 2 / 4 \u25d0 partly: your forecaster's MAE 1.16 ppm beat seasonal naive's 2.36 ppm",
                 "(full marks need at most 0.59 ppm)",
                 "train_forecaster 0 / 2 \u2717 your forecaster's validation MAE (2016-2019) is 1.24 ppm; "
                 "expected at most 0.66 ppm, a quarter of seasonal naive's 2.66 ppm."]),
    # Windows returned newest first (training shuffles them anyway): only make_windows is wrong.
    "newest_first": Case(edits=[("make_windows", "    return X, y", "    return X[::-1].copy(), y[::-1].copy()")],
                         lost={"make_windows": 2}, summary=["make_windows 0 / 2 \u2717 X is wrong"]),
    # Reads the held-out months from the hidden test's variables: full marks in the kernel, brought
    # back to its real score by the check outside it.
    "peeking": Case(
        edits=LAST_VALUE + [("forecast", SOLUTION_FORECAST, PEEKING + SOLUTION_FORECAST)],
        lost={"train_forecaster": 2, "forecast": 2},
        status="graded; the check outside the notebook lowered the score of forecast",
        summary=["forecast 2 / 4 \u25d0 partly: checked outside your notebook, your forecaster's MAE 1.16 ppm "
                 "beat seasonal naive's 2.36 ppm"],
        feedback=["forecast (held-out months): all 48 checks passed"]),  # in the kernel
    # Scales train and rest with the statistics of both: named as a leak.
    "leaky_scaler": Case(
        edits=[("standardize", "mean, std = float(train.mean()), float(train.std())",
                "both = np.concatenate([train, rest])\n    mean, std = float(both.mean()), float(both.std())")],
        lost={"standardize": 2}, misconceptions=["forecast-scaler-leak"]),
}
