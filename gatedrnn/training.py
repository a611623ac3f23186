"""The training loop of the applications unit, in the manner of d2l's Trainer.

`gatedrnn.long_memory.train`, `gatedrnn.text.fit` and `gatedrnn.forecasting.fit_forecaster`
differ in their data, loss, optimiser and what they record; the loop itself lives here once:

    trainer = Trainer(steps=500, clip=1.0, evaluate=score_on_test_set, eval_every=25)
    log = trainer.fit(model, optimizer, batches, loss_fn)

One step: take the next batch, loss = loss_fn(model, *batch), backward, clip the gradient's
global norm (if `clip`), optimizer.step(), scheduler.step() (if any). The extras are options:
an evaluation every `eval_every` steps, early stopping (`patience`) on the value `monitor`
extracts from each evaluation, restoring the weights of the best evaluation (`restore_best`),
a wall-clock budget (`time_budget`), and two hooks (`after_step`, `after_evaluation`) that
may stop training. The loop draws no random numbers of its own: the batches, the model's
initialisation and any dropout are the caller's, so a seeded caller gets the same run every time.
"""

import copy
import math
import time
from dataclasses import dataclass, field

import torch

from .shapes import check_positive


@dataclass
class Log:
    """What `Trainer.fit` recorded.

    - train_loss: the training loss of every step (floats), in order
    - grad_norm: the gradient's global norm of every step, before clipping (empty without `clip`)
    - lr: the learning rate every step used (that of the optimizer's first parameter group)
    - eval_steps: the steps after which `evaluate` ran (0: before the first step)
    - evaluations: what `evaluate` returned there
    - best_step: the step of the evaluation with the lowest monitored value (None without `monitor`)
    - stopped: why training ended before `steps`: "patience", "time", "hook", or None
    - seconds: wall-clock time of the loop, evaluations included
    """
    train_loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)
    best_step: object = None
    stopped: object = None
    seconds: float = 0.0

    @property
    def step(self):
        """The number of optimisation steps taken so far."""
        return len(self.train_loss)


class Trainer:
    """A training loop: options fixed at construction, `fit` runs it on a model.

    Trainer(steps, clip=None, evaluate=None, eval_every=None, monitor=None, patience=None,
            restore_best=False, time_budget=None, after_step=None, after_evaluation=None)
    - steps: the most optimisation steps, a positive integer (fewer if the batches run out first)
    - clip: the largest global gradient norm (torch.nn.utils.clip_grad_norm_), or None for no
      clipping; math.inf records the norm without changing the gradient
    - evaluate: callable model -> anything (a metric, a tuple of losses), or None; it runs before
      the first step, after every `eval_every` steps and after the last step
    - eval_every: steps between evaluations (None: only before the first and after the last step)
    - monitor: callable evaluation -> float to minimise (e.g. the validation loss); needed by
      `patience` and `restore_best`, and sets `Log.best_step`
    - patience: stop after this many evaluations in a row without a new lowest monitored value
    - restore_best: load the weights of the evaluation with the lowest monitored value at the end
    - time_budget: stop after the step that brings the loop's wall-clock time to this many
      seconds (the final evaluation still runs)
    - after_step, after_evaluation: callables (log, model) -> bool, called after every step and
      every evaluation; a true result stops training (Log.stopped == "hook")
    """

    def __init__(self, steps, clip=None, evaluate=None, eval_every=None, monitor=None, patience=None,
                 restore_best=False, time_budget=None, after_step=None, after_evaluation=None):
        optional = {"eval_every": eval_every, "patience": patience}
        check_positive("Trainer", steps=steps, **{name: value for name, value in optional.items() if value is not None})
        if (patience is not None or restore_best) and monitor is None:
            raise ValueError("Trainer: patience and restore_best need a monitor (evaluation -> value to minimise)")
        if monitor is not None and evaluate is None:
            raise ValueError("Trainer: a monitor needs an evaluate function")
        if clip is not None and not clip > 0:
            raise ValueError(f"Trainer: clip must be a positive number or None, got {clip!r}")
        if time_budget is not None and not time_budget > 0:
            raise ValueError(f"Trainer: time_budget must be a positive number of seconds or None, got {time_budget!r}")
        self.steps, self.clip, self.time_budget = steps, clip, time_budget
        self.evaluate, self.eval_every, self.monitor = evaluate, eval_every, monitor
        self.patience, self.restore_best = patience, restore_best
        self.after_step, self.after_evaluation = after_step, after_evaluation

    def fit(self, model, optimizer, batches, loss_fn, scheduler=None):
        """Train `model` in place; return the Log.

        Inputs:
        - model: a torch.nn.Module (put in training mode before every step: an evaluation may
          have left it in evaluation mode)
        - optimizer: a torch.optim optimizer over the model's parameters
        - batches: an iterable of batches, each a tuple of the arguments loss_fn takes after the
          model (e.g. (x, y)); it is read one batch per step, lazily, so it may be endless
        - loss_fn: callable (model, *batch) -> scalar loss tensor
        - scheduler: a learning-rate scheduler stepped after every step, or None
        """
        log, batches = Log(), iter(batches)
        best_value, best_state, waited = math.inf, None, 0
        began = time.perf_counter()

        def evaluate():
            """Evaluate, track the best, and decide whether to stop (log.stopped)."""
            nonlocal best_value, best_state, waited
            value = self.evaluate(model)
            log.eval_steps.append(log.step)
            log.evaluations.append(value)
            if self.monitor is not None:
                monitored = self.monitor(value)
                if len(log.evaluations) == 1 or monitored < best_value:
                    best_value, log.best_step, waited = monitored, log.step, 0
                    if self.restore_best:
                        best_state = copy.deepcopy(model.state_dict())
                else:
                    waited += 1
            if log.stopped is None and self.patience is not None and waited >= self.patience:
                log.stopped = "patience"
            if log.stopped is None and self.after_evaluation is not None and self.after_evaluation(log, model):
                log.stopped = "hook"

        if self.evaluate is not None:
            evaluate()
        while log.stopped is None and log.step < self.steps:
            batch = next(batches, None)
            if batch is None:
                break
            model.train()
            loss = loss_fn(model, *batch)
            optimizer.zero_grad()
            loss.backward()
            if self.clip is not None:
                log.grad_norm.append(torch.nn.utils.clip_grad_norm_(model.parameters(), self.clip).item())
            optimizer.step()
            log.lr.append(optimizer.param_groups[0]["lr"])
            if scheduler is not None:
                scheduler.step()
            log.train_loss.append(loss.item())
            if self.after_step is not None and self.after_step(log, model):
                log.stopped = "hook"
            elif self.time_budget is not None and time.perf_counter() - began >= self.time_budget:
                log.stopped = "time"
            due = self.eval_every is not None and log.step % self.eval_every == 0
            last = log.step == self.steps or log.stopped is not None
            if self.evaluate is not None and (due or last):
                evaluate()
        if self.evaluate is not None and log.eval_steps[-1] != log.step:
            evaluate()                          # the batches ran out between two evaluations
        if best_state is not None:
            model.load_state_dict(best_state)
        log.seconds = time.perf_counter() - began
        return log
