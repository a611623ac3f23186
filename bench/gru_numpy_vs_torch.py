"""Time the course's fast NumPy GRU against torch.nn.GRU, forward + backward, on the CPU.

    python bench/gru_numpy_vs_torch.py [--threads 1,2] [--repeats 15] [--min-seconds 5] [--out FILE] [--quick]

Both run in one process, on the same float32 or float64 data and weights, with the same
number of threads (BLAS for NumPy, intra-op for torch; both set before NumPy and torch load).
Each thread count of --threads (default: 1 and every core of the machine) is measured in a
process of its own, since a BLAS library's thread count is fixed when it loads.
One measurement is one forward and one backward pass computing every gradient (dx, dh0,
dWx, dWh, dbx, dbh) for an upstream gradient on every hidden state. The two are timed
interleaved (A, B, A, B, ...) after a warm-up, at least 15 times each and for at least 5 s
per configuration, and the best (minimum) time of each is kept:
on a shared, noisy machine the minimum is the least disturbed estimate of what the code
costs, and interleaving exposes both to the same disturbances. Before timing, both are run
on the same inputs and their outputs compared, so a fast wrong answer cannot be reported.

Prints a table with the ratio NumPy / torch (below 1: NumPy is faster) and writes it, with
the machine and the versions, as JSON to --out (default bench/results/gru_numpy_vs_torch.json,
which the book's performance chapter shows).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = [(50, 32, 128, 128), (100, 64, 256, 256)]  # (T, N, D, H), from issue 5
QUICK_SHAPES = [(5, 4, 8, 8)]
DTYPES = ["float32", "float64"]
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "gru_numpy_vs_torch.json"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default=None,
                        help="comma-separated thread counts for NumPy's BLAS and for torch, each measured in a "
                             "process of its own (default: 1, reproducible on shared machines, and all cores; "
                             "--quick: 1)")
    parser.add_argument("--repeats", type=int, default=15, help="least timed runs of each, interleaved (default 15)")
    parser.add_argument("--min-seconds", type=float, default=5.0,
                        help="keep alternating for at least this long per configuration (default 5), so that the "
                             "minimum is taken over a spread of moments on a busy machine")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write")
    parser.add_argument("--quick", action="store_true", help="one tiny shape, 2 repeats: checks that it runs")
    return parser.parse_args(argv)


def limit_threads(threads):
    """Set the thread count of every BLAS/OpenMP library; must run before NumPy and torch load."""
    if "numpy" in sys.modules or "torch" in sys.modules:
        raise RuntimeError("limit_threads must run before numpy and torch are imported")
    for variable in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                     "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"]:
        os.environ[variable] = str(threads)


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def make_problem(T, N, D, H, dtype, seed=0):
    """Inputs, weights and an upstream gradient, scaled so that no gate saturates."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, T, D))
    h0 = 0.1 * rng.standard_normal((N, H))
    Wx = rng.standard_normal((D, 3 * H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, 3 * H)) / np.sqrt(H)
    bx, bh = 0.1 * rng.standard_normal(3 * H), 0.1 * rng.standard_normal(3 * H)
    dh = rng.standard_normal((N, T, H))
    return [a.astype(dtype) for a in (x, h0, Wx, Wh, bx, bh, dh)]


def numpy_runner(x, h0, Wx, Wh, bx, bh, dh):
    from gatedrnn.fast_gru import fast_gru_backward, fast_gru_forward

    def run():
        h, cache = fast_gru_forward(x, h0, Wx, Wh, bx, bh)
        return h, fast_gru_backward(dh, cache)
    return run


def torch_runner(x, h0, Wx, Wh, bx, bh, dh):
    import torch

    dtype = getattr(torch, str(x.dtype))
    D, H = Wx.shape[0], Wh.shape[0]
    gru = torch.nn.GRU(D, H, batch_first=True, dtype=dtype)
    with torch.no_grad():
        gru.weight_ih_l0.copy_(torch.from_numpy(Wx.T.copy()))
        gru.weight_hh_l0.copy_(torch.from_numpy(Wh.T.copy()))
        gru.bias_ih_l0.copy_(torch.from_numpy(bx))
        gru.bias_hh_l0.copy_(torch.from_numpy(bh))
    x_t = torch.from_numpy(x).requires_grad_()
    h0_t = torch.from_numpy(h0)[None].requires_grad_()
    dh_t = torch.from_numpy(dh)
    leaves = [x_t, h0_t, *gru.parameters()]

    def run():
        for leaf in leaves:
            leaf.grad = None
        h, _ = gru(x_t, h0_t)
        h.backward(dh_t)
        return h.detach().numpy(), [x_t.grad.numpy(), h0_t.grad[0].numpy(), gru.weight_ih_l0.grad.numpy().T,
                                    gru.weight_hh_l0.grad.numpy().T, gru.bias_ih_l0.grad.numpy(),
                                    gru.bias_hh_l0.grad.numpy()]
    return run


def agree(a, b, dtype):
    """Relative error of the two runs' outputs and gradients (the largest), for the sanity check."""
    import numpy as np

    (h_a, g_a), (h_b, g_b) = a, b
    return max(float(np.linalg.norm(p - q) / (np.linalg.norm(p) + np.linalg.norm(q)))
               for p, q in zip([h_a, *g_a], [h_b, *g_b]))


def time_interleaved(runners, repeats, min_seconds=0.0):
    """Best wall-clock time of each runner, timed A, B, A, B, ... after one warm-up run each.

    Alternates at least `repeats` times and for at least `min_seconds`; returns
    (best time of each runner in seconds, number of rounds).
    """
    for run in runners:
        run()
    best = [float("inf")] * len(runners)
    rounds, began = 0, time.perf_counter()
    while rounds < repeats or time.perf_counter() - began < min_seconds:
        for k, run in enumerate(runners):
            start = time.perf_counter()
            run()
            best[k] = min(best[k], time.perf_counter() - start)
        rounds += 1
    return best, rounds


def thread_counts(args):
    """The thread counts to measure: --threads, or 1 and every core (1 alone for --quick)."""
    if args.threads:
        counts = sorted({int(n) for n in args.threads.split(",")})
        if not counts or counts[0] < 1:
            raise SystemExit(f"--threads: positive thread counts, comma-separated, expected; got {args.threads!r}")
        return counts
    return [1] if args.quick else sorted({1, os.cpu_count() or 1})


def measure(threads, quick, repeats, min_seconds):
    """Time every shape and dtype with `threads` threads in this process; returns the rows."""
    limit_threads(threads)
    import torch

    torch.set_num_threads(threads)
    shapes = QUICK_SHAPES if quick else SHAPES
    rows = []
    for T, N, D, H in shapes:
        for dtype in DTYPES:
            problem = make_problem(T, N, D, H, dtype)
            numpy_run, torch_run = numpy_runner(*problem), torch_runner(*problem)
            error = agree(numpy_run(), torch_run(), dtype)
            limit = 1e-3 if dtype == "float32" else 1e-10   # float32: ~1e-7 per op over T steps
            if not error < limit:
                raise SystemExit(f"NumPy and torch disagree at {(T, N, D, H)} {dtype}: relative error {error:.1e}")
            (numpy_s, torch_s), rounds = time_interleaved([numpy_run, torch_run], repeats, min_seconds)
            rows.append({"threads": threads, "T": T, "N": N, "D": D, "H": H, "dtype": dtype,
                         "numpy_ms": 1e3 * numpy_s, "torch_ms": 1e3 * torch_s, "runs": rounds,
                         "ratio": numpy_s / torch_s, "max_rel_error": error})
    return rows


def main(argv=None):
    args = parse_args(argv)
    counts = thread_counts(args)
    repeats, min_seconds = (2, 0.0) if args.quick else (args.repeats, args.min_seconds)
    if len(counts) > 1:  # one child process per thread count, each writing its rows to a file
        rows = []
        with tempfile.TemporaryDirectory() as folder:
            for threads in counts:
                part = Path(folder) / f"{threads}.json"
                command = [sys.executable, __file__, "--threads", str(threads), "--repeats", str(args.repeats),
                           "--min-seconds", str(args.min_seconds), "--out", str(part)] + (["--quick"] if args.quick else [])
                subprocess.run(command, check=True)
                rows += json.loads(part.read_text())["rows"]
    else:
        print(f"fast NumPy GRU vs torch.nn.GRU, forward + backward, {counts[0]} thread(s), "
              f"best of at least {repeats} interleaved runs and {min_seconds:g} s")
        print(f"{'T':>4} {'N':>4} {'D':>4} {'H':>4} {'dtype':>8} {'NumPy ms':>9} {'torch ms':>9} {'runs':>5} "
              f"{'NumPy/torch':>12}")
        rows = measure(counts[0], args.quick, repeats, min_seconds)
        for r in rows:
            print(f"{r['T']:4d} {r['N']:4d} {r['D']:4d} {r['H']:4d} {r['dtype']:>8} {r['numpy_ms']:9.2f} "
                  f"{r['torch_ms']:9.2f} {r['runs']:5d} {r['ratio']:12.2f}")
    import numpy as np
    import torch

    result = {
        "benchmark": "bench/gru_numpy_vs_torch.py",
        "what": "fast NumPy GRU (gatedrnn.fast_gru) vs torch.nn.GRU, forward + backward, CPU",
        "threads": counts, "repeats": repeats, "min_seconds": min_seconds,
        "statistic": "minimum over interleaved runs",
        "quick": args.quick,
        "date": time.strftime("%Y-%m-%d"), "cpu": cpu_model(), "cores": os.cpu_count(),
        "machine": platform.machine(), "python": platform.python_version(), "numpy": np.__version__,
        "torch": torch.__version__, "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
