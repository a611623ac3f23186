"""A character language model in NumPy: the layers around a recurrent layer, Adam, clipping, training.

The chapters of the part "A language model in NumPy" derive every function here; the exercise
`char_lm` has the learner write the layers again. The model is

    idx (N, T) --embedding--> x (N, T, D) --GRU--> h (N, T, H) --temporal affine--> scores (N, T, V)
    --temporal softmax loss with a mask--> loss

with the course's NumPy GRU (gatedrnn.fast_gru) in the middle. Layers come in cs231n pairs: a
forward returning (out, cache) and a backward taking the upstream gradient and that cache.
Parameters live in a dict (PARAMETER_NAMES), gradients in a dict with the same keys.

Notation follows the book's notation page: N batch, T time steps, D embedding size, H hidden
units, V vocabulary size; batch-major; weights multiply on the right. Character ids are
integer arrays; everything else keeps the parameters' floating dtype.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .fast_gru import fast_gru_backward, fast_gru_forward

#: The model's parameters, in the order the torch twin (gatedrnn.reference.char_lm) lists them.
PARAMETER_NAMES = ("W_embed", "Wx", "Wh", "bx", "bh", "W_out", "b_out")
#: The exercise's training budget: CPU seconds (time.process_time, one thread) for train_char_lm,
#: and the validation perplexity it must reach on the Alice excerpt. The course's solution takes
#: about 3 s and reaches about 6.2; the unigram baseline's perplexity is 21.2.
TRAIN_CPU_SECONDS = 20.0
TARGET_PERPLEXITY = 8.0


# -- the layers ------------------------------------------------------------------------------

def embedding_forward(idx, W):
    """Look up a vector for every character id.

    Inputs:
    - idx: integer ids, of shape (N, T), each in [0, V)
    - W: the embedding matrix, of shape (V, D); row v is the vector of id v

    Returns (out, cache): out of shape (N, T, D), out[n, t] = W[idx[n, t]]; cache for
    embedding_backward.
    """
    idx = np.asarray(idx)
    out = W[idx]                                                     # (N, T, D), a copy (fancy indexing)
    return out, (idx, W.shape[0])


def embedding_backward(dout, cache):
    """Gradient of the embedding matrix.

    Inputs:
    - dout: upstream gradient, of shape (N, T, D)
    - cache: from embedding_forward

    Returns dW, of shape (V, D): row v is the sum of dout over every position whose id is v
    (rows of repeated ids add up; ids that do not occur get zeros).
    """
    idx, V = cache
    D = dout.shape[-1]
    dW = np.zeros((V, D), dtype=dout.dtype)
    np.add.at(dW, idx.reshape(-1), dout.reshape(-1, D))               # unbuffered: repeats accumulate
    return dW


def temporal_affine_forward(h, W, b):
    """The same affine map at every time step.

    Inputs:
    - h: hidden states, of shape (N, T, H)
    - W: weights, of shape (H, V)
    - b: biases, of shape (V,)

    Returns (out, cache): out = h @ W + b, of shape (N, T, V); cache for temporal_affine_backward.
    """
    N, T, H = h.shape
    out = (h.reshape(N * T, H) @ W + b).reshape(N, T, W.shape[1])   # one GEMM over all N*T rows
    return out, (h, W)


def temporal_affine_backward(dout, cache):
    """Backward pass of temporal_affine_forward.

    Inputs:
    - dout: upstream gradient, of shape (N, T, V)
    - cache: from temporal_affine_forward

    Returns (dh, dW, db) of shapes (N, T, H), (H, V), (V,): the weights are shared by every
    step, so their gradients sum over all N*T positions.
    """
    h, W = cache
    N, T, H = h.shape
    flat = dout.reshape(N * T, -1)                                   # (N*T, V)
    dh = (flat @ W.T).reshape(N, T, H)
    dW = h.reshape(N * T, H).T @ flat                                # (H, V)
    db = flat.sum(axis=0)                                            # (V,)
    return dh, dW, db


def temporal_softmax_loss(scores, y, mask):
    """Mean cross-entropy of a softmax at every unmasked position, and its gradient.

    Inputs:
    - scores: unnormalised log-probabilities, of shape (N, T, V)
    - y: target ids, of shape (N, T), each in [0, V)
    - mask: booleans, of shape (N, T), at least one True; positions where it is False
      (padding) count for nothing

    Returns (loss, dscores):
    - loss: a float, the mean over the M = mask.sum() unmasked positions of -log softmax(scores)[y]
      (torch.nn.functional.cross_entropy with the other positions ignored)
    - dscores: gradient of the loss, of shape (N, T, V): (softmax - one_hot(y)) / M where the
      mask is True, 0 elsewhere

    Finite for scores of any magnitude: the maximum of each row is subtracted before exp
    (softmax does not change), so exp never overflows, and log softmax is computed as
    shifted - log(sum exp(shifted)), never as the log of a probability that rounded to 0.
    """
    N, T, V = scores.shape
    mask = np.asarray(mask, dtype=bool)
    count = mask.sum()
    if count == 0:
        raise ValueError("temporal_softmax_loss: mask has no True entry; the mean over no positions is undefined")
    flat = scores.reshape(N * T, V)
    shifted = flat - flat.max(axis=1, keepdims=True)                 # (N*T, V), every row's max is 0
    log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))     # (N*T, 1), in [0, log V]
    log_probs = shifted - log_sum                                    # log softmax
    rows, targets, weights = np.arange(N * T), np.asarray(y).reshape(-1), mask.reshape(-1)
    loss = -log_probs[rows, targets][weights].sum() / count
    dflat = np.exp(log_probs)                                        # softmax
    dflat[rows, targets] -= 1.0
    dflat *= (weights / count).astype(dflat.dtype)[:, None]          # masked positions get 0
    return float(loss), dflat.reshape(N, T, V)


# -- the model -------------------------------------------------------------------------------

def init_params(V, D, H, seed, dtype=np.float64):
    """Initial parameters of the character model, drawn like torch.nn's defaults.

    Embedding rows are standard normal (torch.nn.Embedding); the GRU's and the output layer's
    weights and biases are uniform in (-1/sqrt(H), 1/sqrt(H)) (torch.nn.GRU and torch.nn.Linear
    with H inputs).

    Inputs: V vocabulary size, D embedding size, H hidden units, seed an int.
    Returns a dict with W_embed (V, D), Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,), W_out (H, V),
    b_out (V,).
    """
    rng = np.random.default_rng(seed)
    bound = 1.0 / math.sqrt(H)
    uniform = lambda *shape: rng.uniform(-bound, bound, shape)  # noqa: E731
    params = {"W_embed": rng.standard_normal((V, D)), "Wx": uniform(D, 3 * H), "Wh": uniform(H, 3 * H),
              "bx": uniform(3 * H), "bh": uniform(3 * H), "W_out": uniform(H, V), "b_out": uniform(V)}
    return {name: value.astype(dtype) for name, value in params.items()}


def model_forward(params, idx, h0=None):
    """Scores of the next character at every step.

    Inputs:
    - params: dict as init_params returns
    - idx: input ids, of shape (N, T)
    - h0: initial hidden state, of shape (N, H), or None for zeros

    Returns (scores, h_last, cache): scores (N, T, V); h_last (N, H) the state after step T
    (to carry on from, when sampling); cache for model_backward.
    """
    N = np.shape(idx)[0]
    H = params["Wh"].shape[0]
    h0 = np.zeros((N, H), dtype=params["Wh"].dtype) if h0 is None else h0
    x, embed_cache = embedding_forward(idx, params["W_embed"])                 # (N, T, D)
    h, gru_cache = fast_gru_forward(x, h0, params["Wx"], params["Wh"], params["bx"], params["bh"])  # (N, T, H)
    scores, affine_cache = temporal_affine_forward(h, params["W_out"], params["b_out"])  # (N, T, V)
    return scores, h[:, -1].copy(), (embed_cache, gru_cache, affine_cache)


def model_backward(dscores, cache):
    """Gradients of every parameter from the gradient of the scores (N, T, V); a dict keyed like params."""
    embed_cache, gru_cache, affine_cache = cache
    dh, dW_out, db_out = temporal_affine_backward(dscores, affine_cache)
    dx, _, dWx, dWh, dbx, dbh = fast_gru_backward(dh, gru_cache)
    dW_embed = embedding_backward(dx, embed_cache)
    return {"W_embed": dW_embed, "Wx": dWx, "Wh": dWh, "bx": dbx, "bh": dbh, "W_out": dW_out, "b_out": db_out}


def model_loss(params, idx, y, mask=None):
    """Loss of the character model on a batch, and the gradient of every parameter.

    Inputs:
    - params: dict as init_params returns
    - idx: input ids, of shape (N, T)
    - y: target ids, of shape (N, T): y[n, t] is the character after idx[n, t]
    - mask: booleans (N, T), or None for every position

    Returns (loss, grads): the mean cross-entropy in nats per character (a float) and a dict of
    gradients keyed like params.
    """
    scores, _, cache = model_forward(params, idx)
    mask = np.ones(np.shape(y), dtype=bool) if mask is None else mask
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    return loss, model_backward(dscores, cache)


# -- optimisation ----------------------------------------------------------------------------

def clip_gradients(grads, max_norm):
    """Scale all gradients together so that their global norm is at most max_norm.

    As torch.nn.utils.clip_grad_norm_: the global norm is the Euclidean norm of all gradients
    as one vector; they are multiplied by min(1, max_norm / (norm + 1e-6)).

    Inputs: grads, a dict of arrays; max_norm, a positive float.
    Returns (clipped, norm): a new dict of arrays, and the norm before clipping (a float).
    """
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    scale = min(1.0, max_norm / (norm + 1e-6))
    return {name: g * scale for name, g in grads.items()}, norm


@dataclass
class Adam:
    """Adam (Kingma and Ba, 2015) with torch.optim.Adam's arithmetic, on a dict of NumPy arrays.

    For each parameter p with gradient g, at step t = 1, 2, ...:
        m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
        p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """
    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: dict = field(default_factory=dict)
    v: dict = field(default_factory=dict)

    def step(self, params, grads):
        """Update params (a dict of arrays) in place from grads (a dict with the same keys)."""
        self.t += 1
        correction1 = 1.0 - self.beta1 ** self.t
        root_correction2 = math.sqrt(1.0 - self.beta2 ** self.t)
        for name, g in grads.items():
            m = self.m.setdefault(name, np.zeros_like(g))
            v = self.v.setdefault(name, np.zeros_like(g))
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            params[name] -= (self.lr / correction1) * m / (np.sqrt(v) / root_correction2 + self.eps)


# -- data and training -----------------------------------------------------------------------

def encode(text, chars=None):
    """Character ids of a text: (ids int64 (L,), chars) with chars the sorted vocabulary (V,)."""
    chars = sorted(set(text)) if chars is None else list(chars)
    lookup = {c: i for i, c in enumerate(chars)}
    unknown = sorted(set(text) - set(lookup))
    if unknown:
        raise ValueError(f"encode: text has characters not in the vocabulary: {unknown[:10]}")
    return np.array([lookup[c] for c in text], dtype=np.int64), chars


def random_batch(ids, N, T, rng):
    """N windows of T+1 characters at random places in ids (L,): inputs and next-character targets.

    Returns (x, y), integer arrays of shape (N, T), y[n, t] = x[n, t + 1] in the text.
    """
    if len(ids) < T + 1:
        raise ValueError(f"random_batch: ids has {len(ids)} characters, fewer than a window of T + 1 = {T + 1}")
    starts = rng.integers(0, len(ids) - T, size=N)
    windows = ids[starts[:, None] + np.arange(T + 1)]                  # (N, T + 1)
    return windows[:, :-1], windows[:, 1:]


@dataclass
class TrainingRun:
    """What `train` recorded: the loss of every step, and the CPU seconds it took."""
    losses: list
    cpu_seconds: float


def train(params, batches, steps, lr=3e-3, max_norm=1.0, optimizer=None):
    """Train the character model in place with Adam and gradient clipping.

    Inputs:
    - params: dict as init_params returns (updated in place)
    - batches: callable with no argument returning (x, y), integer arrays (N, T)
    - steps: number of updates; lr: Adam's learning rate; max_norm: the clipping threshold
    - optimizer: an Adam to continue with (training in several calls, its moments and step
      count carry over; lr is then ignored), or None for a fresh Adam(lr)

    Returns a TrainingRun: the loss of every step's batch (before that step's update).
    """
    optimizer = Adam(lr=lr) if optimizer is None else optimizer
    losses, started = [], time.process_time()
    for _ in range(steps):
        x, y = batches()
        loss, grads = model_loss(params, x, y)
        grads, _ = clip_gradients(grads, max_norm)
        optimizer.step(params, grads)
        losses.append(loss)
    return TrainingRun(losses, time.process_time() - started)


def split_text(name="carroll_alice", fraction=0.9):
    """The ids of a committed text (gatedrnn/data/texts/) cut into training and validation parts.

    Returns (train_ids, val_ids, chars): contiguous parts, the first `fraction` of the text for
    training (no validation character is ever inside a training window), and the vocabulary.
    """
    from .text import load_text

    ids, chars = encode(load_text(name))
    split = round(fraction * len(ids))
    return ids[:split], ids[split:], chars


def stream_loss(params, ids, n_streams=16):
    """Cross-entropy in nats per character on a whole split, read as n_streams contiguous pieces.

    Each piece is one long sequence from a zero state, so every character but the first of each
    piece is predicted from all the text before it in its piece.

    Inputs: params; ids (L,) integer, L >= 2 * n_streams. Returns a float.
    """
    L = len(ids) // n_streams
    if L < 2:
        raise ValueError(f"stream_loss: ids has {len(ids)} characters, too few for {n_streams} streams")
    streams = np.asarray(ids[:n_streams * L]).reshape(n_streams, L)
    scores, _, _ = model_forward(params, streams[:, :-1])
    loss, _ = temporal_softmax_loss(scores, streams[:, 1:], np.ones((n_streams, L - 1), dtype=bool))
    return loss


# -- generation ------------------------------------------------------------------------------

def sample(params, prompt_ids, length, temperature, rng):
    """Generate characters free-running: each sampled character is the next step's input.

    Inputs:
    - params: the model's parameters
    - prompt_ids: integer ids (P,), P >= 1, read first (their predictions are not used)
    - length: how many characters to generate
    - temperature: > 0; the scores are divided by it before the softmax (below 1 sharper,
      above 1 flatter); 0 means greedy, always the most probable character
    - rng: a numpy Generator

    Returns the generated ids, of shape (length,).
    """
    prompt_ids = np.asarray(prompt_ids).reshape(1, -1)
    scores, h, _ = model_forward(params, prompt_ids)                  # read the prompt
    generated = []
    for _ in range(length):
        last = scores[0, -1]                                         # (V,)
        if temperature == 0:
            next_id = int(np.argmax(last))
        else:
            logits = last / temperature
            p = np.exp(logits - logits.max())
            next_id = int(rng.choice(len(p), p=p / p.sum()))
        generated.append(next_id)
        scores, h, _ = model_forward(params, np.array([[next_id]]), h)
    return np.array(generated, dtype=np.int64)


def teacher_forced_predictions(params, ids):
    """The model's most probable next character at every position, fed the true characters.

    Inputs: ids (L,), the true text. Returns (L - 1,) ids: entry t is the prediction of
    ids[t + 1] from the true ids[:t + 1].
    """
    scores, _, _ = model_forward(params, np.asarray(ids)[None, :-1])  # (1, L - 1, V)
    return scores[0].argmax(axis=1)
