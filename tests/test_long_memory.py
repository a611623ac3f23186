"""gatedrnn.long_memory: the task generators, the parameter-matched models, the training loop.

Fast (a few seconds): tiny batches, short sequences, a handful of training steps. The
learning itself is checked by the chapter "Long-term dependencies", which runs the
full experiment when the book builds.
"""

import math

import pytest
import torch

from gatedrnn.benchmarks import load_results, torch_vs_cudnn_table
from gatedrnn.long_memory import (ADDING, COPY, MODELS, SequenceModel, adding_problem, compare, copy_task,
                                  count_parameters, delayed_echo, matched_hidden_sizes, parameter_count,
                                  summary_table, train)


pytestmark = pytest.mark.usefixtures("one_thread")   # tiny models: one thread is as fast


def generator(seed=0):
    return torch.Generator().manual_seed(seed)


# -- tasks -----------------------------------------------------------------------------

def test_adding_problem_shapes_markers_and_target():
    x, y = adding_problem(50, 12, generator())
    assert x.shape == (50, 12, 2) and y.shape == (50, 1) and x.dtype == y.dtype == torch.float32
    markers = x[..., 1]
    assert torch.equal(markers[:, :6].sum(dim=1), torch.ones(50))      # one marker in the first half
    assert torch.equal(markers[:, 6:].sum(dim=1), torch.ones(50))      # one in the second
    assert torch.allclose(y[:, 0], (x[..., 0] * markers).sum(dim=1))
    assert bool(((x[..., 0] >= 0) & (x[..., 0] < 1)).all())


def test_adding_problem_chance_level_is_one_sixth():
    _, y = adding_problem(200_000, 10, generator(1))
    # Var(u1 + u2) = 1/6; the standard error of the estimate is ~5e-4 at this size.
    assert abs(float(((y - 1) ** 2).mean()) - 1 / 6) < 3e-3


def test_copy_task_layout():
    x, y = copy_task(8, 11, generator(), symbols=3, alphabet=4)
    assert x.shape == (8, 11, 6) and y.shape == (8, 3) and y.dtype == torch.int64
    tokens = x.argmax(dim=-1)                                           # (8, 11)
    assert torch.equal(x.sum(dim=-1), torch.ones(8, 11))                # one-hot
    assert torch.equal(tokens[:, :3], y)                                # the symbols first
    assert bool((tokens[:, 7] == 5).all())                              # the go marker at T - symbols - 1
    blanks = torch.cat([tokens[:, 3:7], tokens[:, 8:]], dim=1)
    assert bool((blanks == 4).all())                                    # blanks everywhere else


def test_delayed_echo():
    x, y, mask = delayed_echo(4, 20, 3, generator())
    assert x.shape == (4, 20, 1) and y.shape == (4, 20) and mask.shape == (20,)
    assert torch.equal(y[:, 3:], x[:, :-3, 0]) and not bool(mask[:3].any()) and bool(mask[3:].all())


def test_generators_are_deterministic_and_seed_dependent():
    assert all(torch.equal(a, b) for a, b in zip(adding_problem(4, 10, generator(3)), adding_problem(4, 10, generator(3))))
    assert not torch.equal(copy_task(16, 9, generator(3))[1], copy_task(16, 9, generator(4))[1])


@pytest.mark.parametrize("call, argument", [
    (lambda: adding_problem(0, 10, generator()), "N"),
    (lambda: adding_problem(4, 1, generator()), "T"),
    (lambda: copy_task(4, 6, generator(), symbols=3), "T"),
    (lambda: copy_task(4, 10, generator(), alphabet=1), "alphabet"),
    (lambda: delayed_echo(4, 3, 3, generator()), "T"),
    (lambda: SequenceModel("TCN", 2, 4, 1), "kind"),
    (lambda: SequenceModel("GRU", 2, 4, 1, forget_bias=1.0), "forget_bias"),
    (lambda: matched_hidden_sizes(ADDING, 0), "budget"),
    (lambda: compare(ADDING, (5,), (0,), 1, 100, models=("Transformer",)), "models"),
    (lambda: compare(ADDING, (5,), (0,), 1, 100, workers=0), "workers"),
    (lambda: load_results("no_such_benchmark"), "name"),
])
def test_bad_arguments_are_named(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


# -- models and parameter budgets ---------------------------------------------------------

@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_parameter_formula_matches_the_module(kind):
    for D, H, O in [(2, 5, 1), (6, 7, 4)]:
        assert count_parameters(SequenceModel(kind, D, H, O)) == parameter_count(kind, D, H, O)


def test_matched_sizes_are_within_two_percent_and_closest():
    for task in (ADDING, COPY):
        budget = parameter_count("LSTM", task.input_size, 24, task.output_size)
        sizes = matched_hidden_sizes(task, budget)
        assert sizes["LSTM"] == 24
        for kind, H in sizes.items():
            count = parameter_count(kind, task.input_size, H, task.output_size)
            assert abs(count - budget) / budget < 0.02
            for other in (H - 1, H + 1):   # no neighbouring size is closer
                assert abs(parameter_count(kind, task.input_size, other, task.output_size) - budget) >= abs(count - budget)


def test_model_output_shape_and_forget_bias():
    torch.manual_seed(0)
    plain = SequenceModel("LSTM", 6, 5, 4, readout_steps=3)
    torch.manual_seed(0)
    biased = SequenceModel("LSTM", 6, 5, 4, readout_steps=3, forget_bias=1.0)
    assert plain(torch.zeros(2, 9, 6)).shape == (2, 3, 4)
    difference = (biased.recurrent.bias_ih_l0 - plain.recurrent.bias_ih_l0).detach()         # blocks i | f | g | o
    assert torch.allclose(difference[5:10], torch.ones(5)) and float(difference[:5].abs().max()) == 0
    assert float(difference[10:].abs().max()) == 0


# -- training ---------------------------------------------------------------------------

def test_train_records_a_learning_curve_and_reduces_the_loss():
    torch.manual_seed(0)
    model = SequenceModel("GRU", 2, 8, 1)
    history = train(model, ADDING, 5, 60, seed=0, eval_every=20, test_size=64)
    assert history.steps == [0, 20, 40, 60] and len(history.test_metric) == 4
    assert len(history.train_loss) == len(history.grad_norm) == len(history.lr) == 60
    assert history.final < 0.5 * history.test_metric[0]        # from an untrained ~1 to below the chance 1/6 region
    assert history.seconds > 0


def test_train_is_reproducible():
    results = []
    for _ in range(2):
        torch.manual_seed(1)
        results.append(train(SequenceModel("RNN", 6, 8, 4, 3), COPY, 8, 10, seed=2, test_size=32).train_loss)
    assert results[0] == results[1]


def test_clipping_bounds_the_applied_gradient_and_records_the_norm_before():
    torch.manual_seed(0)
    model = SequenceModel("RNN", 2, 16, 1)
    with torch.no_grad():
        model.recurrent.weight_hh_l0 *= 4                      # an exploding RNN
    history = train(model, ADDING, 30, 1, seed=0, clip=0.5, lr=0.0, optimizer=torch.optim.SGD, test_size=8)
    assert history.grad_norm[0] > 0.5                          # the recorded norm is the one before clipping
    norm_after = math.sqrt(sum(float((p.grad ** 2).sum()) for p in model.parameters()))
    assert abs(norm_after - 0.5) < 1e-4


def test_schedule_is_stepped():
    torch.manual_seed(0)
    history = train(SequenceModel("GRU", 2, 4, 1), ADDING, 5, 4, seed=0, lr=0.1, test_size=8,
                    schedule=lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5))
    assert history.lr == pytest.approx([0.1, 0.1, 0.05, 0.05])


def test_compare_stops_when_solved_and_tabulates():
    runs = compare(COPY, (7,), (0,), 400, budget=600, models=("RNN", "GRU"), eval_every=10, test_size=64)
    assert [(run.model, run.T, run.seed) for run in runs] == [("RNN", 7, 0), ("GRU", 7, 0)]
    for run in runs:
        assert abs(run.parameters - 600) / 600 < 0.05
        if run.solved_at is not None:                           # stopped at the first solving measurement
            assert run.history.steps[-1] == run.solved_at and COPY.is_solved(run.history.final)
            assert not any(COPY.is_solved(m) for m in run.history.test_metric[:-1])
        else:
            assert run.history.steps[-1] == 400
    assert any(run.solved_at is not None for run in runs)      # a delay of 4 steps is learnt in 400 steps
    table = summary_table(runs, COPY)
    assert table.splitlines()[0] == "| T | RNN | GRU |" and table.count("\n") == 2 and "solved" in table


def test_compare_in_worker_processes_gives_the_serial_numbers():
    options = dict(lengths=(7, 9), seeds=(0, 1), steps=30, budget=300, models=("RNN", "GRU"), eval_every=10,
                   test_size=32)
    serial, parallel = compare(COPY, **options), compare(COPY, workers=2, **options)
    assert [(r.T, r.model, r.seed) for r in parallel] == [(r.T, r.model, r.seed) for r in serial]
    for a, b in zip(serial, parallel):
        assert (a.history.steps, a.history.train_loss, a.history.grad_norm, a.history.test_metric, a.solved_at) == (
            b.history.steps, b.history.train_loss, b.history.grad_norm, b.history.test_metric, b.solved_at)


def test_known_models():
    assert set(MODELS) == {"RNN", "LSTM", "LSTM, forget bias 1", "GRU"}


# -- committed benchmark results ----------------------------------------------------------

def test_benchmark_table():
    results = load_results("gru_torch_vs_cudnn")
    table = torch_vs_cudnn_table(results)
    assert table.count("\n| ") == len(results["cpu_run"]["rows"]) + 1 and "nn.GRU" in table
