"""The fast NumPy GRU of the performance chapter, and its benchmark script.

Tolerances (tests/conftest.py): TOL_ROUNDING against torch.nn.GRU in float64, TOL_GRADCHECK
(gatedrnn.gradcheck, the course's one rule) against centered differences, TOL_FLOAT32 for float32
inputs against the float64 reference.
"""

import json

import numpy as np
import pytest

from autograder.assignments import REPO
from conftest import TOL_FLOAT32, TOL_ROUNDING, assert_close, draw, run
from gatedrnn.fast_gru import fast_gru_backward, fast_gru_forward
from gatedrnn.gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error
from gatedrnn.reference import gru_reference

NAMES = ["dx", "dh0", "dWx", "dWh", "dbx", "dbh"]
RESULTS = REPO / "bench" / "results" / "gru_numpy_vs_torch.json"


def problem(seed, N, T, D, H):
    return draw(np.random.default_rng(seed), (N, T, D), (N, H), (D, 3 * H), (H, 3 * H), (3 * H,), (3 * H,),
                (N, T, H))


@pytest.mark.parametrize("N,T,D,H", [(1, 1, 1, 1), (2, 3, 4, 5), (4, 7, 3, 2)])
def test_matches_torch_and_centered_differences(N, T, D, H):
    *inputs, dh = problem(N + T + D + H, N, T, D, H)
    h, cache = fast_gru_forward(*inputs)
    grads = fast_gru_backward(dh, cache)
    expected_h, expected = gru_reference(*inputs, dh)
    assert rel_error(h, expected_h) < TOL_ROUNDING
    assert_close(NAMES, grads, expected, TOL_ROUNDING, same_shapes=True)
    assert_close(NAMES, grads, numerical_gradients(lambda *a: fast_gru_forward(*a)[0], inputs, dh), TOL_GRADCHECK)


def test_float32_stays_float32_and_inputs_are_untouched():
    *inputs, dh = problem(1, 3, 5, 4, 6)
    inputs32, dh32 = [a.astype(np.float32) for a in inputs], dh.astype(np.float32)
    copies = [a.copy() for a in inputs32 + [dh32]]
    h, cache = fast_gru_forward(*inputs32)
    grads = fast_gru_backward(dh32, cache)
    grads_again = fast_gru_backward(dh32, cache)  # the cache is not consumed
    expected_h, expected = gru_reference(*inputs, dh)
    assert h.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
    assert rel_error(h, expected_h) < TOL_FLOAT32
    for name, found, again in zip(NAMES, grads, grads_again):
        assert rel_error(found, expected[name]) < TOL_FLOAT32 and np.array_equal(found, again), name
    assert all(np.array_equal(a, b) for a, b in zip(inputs32 + [dh32], copies))


def test_benchmark_script_runs_and_writes_what_the_chapter_reads(tmp_path):
    out = tmp_path / "quick.json"
    process = run(["python", str(REPO / "bench" / "gru_numpy_vs_torch.py"), "--quick", "--threads", "1,2",
                   "--out", str(out)])
    assert "NumPy/torch" in process.stdout
    quick, committed = json.loads(out.read_text()), json.loads(RESULTS.read_text())
    assert quick["quick"] and quick["threads"] == [1, 2] and len(quick["rows"]) == 4
    assert sorted((r["threads"], r["dtype"]) for r in quick["rows"]) == [
        (1, "float32"), (1, "float64"), (2, "float32"), (2, "float64")]
    for row in quick["rows"]:
        assert row["ratio"] == pytest.approx(row["numpy_ms"] / row["torch_ms"])
    # The committed results come from a full run of the same script version (same fields).
    assert set(committed) == set(quick) and set(committed["rows"][0]) == set(quick["rows"][0])
    assert not committed["quick"] and committed["threads"][0] == 1
    shapes = [(50, 32, 128, 128, "float32"), (50, 32, 128, 128, "float64"),
              (100, 64, 256, 256, "float32"), (100, 64, 256, 256, "float64")]
    for threads in committed["threads"]:
        assert sorted((r["T"], r["N"], r["D"], r["H"], r["dtype"]) for r in committed["rows"]
                      if r["threads"] == threads) == shapes
