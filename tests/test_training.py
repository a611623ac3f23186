"""gatedrnn.training: the one training loop of the applications unit and its options.

Fast (well under a second a test): a one-parameter model whose loss and gradient are known,
so every step's numbers can be checked exactly. The applications' own wrappers (long_memory,
text, forecasting) are checked in their test files and by the chapters that use them.
"""

import math

import pytest
import torch

from gatedrnn.training import Trainer


class Scalar(torch.nn.Module):
    """One parameter w, starting at w0; loss_fn below is (w - target)^2, gradient 2 (w - target)."""

    def __init__(self, w0=0.0):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(float(w0)))


def weight(model):
    return model.w.item()


def squared_error(model, target):
    return (model.w - target) ** 2


def endless(target=1.0):
    while True:
        yield (target,)


def sgd(model, lr=0.1):
    return torch.optim.SGD(model.parameters(), lr=lr)


def test_plain_steps_are_gradient_descent_and_are_logged():
    model = Scalar()
    log = Trainer(3).fit(model, sgd(model), endless(), squared_error)
    # w <- w - 0.1 * 2 (w - 1): 0, 0.2, 0.36, 0.488; the losses are taken before each step
    assert log.train_loss == pytest.approx([1.0, 0.64, 0.4096], rel=1e-6)
    assert weight(model) == pytest.approx(0.488, rel=1e-6)
    assert log.lr == [0.1] * 3 and log.grad_norm == [] and log.eval_steps == [] and log.step == 3
    assert log.stopped is None and log.best_step is None and log.seconds > 0


def test_evaluations_before_every_k_steps_and_after_the_last():
    model = Scalar()
    log = Trainer(7, evaluate=lambda m: weight(m), eval_every=3).fit(model, sgd(model), endless(), squared_error)
    assert log.eval_steps == [0, 3, 6, 7] and log.evaluations[0] == 0.0
    assert log.evaluations[-1] == weight(model)


def test_clip_records_the_norm_before_clipping_and_inf_changes_nothing():
    clipped, free = Scalar(), Scalar()
    log = Trainer(1, clip=0.5).fit(clipped, sgd(clipped), endless(), squared_error)
    assert log.grad_norm == pytest.approx([2.0])               # |2 (0 - 1)|, recorded before clipping
    assert float(clipped.w.grad) == pytest.approx(-0.5, rel=1e-5)
    log = Trainer(1, clip=math.inf).fit(free, sgd(free), endless(), squared_error)
    assert log.grad_norm == [2.0] and float(free.w.grad) == -2.0


def test_scheduler_is_stepped_after_every_step():
    model = Scalar()
    optimizer = sgd(model, lr=0.4)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    log = Trainer(3).fit(model, optimizer, endless(), squared_error, scheduler=scheduler)
    assert log.lr == [0.4, 0.2, 0.1]


def test_patience_stops_and_restore_best_loads_the_best_weights():
    values = iter([5.0, 3.0, 4.0, 3.5, 1.0])                   # best at step 1; steps 2 and 3 do not improve
    model = Scalar()
    trainer = Trainer(10, evaluate=lambda m: (weight(m), next(values)), eval_every=1,
                      monitor=lambda e: e[1], patience=2, restore_best=True)
    log = trainer.fit(model, sgd(model), endless(), squared_error)
    assert log.eval_steps == [0, 1, 2, 3] and log.stopped == "patience" and log.best_step == 1
    assert weight(model) == log.evaluations[1][0] == pytest.approx(0.2)     # the weights after step 1


def test_best_step_without_patience_runs_every_step():
    values = iter([2.0, 1.0, 1.0, 3.0])                        # a tie is not an improvement
    model = Scalar()
    log = Trainer(3, evaluate=lambda m: next(values), eval_every=1, monitor=lambda v: v).fit(
        model, sgd(model), endless(), squared_error)
    assert log.best_step == 1 and log.stopped is None and log.step == 3
    assert weight(model) == pytest.approx(0.488, rel=1e-6)   # nothing restored


def test_hooks_stop_training():
    model = Scalar()
    log = Trainer(10, after_step=lambda log, m: log.step == 4).fit(model, sgd(model), endless(), squared_error)
    assert log.step == 4 and log.stopped == "hook"
    model = Scalar()
    log = Trainer(10, evaluate=lambda m: weight(m), eval_every=2,
                  after_evaluation=lambda log, m: log.evaluations[-1] > 0.3).fit(model, sgd(model), endless(),
                                                                                  squared_error)
    assert log.eval_steps == [0, 2] and log.step == 2 and log.stopped == "hook"


def test_time_budget_stops_and_evaluates_the_last_step():
    model = Scalar()
    log = Trainer(10**9, time_budget=0.05, evaluate=lambda m: weight(m), eval_every=10**6).fit(
        model, sgd(model, lr=1e-9), endless(), squared_error)
    assert log.stopped == "time" and 1 <= log.step < 10**9 and log.seconds >= 0.05
    assert log.eval_steps == [0, log.step]


def test_batches_that_run_out_end_training_with_an_evaluation():
    model = Scalar()
    log = Trainer(10, evaluate=lambda m: weight(m), eval_every=4).fit(model, sgd(model), [(1.0,)] * 6,
                                                                       squared_error)
    assert log.step == 6 and log.eval_steps == [0, 4, 6] and log.stopped is None


def test_the_model_is_put_back_in_training_mode_before_each_step():
    modes = []
    model = Scalar()

    def loss_fn(m, target):
        modes.append(m.training)
        return squared_error(m, target)

    def evaluate(m):
        m.eval()                                              # as text.fit's callers' evaluations do
        return 0.0

    Trainer(4, evaluate=evaluate, eval_every=1).fit(model, sgd(model), endless(), loss_fn)
    assert modes == [True] * 4


@pytest.mark.parametrize("options, message", [
    ({"steps": 0}, "steps must be a positive integer"),
    ({"steps": 2.5}, "steps must be a positive integer"),
    ({"steps": 5, "eval_every": 0}, "eval_every"),
    ({"steps": 5, "patience": 0, "monitor": abs, "evaluate": abs}, "patience must be"),
    ({"steps": 5, "patience": 2, "evaluate": abs}, "need a monitor"),
    ({"steps": 5, "restore_best": True, "evaluate": abs}, "need a monitor"),
    ({"steps": 5, "monitor": abs}, "needs an evaluate"),
    ({"steps": 5, "clip": 0.0}, "clip"),
    ({"steps": 5, "time_budget": -1}, "time_budget"),
])
def test_bad_options_are_named(options, message):
    with pytest.raises(ValueError, match=message):
        Trainer(**options)
