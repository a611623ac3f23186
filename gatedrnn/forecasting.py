"""Forecasting a monthly series, the learner's kit part: the data, splits by time, metrics, scoring.

The exercise `forecast` imports this module in the learner's own Python (it is in the learner's
kit); the functions the exercise asks for (windows, scaling, the seasonal naive forecast, the
forecaster) are in gatedrnn.worked.forecasting, which the chapter and the grader use and the kit
leaves out. The autograder scores the exercise's held-out months with `rolling_forecasts` and
`forecast_points`, so the chapter, the hidden tests and the check outside the learner's notebook agree.

Conventions: a series is a 1-D float64 array of shape (M,), one value a month, oldest first.
Forecasts are one step ahead: the value of month t is predicted from the months before t.
"""

from pathlib import Path

import numpy as np

from .i18n import N_, tr
from .testing import Misconception

DATA_FILE = Path(__file__).with_name("data") / "co2_mauna_loa_monthly.csv"
SEASON = 12  # months in the seasonal cycle
VALIDATION_MONTHS = 48  # the exercise's validation part: January 2016 to December 2019
#: The MAE (ppm) of the seasonal naive one-step forecasts of the validation part from the months
#: before it: the exercise's visible test compares with it (tests/test_forecasting.py recomputes it).
SEASONAL_NAIVE_VALIDATION_MAE = 2.6593750000000007
MARGIN = 0.25  # full marks: a held-out MAE at most this fraction of seasonal naive's
TRAIN_SECONDS = 20.0  # what train_forecaster may take on the grader's CPU (one thread)


def load_co2():
    """The public part of the NOAA Mauna Loa monthly mean CO2 record (March 1958 to December 2019).

    Returns a tuple of:
    - months: the months, of shape (M,), dtype datetime64[M]
    - ppm: the monthly means in parts per million, of shape (M,), float64
    """
    lines = [line for line in DATA_FILE.read_text().splitlines() if line and not line.startswith("#")]
    rows = [line.split(",") for line in lines[1:]]  # the first line names the columns: year,month,average
    months = np.array([f"{int(year):04d}-{int(month):02d}" for year, month, _ in rows], dtype="datetime64[M]")
    return months, np.array([float(value) for _, _, value in rows])


def _series(name, values, minimum=1):
    """values as a 1-D float64 array of at least `minimum` finite values, else ValueError naming it."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size < minimum:
        raise ValueError(tr("{name} must be a 1-D series of at least {minimum} values, got shape {shape}", name=name,
                            minimum=minimum, shape=array.shape))
    if not np.isfinite(array).all():
        raise ValueError(tr("{name} contains values that are not finite", name=name))
    return array


def split_by_time(series, n_last):
    """Split a series into what came before and its last n_last values (no shuffling: no leakage).

    Inputs:
    - series: of shape (M,)
    - n_last: how many values go to the later part, 1 <= n_last < M

    Returns a tuple (earlier, later) of shapes (M - n_last,) and (n_last,).
    """
    series = _series("series", series, minimum=2)
    if not 1 <= int(n_last) < series.size:
        raise ValueError(tr("n_last must be between 1 and {largest}, got {n_last}", largest=series.size - 1,
                            n_last=n_last))
    return series[:-int(n_last)], series[-int(n_last):]


def rolling_forecasts(predict_next, history, future):
    """One-step-ahead forecasts of every month of `future`, each from all the months before it.

    predict_next(series) must return the next value (a number, or an array of one); it is called with history,
    then history plus future[:1], and so on, in time order, so it never sees the value it predicts.

    Inputs:
    - predict_next: callable, series of shape (M + t,) -> float
    - history: of shape (M,)
    - future: of shape (F,)

    Returns the forecasts, of shape (F,).
    """
    history, future = _series("history", history), _series("future", future)
    series = np.concatenate([history, future])
    return np.array([np.asarray(predict_next(series[:history.size + t].copy()), dtype=np.float64).item()
                     for t in range(future.size)])


def mae(y_true, y_pred):
    """Mean absolute error of two arrays of the same shape; a float in the data's unit."""
    return float(np.mean(np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))))


def rmse(y_true, y_pred):
    """Root mean squared error of two arrays of the same shape; a float in the data's unit."""
    return float(np.sqrt(np.mean((np.asarray(y_true, float) - np.asarray(y_pred, float)) ** 2)))


def mase(y_true, y_pred, train, season=SEASON):
    """Mean absolute scaled error: MAE divided by the in-sample MAE of the seasonal naive forecast.

    Below 1: better than the seasonal naive forecast was on the training part.
    """
    train = _series("train", train, minimum=season + 1)
    return mae(y_true, y_pred) / mae(train[season:], train[:-season])


def forecast_points(model_mae, naive_mae, points):
    """The held-out score of a forecaster, with the sentence that explains it.

    All `points` for an MAE at most MARGIN times seasonal naive's, half of them for any MAE
    below seasonal naive's, none otherwise. Returns (points earned, explanation).
    """
    target = MARGIN * naive_mae
    numbers = {"found": model_mae, "naive": naive_mae}
    if not np.isfinite(model_mae) or model_mae >= naive_mae:
        return 0.0, tr("your forecaster's MAE {found:.2f} ppm did not beat seasonal naive's {naive:.2f} ppm on the "
                       "held-out months.", **numbers)
    if model_mae > target:
        return points / 2, tr("your forecaster's MAE {found:.2f} ppm beat seasonal naive's {naive:.2f} ppm on the "
                              "held-out months, but not by the margin (full marks need at most {target:.2f} ppm): "
                              "{earned:g} of {points:g} points.", target=target, earned=points / 2, points=points,
                              **numbers)
    return float(points), tr("your forecaster's MAE {found:.2f} ppm beat seasonal naive's {naive:.2f} ppm on the "
                             "held-out months by the margin (at most {target:.2f} ppm).", target=target, **numbers)


# -- the exercise's messages (its test cells show them, in the learner's language) ---------------

#: standardize's mistake: scaling with statistics that include the later part.
SCALER_LEAK = Misconception(
    "forecast-scaler-leak",
    tr.later(N_("the mean and standard deviation were computed on train and rest together, which leaks the later "
                "part into training; compute them from train alone.")))
#: Hints of the exercise's checks.
WINDOWS_X_HINT = tr.later(N_("X[i, :, 0] = series[i:i + T], one feature per month"))
WINDOWS_Y_HINT = tr.later(N_("y[i] = series[i + T], the value after window i"))
SEASONAL_NAIVE_HINT = tr.later(N_("month k repeats history[M - season + k % season]"))
SAME_SEED_HINT = tr.later(N_("call torch.manual_seed(seed) (and seed any other randomness) inside train_forecaster."))
#: What forecast returns, and what a forecaster too slow to train should change.
NEXT_MONTH = tr.later(N_("next month's ppm"))
FASTER_TRAINING = tr.later(N_("use a smaller network or fewer epochs."))
#: The visible test's score and its target, MARGIN times seasonal naive's validation MAE.
VALIDATION_MAE = tr.later(N_("your forecaster's validation MAE (2016-2019)"))
VALIDATION_TARGET = tr.later(N_(", a quarter of seasonal naive's {naive:.2f} ppm"), naive=SEASONAL_NAIVE_VALIDATION_MAE)
#: The name of the hidden test's comparison of two models trained with the same seed.
SAME_SEED_FORECASTS = tr.later(N_("the forecasts of a second model trained with the same seed"))


def validation_line(found, naive, seconds):
    """The visible test's result line: the validation MAE, seasonal naive's, and the training time."""
    return tr("Validation MAE {found:.3f} ppm (seasonal naive: {naive:.3f} ppm), trained in {seconds:.1f} s.",
              found=found, naive=naive, seconds=seconds)


def january_2020_line(value):
    """The visible test's line with the learner's forecast of January 2020 (ppm)."""
    return tr("Your forecast for January 2020: {value:.2f} ppm.", value=value)
