"""Time the from-scratch PyTorch GRUs (gatedrnn.torch_gru) against torch.nn.GRU, forward + backward.

    python bench/gru_torch_vs_cudnn.py [--threads 1] [--repeats 15] [--out FILE] [--quick]

Same process, same device, float32, same weights and inputs. One measurement is a forward
pass and a backward pass for an upstream gradient on every output (gradients of x, h0 and
all four parameters). After two warm-up runs each version is timed `--repeats` times,
interleaved with nn.GRU, and the MEDIAN is kept; the ratio is version / nn.GRU (below 1: the
from-scratch one is faster). On CUDA every timing synchronises the device first and last.
Before timing, every version's output is compared with nn.GRU's.

Shapes (T, N, D, H): (100, 64, 256, 256) on the CPU; (100, 64, 512, 512) on CUDA when there is
a GPU (otherwise the CUDA part is recorded as skipped). Also recorded: the TorchScript compile
time (first call), and from torch.profiler the matrix-multiply kernels of ONE forward pass of
each version, with how many of them run over all T*N rows (the hoisted input projection).
Writes JSON to --out (default bench/results/gru_torch_vs_cudnn.json), which the book shows.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "gru_torch_vs_cudnn.json"
CPU_SHAPE, CUDA_SHAPE, QUICK_SHAPE = (100, 64, 256, 256), (100, 64, 512, 512), (5, 4, 8, 8)
GEMM_OPS = {"aten::mm", "aten::addmm", "aten::bmm", "aten::matmul"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads on the CPU (default 1)")
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of each version (default 15)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--quick", action="store_true", help="one tiny shape, 3 repeats: checks that it runs")
    return parser.parse_args(argv)


def problem(T, N, D, H, device, seed=0):
    """nn.GRU, its parameters, x (T, N, D), h0 (N, H) and an upstream gradient (T, N, H)."""
    import torch

    torch.manual_seed(seed)
    reference = torch.nn.GRU(D, H).to(device)
    x = torch.randn(T, N, D, device=device, requires_grad=True)
    h0 = (0.1 * torch.randn(1, N, H, device=device)).requires_grad_()
    return reference, x, h0, torch.randn(T, N, H, device=device)


def runner(version, reference, x, h0, up):
    """A function running one forward + backward of `version` ('nn.GRU' or a gatedrnn.torch_gru name)."""
    import torch

    from gatedrnn.torch_gru import VERSIONS

    params = list(reference.parameters())
    if version == "nn.GRU":
        forward = lambda: reference(x, h0)[0]  # noqa: E731
    else:
        forward = lambda: VERSIONS[version](x, h0[0], *params)  # noqa: E731

    def run():
        out = forward()
        torch.autograd.grad(out, [x, h0, *params], up)
        return out
    return run


def timed(run, device):
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize()
    began = time.perf_counter()
    run()
    if device.type == "cuda":
        torch.cuda.synchronize()  # the GPU runs asynchronously: wait for it before reading the clock
    return time.perf_counter() - began


def gemm_kernels(run_forward, T, N):
    """(GEMMs in one forward, how many of them have T*N rows) from torch.profiler's recorded shapes."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    with torch.no_grad(), profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        run_forward()
    gemms = [e for e in prof.events() if e.name in GEMM_OPS and not _nested(e)]
    big = [e for e in gemms if any(s and s[0] == T * N for s in e.input_shapes if isinstance(s, list))]
    return len(gemms), len(big)


def _nested(event):
    """True for a GEMM op called by another GEMM op (aten::matmul -> aten::mm): count it once."""
    parent = event.cpu_parent
    while parent is not None:
        if parent.name in GEMM_OPS:
            return True
        parent = parent.cpu_parent
    return False


def measure(device, shape, repeats):
    """Ratios version / nn.GRU (medians), errors, GEMM counts and compile time on one device."""
    import torch

    from gatedrnn.torch_gru import VERSIONS

    T, N, D, H = shape
    reference, x, h0, up = problem(*shape, device)
    params = list(reference.parameters())
    expected = reference(x, h0)[0].detach()
    rows, runs = [], {"nn.GRU": runner("nn.GRU", reference, x, h0, up)}
    compile_s = None
    for name in VERSIONS:
        began = time.perf_counter()
        with torch.no_grad():
            out = VERSIONS[name](x, h0[0], *params)
        if name == "scripted":
            compile_s = time.perf_counter() - began
        error = float((out - expected).abs().max() / expected.abs().max())
        gemms, big = gemm_kernels(lambda v=name: VERSIONS[v](x, h0[0], *params), T, N)
        rows.append({"version": name, "max_rel_error": error, "gemms_per_forward": gemms,
                     "gemms_over_TN_rows": big})
        runs[name] = runner(name, reference, x, h0, up)
    gemms, big = gemm_kernels(lambda: reference(x, h0), T, N)
    rows.append({"version": "nn.GRU", "max_rel_error": 0.0, "gemms_per_forward": gemms, "gemms_over_TN_rows": big})
    times = {name: [] for name in runs}
    for _ in range(2):  # warm-up (TorchScript profiles its first runs; caches fill)
        for run in runs.values():
            run()
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].append(timed(run, device))
    base = statistics.median(times["nn.GRU"])
    for row in rows:
        row["ms"] = 1e3 * statistics.median(times[row["version"]])
        row["ms_per_step"] = row["ms"] / T
        row["ratio"] = row["ms"] / (1e3 * base)
    return {"device": str(device), "T": T, "N": N, "D": D, "H": H, "dtype": "float32",
            "scripted_compile_s": compile_s, "rows": rows}


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch

    torch.set_num_threads(args.threads)
    repeats = 3 if args.quick else args.repeats
    results = {"benchmark": "bench/gru_torch_vs_cudnn.py", "statistic": "median", "repeats": repeats,
               "threads": args.threads, "quick": args.quick, "date": datetime.date.today().isoformat(),
               "torch": torch.__version__, "cuda": torch.version.cuda, "machine": platform.machine(),
               "cpu": platform.processor() or "unknown"}
    results["cpu_run"] = measure(torch.device("cpu"), QUICK_SHAPE if args.quick else CPU_SHAPE, repeats)
    if torch.cuda.is_available():
        results["gpu"] = torch.cuda.get_device_name(0)
        results["cuda_run"] = measure(torch.device("cuda"), QUICK_SHAPE if args.quick else CUDA_SHAPE, repeats)
    else:
        results["gpu"] = None
        results["cuda_run"] = "skipped: no GPU on the machine that ran the benchmark"
    for key in ["cpu_run", "cuda_run"]:
        run = results[key]
        if isinstance(run, str):
            print(f"{key}: {run}")
            continue
        print(f"{run['device']} (T, N, D, H) = ({run['T']}, {run['N']}, {run['D']}, {run['H']}), float32, "
              f"median of {repeats}; TorchScript compile {run['scripted_compile_s']:.2f} s")
        for row in run["rows"]:
            print(f"  {row['version']:>9}: {row['ms']:8.1f} ms  ratio {row['ratio']:.2f}  "
                  f"GEMMs/forward {row['gemms_per_forward']} ({row['gemms_over_TN_rows']} over T*N rows)  "
                  f"max rel error {row['max_rel_error']:.1e}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
