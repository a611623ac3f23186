"""gatedrnn.forecasting: the CO2 data, splits, windows, scaling, baselines, metrics, scoring, forecasters.

Exact comparisons (==) where the computation is a copy or a reshuffle of the data; float
comparisons at TOL_ROUNDING (tests/conftest.py) where it is arithmetic on values of order 1 to 400.
"""

import numpy as np
import pytest

from autograder.assignments import released_notebook
from autograder.verify import heldout_series
from conftest import TOL_ROUNDING
from gatedrnn import forecasting
from gatedrnn.forecasting import (DifferenceForecaster, forecast_points, last_value, load_co2, mae, make_windows, mase,
                                  rmse, rolling_forecasts, seasonal_naive, split_by_time, standardize)


def test_load_co2_is_the_public_part_of_the_noaa_record():
    months, ppm = load_co2()
    assert months.dtype == np.dtype("datetime64[M]") and ppm.dtype == np.float64
    assert (str(months[0]), str(months[-1]), len(ppm)) == ("1958-03", "2019-12", 742)
    assert np.all(np.diff(months).astype(int) == 1)  # every month, none missing
    assert (ppm[0], ppm[-1]) == (315.70, 411.97)  # the first and last values of the file
    yearly = ppm[12:] - ppm[:-12]
    assert -0.5 < yearly.min() and yearly.max() < 4.5  # no transcription slip: a year's rise stays plausible


def test_the_held_out_months_are_only_in_the_source_notebook():
    heldout = heldout_series("forecast")
    assert heldout.shape == (48,) and heldout[0] == 413.59 and heldout[-1] == 421.86
    text = forecasting.DATA_FILE.read_text()
    released = released_notebook("forecast").read_text()
    for value in heldout[:12]:
        assert f"{value:.2f}" not in released
    assert "2020," not in text  # the public file stops in 2019


def test_split_by_time_keeps_the_order():
    earlier, later = split_by_time(np.arange(10.0), 3)
    assert earlier.tolist() == list(range(7)) and later.tolist() == [7.0, 8.0, 9.0]
    with pytest.raises(ValueError, match="n_last"):
        split_by_time(np.arange(10.0), 10)


def test_make_windows():
    X, y = make_windows(np.arange(6.0), 3)
    assert X.shape == (3, 3, 1) and X[:, :, 0].tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    assert y.tolist() == [3.0, 4.0, 5.0]
    with pytest.raises(ValueError, match="T must be"):
        make_windows(np.arange(6.0), 6)
    with pytest.raises(ValueError, match="series must be a 1-D"):
        make_windows(np.zeros((3, 2)), 1)


def test_standardize_uses_the_training_part_only():
    train_z, rest_z, mean, std = standardize(np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0]))
    assert (mean, std) == (2.5, np.sqrt(1.25))
    assert np.allclose(train_z, (np.arange(1, 5) - 2.5) / np.sqrt(1.25), rtol=TOL_ROUNDING, atol=0)
    assert rest_z[0] == pytest.approx(7.5 / np.sqrt(1.25), rel=TOL_ROUNDING)
    with pytest.raises(ValueError, match="train is constant"):
        standardize(np.ones(3), np.ones(2))


def test_baselines():
    history = np.arange(30.0)
    assert seasonal_naive(history, 14).tolist() == list(range(18, 30)) + [18.0, 19.0]
    assert seasonal_naive(history, 1, season=2).tolist() == [28.0]
    assert last_value(history) == 29.0
    with pytest.raises(ValueError, match="history"):
        seasonal_naive(np.arange(5.0), 1)


def test_rolling_forecasts_never_show_the_month_being_forecast():
    seen = []

    def predict_next(series):
        seen.append(len(series))
        return series[-1]

    future = np.array([10.0, 20.0, 30.0])
    forecasts = rolling_forecasts(predict_next, np.arange(5.0), future)
    assert seen == [5, 6, 7] and forecasts.tolist() == [4.0, 10.0, 20.0]


def test_metrics():
    y, f = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 1.0])
    assert mae(y, f) == pytest.approx(4 / 3, rel=TOL_ROUNDING)
    assert rmse(y, f) == pytest.approx(np.sqrt(10 / 3), rel=TOL_ROUNDING)
    train = np.arange(24.0)  # seasonal naive is off by exactly 12 everywhere in training
    assert mase(y, f, train) == pytest.approx(4 / 3 / 12, rel=TOL_ROUNDING)


@pytest.mark.parametrize("model_mae, points, words", [
    (2.5, 0.0, "did not beat"), (float("nan"), 0.0, "did not beat"),
    (1.0, 2.0, "but not by the margin (full marks need at most 0.50 ppm): 2 of 4 points"),
    (0.5, 4.0, "by the margin"),
])
def test_forecast_points(model_mae, points, words):
    earned, why = forecast_points(model_mae, 2.0, 4)
    assert earned == points and words in why


def test_difference_forecaster_is_deterministic_and_beats_seasonal_naive(one_thread):
    _, ppm = load_co2()
    train, validation = split_by_time(ppm[-300:], 24)
    runs = [rolling_forecasts(DifferenceForecaster(epochs=5, seed=3).fit(train).predict_next, train, validation)
            for _ in range(2)]
    assert np.array_equal(runs[0], runs[1])
    assert mae(validation, runs[0]) < mae(validation, rolling_forecasts(seasonal_naive, train, validation))
