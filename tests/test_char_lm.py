"""gatedrnn.char_lm: the layers around a recurrent layer, the model, Adam, clipping, training.

Tolerances: 1e-12 against torch in float64 (both exact up to rounding; only the summation order
differs); gatedrnn.gradcheck.TOL_GRADCHECK against centered differences (the course's one rule);
1e-5 for float32 inputs against the float64 reference (float32 keeps ~7 digits). The
NumPy and torch training runs agree to 1e-10 per step's loss over 30 steps: each step adds
rounding differences of ~1e-16 that Adam's division by sqrt(v) can amplify, yet they stay
many orders of magnitude below 1e-10 (measured: ~2e-15).
"""

import numpy as np
import pytest
import torch

from gatedrnn.char_lm import (PARAMETER_NAMES, Adam, clip_gradients, embedding_backward, embedding_forward,
                              encode, init_params, model_loss, random_batch, sample, stream_loss,
                              teacher_forced_predictions, temporal_affine_backward, temporal_affine_forward,
                              temporal_softmax_loss, train)
from gatedrnn.gradcheck import TOL_GRADCHECK, numerical_gradients, rel_error
from gatedrnn.reference import (TorchCharLM, embedding_reference, temporal_affine_reference,
                                temporal_softmax_loss_reference, train_reference)
from gatedrnn.text import load_text


@pytest.mark.parametrize("N,T,V,D", [(1, 1, 1, 1), (3, 4, 5, 2), (2, 6, 3, 4)])
def test_embedding_matches_torch_and_repeated_ids_add_up(N, T, V, D):
    rng = np.random.default_rng(N + T + V + D)
    idx = rng.integers(0, V, size=(N, T))
    idx[0, 0] = idx[-1, -1] = 0  # a repeated id
    W, dout = rng.standard_normal((V, D)), rng.standard_normal((N, T, D))
    out, cache = embedding_forward(idx, W)
    dW = embedding_backward(dout, cache)
    expected_out, expected_dW = embedding_reference(idx, W, dout)
    assert out.shape == (N, T, D) and rel_error(out, expected_out) < 1e-12
    assert dW.shape == (V, D) and rel_error(dW, expected_dW) < 1e-12
    (numeric,) = numerical_gradients(lambda W: embedding_forward(idx, W)[0], [W], dout)
    assert rel_error(dW, numeric) < TOL_GRADCHECK


@pytest.mark.parametrize("N,T,H,V", [(1, 1, 1, 1), (2, 3, 4, 5)])
def test_temporal_affine_matches_torch_and_centered_differences(N, T, H, V):
    rng = np.random.default_rng(N * T * H * V)
    h, W, b, dout = (rng.standard_normal(s) for s in [(N, T, H), (H, V), (V,), (N, T, V)])
    out, cache = temporal_affine_forward(h, W, b)
    grads = temporal_affine_backward(dout, cache)
    expected_out, expected = temporal_affine_reference(h, W, b, dout)
    assert rel_error(out, expected_out) < 1e-12
    numeric = numerical_gradients(lambda *a: temporal_affine_forward(*a)[0], [h, W, b], dout)
    for found, want, fd in zip(grads, expected, numeric):
        assert found.shape == want.shape and rel_error(found, want) < 1e-12 and rel_error(found, fd) < TOL_GRADCHECK


@pytest.mark.parametrize("N,T,V", [(1, 1, 1), (1, 1, 3), (3, 5, 7)])
def test_softmax_loss_matches_torch_with_a_mask(N, T, V):
    rng = np.random.default_rng(N + T + V)
    scores, y = rng.standard_normal((N, T, V)), rng.integers(0, V, size=(N, T))
    mask = rng.random((N, T)) < 0.6
    mask[0, 0] = True
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    expected_loss, expected = temporal_softmax_loss_reference(scores, y, mask)
    assert abs(loss - expected_loss) < 1e-12 and rel_error(dscores, expected) < 1e-12
    assert np.all(dscores[~mask] == 0)
    (numeric,) = numerical_gradients(lambda s: np.array(temporal_softmax_loss(s, y, mask)[0]), [scores], 1.0)
    assert rel_error(dscores, numeric) < TOL_GRADCHECK


def test_softmax_loss_is_finite_for_huge_scores_and_refuses_an_empty_mask():
    scores = np.array([[[1e300, -1e300, 0.0], [1e4, 1e4 + 2.0, -1e4]]])
    y, mask = np.array([[0, 0]]), np.array([[True, True]])
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    assert np.isfinite(loss) and np.all(np.isfinite(dscores))
    expected_loss, expected = temporal_softmax_loss_reference(scores, y, mask)
    assert abs(loss - expected_loss) < 1e-12 and rel_error(dscores, expected) < 1e-12
    with pytest.raises(ValueError, match="mask has no True entry"):
        temporal_softmax_loss(scores, y, np.zeros((1, 2), dtype=bool))


def test_float32_stays_float32_and_inputs_are_untouched():
    rng = np.random.default_rng(3)
    h, W, b, dout = (rng.standard_normal(s).astype(np.float32) for s in [(2, 3, 4), (4, 5), (5,), (2, 3, 5)])
    copies = [a.copy() for a in (h, W, b, dout)]
    out, cache = temporal_affine_forward(h, W, b)
    assert out.dtype == np.float32 and all(g.dtype == np.float32 for g in temporal_affine_backward(dout, cache))
    loss, dscores = temporal_softmax_loss(out, np.zeros((2, 3), dtype=np.int64), np.ones((2, 3), dtype=bool))
    expected_loss, expected = temporal_softmax_loss_reference(out.astype(np.float64), np.zeros((2, 3)),
                                                              np.ones((2, 3), dtype=bool))
    assert dscores.dtype == np.float32 and rel_error(dscores, expected) < 1e-5 and abs(loss - expected_loss) < 1e-5
    assert all(np.array_equal(a, c) for a, c in zip((h, W, b, dout), copies))


def test_model_gradients_match_torch_autograd():
    rng = np.random.default_rng(4)
    params = init_params(V=6, D=3, H=4, seed=0)
    x, y = rng.integers(0, 6, size=(2, 5)), rng.integers(0, 6, size=(2, 5))
    loss, grads = model_loss(params, x, y)
    model = TorchCharLM(params)
    scores = model(torch.as_tensor(x))
    expected = torch.nn.functional.cross_entropy(scores.reshape(-1, 6), torch.as_tensor(y).reshape(-1))
    expected.backward()
    torch_grads = {"W_embed": model.embedding.weight.grad, "Wx": model.gru.weight_ih_l0.grad.T,
                   "Wh": model.gru.weight_hh_l0.grad.T, "bx": model.gru.bias_ih_l0.grad,
                   "bh": model.gru.bias_hh_l0.grad, "W_out": model.head.weight.grad.T, "b_out": model.head.bias.grad}
    assert abs(loss - expected.item()) < 1e-12
    for name in PARAMETER_NAMES:
        assert rel_error(grads[name], torch_grads[name].numpy()) < 1e-12, name


def test_clipping_and_adam_follow_torch():
    rng = np.random.default_rng(5)
    grads = {"a": rng.standard_normal((3, 2)), "b": rng.standard_normal(4)}
    clipped, norm = clip_gradients(grads, 0.5)
    tensors = [torch.tensor(g, requires_grad=True) for g in grads.values()]
    for t, g in zip(tensors, grads.values()):
        t.grad = torch.tensor(g)
    assert abs(norm - torch.nn.utils.clip_grad_norm_(tensors, 0.5).item()) < 1e-12
    assert all(rel_error(c, t.grad.numpy()) < 1e-12 for c, t in zip(clipped.values(), tensors))
    assert clip_gradients(grads, 1e9)[0]["a"] is not grads["a"]  # a new dict of new arrays, never in place


def test_numpy_and_torch_training_give_the_same_losses_step_after_step():
    ids, chars = encode(load_text("carroll_alice")[:5000])
    params = init_params(len(chars), D=8, H=16, seed=2)
    rng = np.random.default_rng(2)
    batches = [random_batch(ids, 4, 12, rng) for _ in range(30)]
    mine = {name: value.copy() for name, value in params.items()}
    feed = iter(batches)
    run = train(mine, lambda: next(feed), steps=30, lr=1e-2, max_norm=0.5)
    feed = iter(batches)
    theirs, trained = train_reference(params, lambda: next(feed), steps=30, lr=1e-2, max_norm=0.5)
    assert len(run.losses) == 30 and run.losses[-1] < run.losses[0] - 0.5  # it learnt something
    assert max(abs(a - b) for a, b in zip(run.losses, theirs)) < 1e-10
    assert all(rel_error(mine[name], trained[name]) < 1e-10 for name in PARAMETER_NAMES)


def test_sampling_and_teacher_forcing():
    ids, chars = encode("abcabcabcabc" * 20)
    params = init_params(len(chars), D=4, H=8, seed=0)
    rng = np.random.default_rng(0)
    train(params, lambda: random_batch(ids, 8, 10, rng), steps=150, lr=3e-2)
    assert stream_loss(params, ids, n_streams=4) < 0.1
    assert "".join(chars[i] for i in sample(params, ids[:3], 9, 0, rng)) == "abcabcabc"  # greedy
    assert np.array_equal(teacher_forced_predictions(params, ids[:30]), ids[1:30])
    hot = sample(params, ids[:3], 200, 1e6, np.random.default_rng(1))  # a huge temperature: near uniform
    assert set(hot.tolist()) == {0, 1, 2}
    with pytest.raises(ValueError, match="not in the vocabulary"):
        encode("abd", chars)


def test_adam_first_step_moves_each_weight_by_lr():
    params = {"w": np.array([1.0, -2.0])}
    Adam(lr=0.1).step(params, {"w": np.array([3.0, -1e-3])})
    assert np.allclose(params["w"], [0.9, -1.9], atol=1e-4)  # the first step is lr * sign(g), up to eps
