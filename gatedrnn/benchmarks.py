"""The committed benchmark results (bench/results/*.json), as the chapters show them.

`make bench` runs the scripts in bench/ and writes one JSON file each; the book reads the
committed files and never times these benchmarks while it builds. Used by the GRU
performance chapter (chapters/03_gru/07_performance), "Devices, cuDNN and closing the gap"
(chapters/04_gru_torch/02_gpu_and_speed) and "Training time" (chapters/05_apps/05_training_time).
"""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "bench" / "results"


def load_results(name):
    """The results of benchmark `name` (e.g. "gru_torch_vs_cudnn"), from bench/results/NAME.json, as a dict."""
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        known = sorted(p.stem for p in RESULTS.glob("*.json"))
        raise ValueError(f"load_results: name {name!r} has no results file {path}; known: {known}")
    return json.loads(path.read_text())


def torch_vs_cudnn_table(results):
    """The CPU run of bench/gru_torch_vs_cudnn.py as a Markdown table, with a line saying how it was measured."""
    run = results["cpu_run"]
    lines = [f"CPU, (T, N, D, H) = ({run['T']}, {run['N']}, {run['D']}, {run['H']}), float32, "
             f"{results['threads']} thread, median of {results['repeats']}, torch {results['torch']}, {results['date']}",
             "", "| version | ms per step | ratio to nn.GRU | GEMMs in one forward | over T·N rows |",
             "|---|---|---|---|---|"]
    for row in run["rows"]:
        lines.append(f"| {row['version']} | {row['ms_per_step']:.3f} | {row['ratio']:.2f} | "
                     f"{row['gemms_per_forward']} | {row['gemms_over_TN_rows']} |")
    return "\n".join(lines)
