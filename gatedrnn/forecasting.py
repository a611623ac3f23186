"""Forecasting a monthly series: the data, splits by time, windows, scaling, baselines, metrics.

The chapter "Forecasting a real time series" and the graded exercise `forecast` use it; the
autograder scores the exercise's held-out months with `rolling_forecasts` and `forecast_points`,
so the chapter, the hidden tests and the check outside the learner's notebook agree.

Conventions: a series is a 1-D float64 array of shape (M,), one value a month, oldest first.
Forecasts are one step ahead: the value of month t is predicted from the months before t.
Windows are batch-major, X of shape (N, T, D) with D = 1 feature (the value itself).
"""

import time
from pathlib import Path

import numpy as np
import torch

from .training import Trainer

DATA_FILE = Path(__file__).with_name("data") / "co2_mauna_loa_monthly.csv"
SEASON = 12  # months in the seasonal cycle
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
        raise ValueError(f"{name} must be a 1-D series of at least {minimum} values, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains values that are not finite")
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
        raise ValueError(f"n_last must be between 1 and {series.size - 1}, got {n_last}")
    return series[:-int(n_last)], series[-int(n_last):]


def make_windows(series, T):
    """Every run of T consecutive values of a series, each with the value that follows it.

    Inputs:
    - series: of shape (M,)
    - T: window length, 1 <= T < M

    Returns a tuple of:
    - X: the windows, of shape (N, T, 1) with N = M - T; X[i, :, 0] = series[i:i + T]
    - y: the targets, of shape (N,); y[i] = series[i + T]
    """
    series = _series("series", series, minimum=2)
    if not isinstance(T, (int, np.integer)) or not 1 <= T < series.size:
        raise ValueError(f"T must be an integer between 1 and {series.size - 1}, got {T!r}")
    N = series.size - T
    X = np.stack([series[i:i + T] for i in range(N)])[:, :, None]  # (N, T, 1)
    return X, series[T:].copy()


def standardize(train, rest):
    """Scale two parts of a series with the mean and standard deviation of the training part alone.

    Fitting the scale on `rest` too would leak the future into training.

    Inputs:
    - train: the training part, of shape (M1,), not constant
    - rest: any later part, of shape (M2,)

    Returns a tuple of:
    - train_z: (train - mean) / std, of shape (M1,)
    - rest_z: (rest - mean) / std, of shape (M2,)
    - mean, std: floats, computed from train only
    """
    train, rest = _series("train", train, minimum=2), _series("rest", rest, minimum=0)
    mean, std = float(train.mean()), float(train.std())
    if std == 0.0:
        raise ValueError("train is constant: its standard deviation is 0, so it cannot be standardized")
    return (train - mean) / std, (rest - mean) / std, mean, std


def last_value(history):
    """Naive forecast: next month equals the last one. history (M,) -> float."""
    return float(_series("history", history)[-1])


def seasonal_naive(history, horizon=1, season=SEASON):
    """Seasonal naive forecast: each of the next months repeats the same month one season earlier.

    Inputs:
    - history: the series so far, of shape (M,) with M >= season
    - horizon: how many months to forecast
    - season: the length of the seasonal cycle

    Returns the forecasts, of shape (horizon,): forecast[k] = history[M - season + k % season].
    """
    history = _series("history", history, minimum=season)
    return np.resize(history[-season:], int(horizon))


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
    found = f"your forecaster's MAE {model_mae:.2f} ppm"
    naive = f"seasonal naive's {naive_mae:.2f} ppm"
    if not np.isfinite(model_mae) or model_mae >= naive_mae:
        return 0.0, f"{found} did not beat {naive} on the held-out months."
    if model_mae > target:
        return points / 2, (f"{found} beat {naive} on the held-out months, but not by the margin "
                            f"(full marks need at most {target:.2f} ppm): {points / 2:g} of {points:g} points.")
    return float(points), f"{found} beat {naive} on the held-out months by the margin (at most {target:.2f} ppm)."


# -- the chapter's GRU forecaster -------------------------------------------------------------

class GRUForecaster(torch.nn.Module):
    """A GRU reading a window of (scaled) values and a linear layer on its last hidden state.

    forward: x of shape (N, T, 1) -> the next (scaled) value of each window, of shape (N,).
    """

    def __init__(self, hidden_size=32):
        super().__init__()
        self.gru = torch.nn.GRU(1, hidden_size, batch_first=True)
        self.head = torch.nn.Linear(hidden_size, 1)

    def forward(self, x):
        h, _ = self.gru(x)  # (N, T, H)
        return self.head(h[:, -1, :]).squeeze(1)  # (N,)


def fit_forecaster(model, X, y, epochs=30, batch_size=64, lr=1e-2, seed=0):
    """Train a forecaster by Adam on the mean squared error, in shuffled minibatches.

    Each epoch visits the windows in a new order drawn from a generator seeded with `seed`,
    in batches of `batch_size` (the last one smaller if need be); the loop is
    gatedrnn.training.Trainer's.

    Inputs:
    - model: a torch.nn.Module mapping (N, T, 1) float32 to (N,)
    - X: windows, of shape (N, T, 1); y: targets, of shape (N,)

    Returns the training loss (MSE) of every epoch, a list of floats: the mean of its batches'
    losses, each weighted by its batch's size.
    """
    generator = torch.Generator().manual_seed(seed)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    starts = range(0, len(X), batch_size)

    def batches():
        for _ in range(epochs):
            order = torch.randperm(len(X), generator=generator)
            for start in starts:
                batch = order[start:start + batch_size]
                yield X[batch], y[batch]

    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    log = Trainer(epochs * len(starts)).fit(model, optimizer, batches(),
                                            lambda m, x, target: torch.mean((m(x) - target) ** 2))
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for k, start in enumerate(starts):
            total += log.train_loss[epoch * len(starts) + k] * min(batch_size, len(X) - start)
        losses.append(total / len(X))
    return losses


class DifferenceForecaster:
    """A GRU that forecasts next month's change from the last T monthly changes, scaled on training data.

    Differencing removes the trend, so the GRU never meets values outside the range it was
    trained on; the forecast change is added to the last value. Use: fit(train), then predict_next.
    """

    def __init__(self, T=24, hidden_size=32, epochs=30, seed=0):
        self.T, self.hidden_size, self.epochs, self.seed = T, hidden_size, epochs, seed

    def inputs(self, series):
        """What the GRU reads, of shape (M - 1,): the monthly changes of a series of shape (M,)."""
        return np.diff(series)

    def output(self, history, value):
        """The forecast of the month after history, from the GRU's unscaled output `value`."""
        return float(history[-1]) + value

    def fit(self, train):
        """Train on a series of shape (M,); returns self (epoch losses in self.losses, time in self.seconds)."""
        torch.manual_seed(self.seed)
        inputs = self.inputs(_series("train", train, minimum=self.T + 2))
        scaled, _, self.mean, self.std = standardize(inputs, inputs[:0])
        X, y = make_windows(scaled, self.T)
        self.model = GRUForecaster(self.hidden_size)
        started = time.perf_counter()
        self.losses = fit_forecaster(self.model, X, y, epochs=self.epochs, seed=self.seed)
        self.seconds = time.perf_counter() - started
        return self

    def predict_next(self, history):
        """The value of the month after history (M,); a float."""
        history = _series("history", history, minimum=self.T + 1)
        window = self.inputs(history)[-self.T:]
        x = torch.tensor((window - self.mean) / self.std, dtype=torch.float32)[None, :, None]  # (1, T, 1)
        with torch.no_grad():
            value = float(self.model(x)[0]) * self.std + self.mean
        return self.output(history, value)


class LevelForecaster(DifferenceForecaster):
    """The same GRU fed the values themselves (scaled on the training part), not their changes.

    The chapter's cautionary case: a trending series leaves the range the network was trained
    on, and a network of saturating units cannot follow it there.
    """

    def inputs(self, series):
        return np.asarray(series)

    def output(self, history, value):
        return value
