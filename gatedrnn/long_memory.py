"""Long-term dependency tasks and a parameter-matched comparison of RNN, LSTM and GRU.

The chapter "Long-term dependencies" (chapters/05_apps/03_long_dependencies) trains
torch.nn.RNN, torch.nn.LSTM and torch.nn.GRU on two synthetic tasks whose difficulty
is set by the sequence length T; "Training time" (chapters/05_apps/05_training_time)
reuses the tasks and the model.

- `adding_problem`: T random numbers, two of them marked; the target is their sum
  (Hochreiter & Schmidhuber 1997, in the form later papers use).
- `copy_task`: a few symbols at the start, blanks, a "go" marker, then the model must
  output the symbols again (in the form of Arjovsky et al. 2016, with a loss on the
  symbols only).
- `delayed_echo`: a stream of bits to repeat a fixed number of steps later (for
  truncated backpropagation through time).
- `SequenceModel`: one recurrent layer of any of the three kinds and a linear readout.
- `matched_hidden_sizes`: hidden sizes that give each kind the same parameter budget.
- `train`: Adam on fresh batches every step, gradient clipping, a learning curve on a
  fixed test set (the loop of gatedrnn.training).
- `compare`: parameter-matched runs of several models, lengths and seeds, in worker
  processes if asked.

Every batch comes from a torch.Generator with a given seed, so the data are the same on
every run and every machine. Notation follows the book's notation page: N batch, T time
steps, D input features, H hidden units; batch-major tensors.
"""

import itertools
import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import torch

from .shapes import check_positive
from .training import Trainer

CELLS = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}


def adding_problem(N, T, generator):
    """A batch of the adding problem.

    Each sequence has T steps of two features: a value drawn uniformly from [0, 1) and a
    marker, 1 at exactly two steps and 0 elsewhere. One marked step lies in the first
    half of the sequence (steps 0 .. T//2 - 1), the other in the second half; the
    target is the sum of the two marked values. Predicting the mean, 1, for every
    sequence gives a mean squared error of Var(u1 + u2) = 2/12 = 1/6.

    Inputs:
    - N: batch size, a positive integer
    - T: sequence length, an integer >= 2
    - generator: a torch.Generator (its state advances)

    Returns a tuple of:
    - x: float32 tensor of shape (N, T, 2): x[..., 0] the values, x[..., 1] the markers
    - y: float32 tensor of shape (N, 1): the sum of the two marked values
    """
    check_positive("adding_problem", N=N, T=T)
    if T < 2:
        raise ValueError(f"adding_problem: T must be at least 2 (one marker in each half), got {T}")
    values = torch.rand(N, T, generator=generator)                              # (N, T)
    first = torch.randint(0, T // 2, (N,), generator=generator)                 # (N,)
    second = torch.randint(T // 2, T, (N,), generator=generator)                # (N,)
    markers = torch.zeros(N, T)
    rows = torch.arange(N)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = (values * markers).sum(dim=1, keepdim=True)                             # (N, 1)
    return torch.stack([values, markers], dim=-1), y                            # (N, T, 2), (N, 1)


def copy_task(N, T, generator, symbols=3, alphabet=4):
    """A batch of the copy task.

    Each sequence has T steps. The first `symbols` steps show symbols drawn uniformly
    from an alphabet of `alphabet` letters; then come blanks; at step T - symbols - 1 a
    "go" marker appears; during the last `symbols` steps (blanks again) the model must
    output the first symbols, in order. Every input step is one-hot over alphabet + 2
    classes: the letters 0 .. alphabet - 1, the blank (index alphabet) and the marker
    (index alphabet + 1). The delay between seeing a symbol and reproducing it is
    T - symbols steps. Guessing gives an accuracy of 1 / alphabet.

    Inputs:
    - N: batch size, a positive integer
    - T: sequence length, an integer >= 2 * symbols + 1
    - generator: a torch.Generator (its state advances)
    - symbols: how many symbols to copy, a positive integer
    - alphabet: how many different symbols there are, an integer >= 2

    Returns a tuple of:
    - x: float32 tensor of shape (N, T, alphabet + 2), one-hot
    - y: int64 tensor of shape (N, symbols): the symbols to output at the last steps
    """
    check_positive("copy_task", N=N, T=T, symbols=symbols, alphabet=alphabet)
    if alphabet < 2:
        raise ValueError(f"copy_task: alphabet must be at least 2, got {alphabet}")
    if T < 2 * symbols + 1:
        raise ValueError(f"copy_task: T must be at least 2 * symbols + 1 = {2 * symbols + 1} "
                         f"(symbols, the marker, the answer), got {T}")
    blank, go = alphabet, alphabet + 1
    y = torch.randint(0, alphabet, (N, symbols), generator=generator)           # (N, S)
    tokens = torch.full((N, T), blank, dtype=torch.int64)
    tokens[:, :symbols] = y
    tokens[:, T - symbols - 1] = go
    x = torch.nn.functional.one_hot(tokens, alphabet + 2).float()               # (N, T, alphabet + 2)
    return x, y


def delayed_echo(N, T, delay, generator):
    """A batch of the delayed echo: random bits in, the same bits `delay` steps later out.

    The target at step t is the input bit at step t - delay; the first `delay` steps have
    no target (their entries are 0 and `mask` is False there). A model must carry each
    bit for exactly `delay` steps; guessing gets half of them right.

    Inputs:
    - N: batch size, a positive integer
    - T: sequence length, an integer > delay
    - delay: a positive integer
    - generator: a torch.Generator (its state advances)

    Returns a tuple of:
    - x: float32 tensor of shape (N, T, 1), the bits
    - y: float32 tensor of shape (N, T), the bits delayed (0 before step `delay`)
    - mask: bool tensor of shape (T,), True where a step has a target
    """
    check_positive("delayed_echo", N=N, T=T, delay=delay)
    if T <= delay:
        raise ValueError(f"delayed_echo: T must exceed delay = {delay}, got {T}")
    bits = torch.randint(0, 2, (N, T), generator=generator).float()            # (N, T)
    y = torch.zeros(N, T)
    y[:, delay:] = bits[:, :-delay]
    return bits[..., None], y, torch.arange(T) >= delay


@dataclass(frozen=True)
class Task:
    """A synthetic task: how to make batches, how to score them, and what chance gives.

    - name: "adding" or "copy"
    - make: callable (N, T, generator) -> (x of shape (N, T, D), y)
    - input_size: D
    - output_size: the readout's width (1 for a regression, the alphabet for the copy)
    - readout_steps: how many final steps the model's readout sees (1 or `symbols`)
    - metric_name: "MSE" (lower is better) or "accuracy" (higher is better)
    - chance: the metric of the best input-blind guess
    - solved: the metric value from which we call the task solved
    """
    name: str
    make: object
    input_size: int
    output_size: int
    readout_steps: int
    metric_name: str
    chance: float
    solved: float

    def loss(self, prediction, y):
        """Training loss: mean squared error, or cross-entropy over the copied symbols.

        prediction (N, readout_steps, output_size); y as `make` returns it.
        """
        if self.metric_name == "MSE":
            return torch.nn.functional.mse_loss(prediction[:, -1, :], y)
        return torch.nn.functional.cross_entropy(prediction.reshape(-1, self.output_size), y.reshape(-1))

    def metric(self, prediction, y):
        """Test metric as a float: the MSE, or the fraction of symbols copied right."""
        if self.metric_name == "MSE":
            return float(torch.nn.functional.mse_loss(prediction[:, -1, :], y))
        return float((prediction.argmax(dim=-1) == y).float().mean())

    def is_solved(self, metric):
        """Whether a test metric passes the task's threshold."""
        return metric <= self.solved if self.metric_name == "MSE" else metric >= self.solved


#: The adding problem; solved when the MSE is below a tenth of chance's 1/6.
ADDING = Task("adding", adding_problem, input_size=2, output_size=1, readout_steps=1,
              metric_name="MSE", chance=1 / 6, solved=1 / 60)
#: The copy task with 3 symbols from 4; solved when 90 % of the symbols come back right.
COPY = Task("copy", copy_task, input_size=6, output_size=4, readout_steps=3,
            metric_name="accuracy", chance=1 / 4, solved=0.9)


class SequenceModel(torch.nn.Module):
    """One torch.nn.RNN, LSTM or GRU layer (batch-first) and a linear readout of its last states.

    SequenceModel(kind, input_size, hidden_size, output_size, readout_steps=1):
    - kind: "RNN" (tanh), "LSTM" or "GRU"
    - input_size D, hidden_size H, output_size O
    - readout_steps R: the readout is applied to the hidden states of the last R steps
    - forget_bias: for an LSTM only, added to the bias of its forget gate (block f of
      i | f | g | o in bias_ih) after PyTorch's initialisation; 1.0 is the setting that
      Jozefowicz et al. (2015) recommend. 0.0 keeps PyTorch's default.

    forward(x): x (N, T, D) -> predictions (N, R, O)
    """

    def __init__(self, kind, input_size, hidden_size, output_size, readout_steps=1, forget_bias=0.0):
        super().__init__()
        if kind not in CELLS:
            raise ValueError(f"SequenceModel: kind must be one of {sorted(CELLS)}, got {kind!r}")
        check_positive("SequenceModel", input_size=input_size, hidden_size=hidden_size,
                        output_size=output_size, readout_steps=readout_steps)
        if forget_bias and kind != "LSTM":
            raise ValueError(f"SequenceModel: forget_bias applies to an LSTM only, got kind {kind!r}")
        self.kind, self.readout_steps = kind, readout_steps
        self.recurrent = CELLS[kind](input_size, hidden_size, batch_first=True)
        self.readout = torch.nn.Linear(hidden_size, output_size)
        if forget_bias:
            with torch.no_grad():
                self.recurrent.bias_ih_l0[hidden_size:2 * hidden_size] += forget_bias

    def forward(self, x):
        h, _ = self.recurrent(x)                                   # (N, T, H)
        return self.readout(h[:, -self.readout_steps:, :])         # (N, R, O)


def count_parameters(module):
    """The number of trainable scalars of a torch module."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def parameter_count(kind, input_size, hidden_size, output_size):
    """Parameters of SequenceModel(kind, D, H, O), by formula: G H (D + H + 2) + (H + 1) O.

    G is the number of gate blocks (RNN 1, GRU 3, LSTM 4); torch.nn has two bias
    vectors per block. The chapter asserts this equals `count_parameters` of the model.
    """
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[kind]
    return gates * hidden_size * (input_size + hidden_size + 2) + (hidden_size + 1) * output_size


def matched_hidden_sizes(task, budget):
    """For each kind, the hidden size H whose SequenceModel on `task` has closest to `budget` parameters.

    Inputs:
    - task: a Task (its input_size and output_size enter the count)
    - budget: the parameter count to match, a positive integer

    Returns a dict kind -> H, for the kinds of CELLS.
    """
    check_positive("matched_hidden_sizes", budget=budget)
    sizes = {}
    for kind in CELLS:
        candidates = range(1, budget + 1)
        sizes[kind] = min(candidates, key=lambda H: (abs(parameter_count(kind, task.input_size, H, task.output_size)
                                                         - budget), H))
    return sizes


@dataclass
class History:
    """A training run's learning curve and cost.

    - steps: the training steps after which the test metric was measured
    - train_loss: the training loss of each step (one float per step)
    - grad_norm: the global gradient norm of each step, before clipping
    - lr: the learning rate each step used
    - test_metric: the test metric at each of `steps`
    - seconds: the wall-clock time of the training loop (evaluation included)
    """
    steps: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    test_metric: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def final(self):
        """The last test metric."""
        return self.test_metric[-1]


def evaluate(model, task, x, y):
    """The task's metric of `model` on the test batch x (N, T, D), y, without gradients."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        metric = task.metric(model(x), y)
    model.train(was_training)
    return metric


def train(model, task, T, steps, seed, batch_size=32, lr=1e-2, clip=1.0, eval_every=25, test_size=256,
          stop_when_solved=False, optimizer=torch.optim.Adam, schedule=None):
    """Train `model` on `task` at length T with Adam; return its History.

    Every step draws a fresh batch of `batch_size` sequences from a generator seeded
    with `seed`; the test set (`test_size` sequences) comes from a generator seeded
    with `seed + 10_000`, so it shares no draws with the training batches. The
    gradient's global norm is recorded at every step, then clipped to `clip` (None: no
    clipping). `optimizer` is a torch.optim class; `schedule`, if given, is a callable
    optimizer -> learning-rate scheduler, stepped after every step. The test metric is
    measured before training and every `eval_every` steps, and after the last step; with
    `stop_when_solved`, training stops at the first measurement that solves the task.
    The loop is gatedrnn.training.Trainer's.

    Inputs:
    - model: a SequenceModel (or any module (N, T, D) -> (N, R, O)), trained in place
    - task: a Task
    - T: the sequence length
    - steps: the number of optimisation steps
    - seed: an integer; fixes the data (the model's initialisation is the caller's)

    Returns a History.
    """
    check_positive("train", T=T, batch_size=batch_size, test_size=test_size)
    x_test, y_test = task.make(test_size, T, torch.Generator().manual_seed(seed + 10_000))
    trainer = Trainer(steps, clip=math.inf if clip is None else clip,  # inf: the norm is recorded, not clipped
                      evaluate=lambda m: evaluate(m, task, x_test, y_test), eval_every=eval_every,
                      after_evaluation=(lambda log, m: task.is_solved(log.evaluations[-1])) if stop_when_solved
                      else None)
    data = torch.Generator().manual_seed(seed)
    optimiser = optimizer(model.parameters(), lr=lr)
    log = trainer.fit(model, optimiser, (task.make(batch_size, T, data) for _ in itertools.count()),
                      lambda m, x, y: task.loss(m(x), y), scheduler=schedule(optimiser) if schedule is not None else None)
    return History(steps=log.eval_steps, train_loss=log.train_loss, grad_norm=log.grad_norm, lr=log.lr,
                   test_metric=log.evaluations, seconds=log.seconds)


#: The models the chapter compares: name -> (kind, forget_bias).
MODELS = {"RNN": ("RNN", 0.0), "LSTM": ("LSTM", 0.0), "LSTM, forget bias 1": ("LSTM", 1.0), "GRU": ("GRU", 0.0)}


@dataclass
class Run:
    """One training run of `compare`: which model, how big, and how it went.

    - task, T, model (a key of MODELS), seed
    - hidden_size, parameters: the model's H and its parameter count
    - history: its History
    - solved_at: the first measured step at which the test metric solved the task, or None
    """
    task: str
    T: int
    model: str
    seed: int
    hidden_size: int
    parameters: int
    history: History
    solved_at: object

    @property
    def ms_per_step(self):
        """Wall-clock milliseconds per training step (the test evaluations included)."""
        return 1e3 * self.history.seconds / max(self.history.steps[-1], 1)


def _run(task, T, name, seed, hidden_size, steps, train_options):
    """One run of `compare`: torch.manual_seed(seed), the model, `train` until solved; a Run."""
    kind, forget_bias = MODELS[name]
    torch.manual_seed(seed)
    model = SequenceModel(kind, task.input_size, hidden_size, task.output_size, task.readout_steps,
                          forget_bias=forget_bias)
    history = train(model, task, T, steps, seed, stop_when_solved=True, **train_options)
    solved_at = history.steps[-1] if task.is_solved(history.final) else None
    return Run(task.name, T, name, seed, hidden_size, count_parameters(model), history, solved_at)


def _one_thread():
    """A worker process's initialiser: one thread per run, as in a serial run."""
    torch.set_num_threads(1)


def compare(task, lengths, seeds, steps, budget, models=tuple(MODELS), workers=1, **train_options):
    """Train every model of `models` on `task` at every length and seed, parameter-matched.

    Each model gets the hidden size of `matched_hidden_sizes(task, budget)` for its
    kind. For each seed, torch.manual_seed(seed) fixes the model's initialisation and
    `seed` the data, so the models of one seed see the same batches. Training stops
    when the task is solved (the step is recorded) or after `steps` steps.

    The runs are independent: with workers > 1 they run in that many worker processes
    (forked from multiprocessing's fork server, each with one torch thread), longest
    sequences first. A run draws no random numbers but its own seeded ones, so every
    run's numbers are the same as in a serial run with one thread; only its wall-clock
    time differs, measured while the other workers run too. Workers help where cores
    are idle: on a machine that other work keeps busy they only share its time.

    Inputs:
    - task: a Task
    - lengths: sequence lengths T to try
    - seeds: integer seeds
    - steps: the most optimisation steps of a run
    - budget: the parameter count to match
    - models: names from MODELS
    - workers: how many runs at once, a positive integer (1: one after another, here)
    - train_options: passed on to `train` (batch_size, lr, clip, eval_every, test_size;
      with workers > 1 they must be picklable)

    Returns a list of Run, in the order length, model, seed.
    """
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"compare: models must be names from MODELS {list(MODELS)}, got {unknown}")
    check_positive("compare", workers=workers)
    sizes = matched_hidden_sizes(task, budget)
    jobs = [(task, T, name, seed, sizes[MODELS[name][0]], steps, train_options)
            for T in lengths for name in models for seed in seeds]
    if workers == 1:
        return [_run(*job) for job in jobs]
    # Not fork: a copy of this (perhaps multi-threaded) process may hang. The fork server is a fresh
    # single-threaded process that imports torch once; each worker is a cheap fork of it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_one_thread) as pool:
        longest_first = sorted(range(len(jobs)), key=lambda i: -jobs[i][1])   # balances the workers' loads
        futures = {i: pool.submit(_run, *jobs[i]) for i in longest_first}
        return [futures[i].result() for i in range(len(jobs))]


def summary_table(runs, task):
    """A Markdown table of `runs` on one task: one row per length, one column per model.

    Each cell reads "k/n solved (at steps ...)", the steps at which the solved runs got
    there, and the median final test metric of the n runs (n is odd in the chapter).
    """
    lengths = sorted({run.T for run in runs})
    models = list(dict.fromkeys(run.model for run in runs))
    lines = [f"| T | {' | '.join(models)} |", "|---" * (len(models) + 1) + "|"]
    for T in lengths:
        cells = []
        for name in models:
            group = [run for run in runs if run.T == T and run.model == name]
            solved = sorted(run.solved_at for run in group if run.solved_at is not None)
            when = f" (at {', '.join(map(str, solved))})" if solved else ""
            final = sorted(run.history.final for run in group)[len(group) // 2]
            cells.append(f"{len(solved)}/{len(group)} solved{when}; {task.metric_name} {final:.3g}")
        lines.append(f"| {T} | {' | '.join(cells)} |")
    return "\n".join(lines)
