"""Character-level text models with torch.nn.GRU, for the chapters "Text" and "Overfitting".

- data: `load_text` reads a committed public-domain excerpt (gatedrnn/data/texts/, whose README
  names the source and licence); `Vocabulary` maps characters to ids and back; `split_ids` cuts a
  sequence into contiguous parts (no window crosses from training into validation);
- batches: `random_windows` draws (input, next-character target) windows for a language model,
  `labelled_windows` and `tiled_windows` draw windows with a class label for a classifier;
- models: `CharGRU` (embedding -> GRU -> linear, one prediction per step) and `GRUClassifier`
  (embedding -> GRU -> linear on the last state);
- training: `fit`, gatedrnn.training's loop with AdamW, gradient clipping and early stopping on a
  validation loss;
- evaluation: `stream_loss` (cross-entropy in nats per character on a whole split), `perplexity`,
  `unigram_loss` (the baseline that ignores context), `accuracy`, and the bag-of-characters
  classifier `UnigramClassifier`;
- generation: `sample`, with a temperature.

Notation follows the book's notation page: N batch, T time steps, H hidden units, V the
vocabulary size, C the number of classes; batch-major tensors. Character ids are int64 tensors.
"""

import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from .training import Trainer

TEXTS = Path(__file__).parent / "data" / "texts"


def load_text(name):
    """The text of gatedrnn/data/texts/<name>.txt as a str (UTF-8), e.g. "carroll_alice"."""
    path = TEXTS / f"{name}.txt"
    if not path.is_file():
        available = sorted(p.stem for p in TEXTS.glob("*.txt"))
        raise ValueError(f"load_text: name {name!r} is not one of the committed texts {available}")
    return path.read_text(encoding="utf-8")


class Vocabulary:
    """The characters of a text, sorted, each with an id 0..V-1."""

    def __init__(self, text):
        if not text:
            raise ValueError("Vocabulary: text is empty; it needs at least one character")
        self.chars = sorted(set(text))
        self.ids = {c: i for i, c in enumerate(self.chars)}

    def __len__(self):
        return len(self.chars)

    def encode(self, text):
        """str of length L -> int64 tensor of shape (L,)."""
        unknown = sorted(set(text) - set(self.ids))
        if unknown:
            raise ValueError(f"Vocabulary.encode: text has characters not in the vocabulary: {unknown[:10]}")
        return torch.tensor([self.ids[c] for c in text], dtype=torch.int64)

    def decode(self, ids):
        """A sequence of ids (tensor or list, shape (L,)) -> str of length L."""
        return "".join(self.chars[int(i)] for i in ids)


def split_ids(ids, fractions):
    """Cut ids (L,) into contiguous parts whose lengths are the given fractions of L.

    Inputs:
    - ids: tensor of shape (L,)
    - fractions: positive numbers summing to 1, e.g. (0.9, 0.1) for training and validation

    Returns a list of tensors, one per fraction, in order; together they are ids.
    """
    if any(f <= 0 for f in fractions) or not math.isclose(sum(fractions), 1.0):
        raise ValueError(f"split_ids: fractions must be positive and sum to 1, got {tuple(fractions)}")
    L = len(ids)
    ends = [round(L * sum(fractions[:k + 1])) for k in range(len(fractions))]
    starts = [0] + ends[:-1]
    return [ids[a:b] for a, b in zip(starts, ends)]


def _check_window(function_name, ids, T, extra):
    if T < 1:
        raise ValueError(f"{function_name}: T must be at least 1, got {T}")
    if len(ids) < T + extra:
        raise ValueError(f"{function_name}: ids has {len(ids)} characters, fewer than a window of "
                         f"T + {extra} = {T + extra}")


def random_windows(ids, N, T, generator):
    """N windows of a language model's inputs and targets, at random places in ids.

    Inputs:
    - ids: int64 tensor of shape (L,), L >= T + 1
    - N, T: number of windows and their length
    - generator: a torch.Generator (the windows depend only on its state)

    Returns (x, y), each int64 of shape (N, T): y[n, t] = x[n, t + 1] is the character that follows.
    """
    _check_window("random_windows", ids, T, extra=1)
    starts = torch.randint(0, len(ids) - T, (N,), generator=generator)
    offsets = torch.arange(T + 1)
    windows = ids[starts[:, None] + offsets]                      # (N, T + 1)
    return windows[:, :-1], windows[:, 1:]


def labelled_windows(texts, N, T, generator):
    """N windows of length T, each from one of C texts chosen uniformly, with its label.

    Inputs:
    - texts: list of C int64 tensors, text c of shape (L_c,), L_c >= T
    - N, T, generator: as in `random_windows`

    Returns (x, labels): x int64 (N, T); labels int64 (N,) in 0..C-1, the text each window is from.
    """
    for c, ids in enumerate(texts):
        _check_window(f"labelled_windows (text {c})", ids, T, extra=0)
    labels = torch.randint(0, len(texts), (N,), generator=generator)
    fractions = torch.rand(N, generator=generator)
    x = torch.stack([texts[c][int(f * (len(texts[c]) - T + 1)):][:T] for c, f in zip(labels.tolist(), fractions)])
    return x, labels


def tiled_windows(texts, T):
    """Every non-overlapping window of length T of each text, the same number from each.

    Inputs:
    - texts: list of C int64 tensors, text c of shape (L_c,)
    - T: window length

    Returns (x, labels): x int64 (C * M, T), labels (C * M,), with M = min_c floor(L_c / T)
    windows from the start of each text (a balanced evaluation set).
    """
    M = min(len(ids) // T for ids in texts)
    if M == 0:
        raise ValueError(f"tiled_windows: a text is shorter than T = {T}")
    x = torch.cat([ids[:M * T].view(M, T) for ids in texts])
    labels = torch.arange(len(texts)).repeat_interleave(M)
    return x, labels


class CharGRU(torch.nn.Module):
    """A character-level language model: embedding -> GRU (num_layers) -> linear, at every step.

    With dropout p > 0 (active in training mode only), dropout is applied to the embeddings, between
    stacked GRU layers (torch.nn.GRU's own `dropout`) and to the top layer's states before the
    linear layer: every connection between layers, none on the recurrent connections.
    """

    def __init__(self, V, H, embedding_dim=32, num_layers=1, dropout=0.0):
        super().__init__()
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"CharGRU: dropout must be in [0, 1), got {dropout}")
        self.embedding = torch.nn.Embedding(V, embedding_dim)
        self.gru = torch.nn.GRU(embedding_dim, H, num_layers=num_layers, batch_first=True,
                                dropout=dropout if num_layers > 1 else 0.0)
        self.drop = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(H, V)

    def forward(self, x, h0=None):
        """x int64 (N, T), h0 (num_layers, N, H) or None -> logits (N, T, V), h_n (num_layers, N, H)."""
        states, h_n = self.gru(self.drop(self.embedding(x)), h0)     # (N, T, H)
        return self.head(self.drop(states)), h_n


class GRUClassifier(torch.nn.Module):
    """A sequence classifier: embedding -> GRU -> linear on the top layer's last state."""

    def __init__(self, V, H, C, embedding_dim=32, num_layers=1):
        super().__init__()
        self.embedding = torch.nn.Embedding(V, embedding_dim)
        self.gru = torch.nn.GRU(embedding_dim, H, num_layers=num_layers, batch_first=True)
        self.head = torch.nn.Linear(H, C)

    def forward(self, x):
        """x int64 (N, T) -> class scores (N, C), from h_n[-1], the last layer's state after step T."""
        _, h_n = self.gru(self.embedding(x))                          # (num_layers, N, H)
        return self.head(h_n[-1])


def language_model_loss(model, x, y):
    """Mean cross-entropy (nats per character) of a CharGRU's predictions; x, y int64 (N, T)."""
    logits, _ = model(x)                                              # (N, T, V)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def classifier_loss(model, x, labels):
    """Mean cross-entropy of a classifier's scores; x int64 (N, T), labels int64 (N,)."""
    return F.cross_entropy(model(x), labels)


@torch.no_grad()
def stream_loss(model, ids, n_streams=16):
    """Cross-entropy in nats per character of a CharGRU on a whole split, in evaluation mode.

    The split is cut into n_streams contiguous pieces, run side by side as one batch (N =
    n_streams), each as a single long sequence from a zero state: every character but the first
    of each piece is predicted from all the text before it in its piece.

    Inputs:
    - model: a CharGRU
    - ids: int64 tensor of shape (L,), L >= 2 * n_streams

    Returns a float: the mean loss over the n_streams * (floor(L / n_streams) - 1) predictions.
    """
    L = len(ids) // n_streams
    if L < 2:
        raise ValueError(f"stream_loss: ids has {len(ids)} characters, too few for {n_streams} streams")
    streams = ids[:n_streams * L].view(n_streams, L)                  # (N, L)
    was_training = model.training
    model.eval()
    loss = language_model_loss(model, streams[:, :-1], streams[:, 1:])
    model.train(was_training)
    return float(loss)


def perplexity(loss):
    """exp(loss): the perplexity of a mean cross-entropy in nats (the effective number of choices)."""
    return math.exp(loss)


def unigram_loss(train_ids, eval_ids, V):
    """Cross-entropy (nats per character) on eval_ids of the unigram model fitted on train_ids.

    The unigram model predicts every character from its frequency in train_ids, ignoring all
    context; add-one (Laplace) smoothing gives characters unseen in training a small probability.
    Inputs: train_ids (L1,), eval_ids (L2,) int64; V the vocabulary size. Returns a float.
    """
    counts = torch.bincount(train_ids, minlength=V).double() + 1.0
    log_p = torch.log(counts / counts.sum())                          # (V,)
    return float(-log_p[eval_ids].mean())


class UnigramClassifier:
    """Bag-of-characters naive Bayes: which text's character frequencies explain a window best.

    It sees which characters a window has and how often, never their order: the baseline that a
    classifier reading the sequence must beat to show that order helps.
    """

    def __init__(self, texts, V):
        """texts: list of C int64 tensors (L_c,), the training part of each class; V vocabulary size."""
        counts = torch.stack([torch.bincount(ids, minlength=V).double() + 1.0 for ids in texts])  # (C, V)
        self.log_p = torch.log(counts / counts.sum(dim=1, keepdim=True))

    def scores(self, x):
        """x int64 (N, T) -> log-likelihood of each window under each class, (N, C)."""
        return self.log_p[:, x].sum(dim=-1).T

    def predict(self, x):
        """x int64 (N, T) -> predicted labels (N,)."""
        return self.scores(x).argmax(dim=1)


@torch.no_grad()
def accuracy(predict, x, labels):
    """Fraction of windows x (N, T) whose predicted label, predict(x) of shape (N,), equals labels (N,)."""
    return float((predict(x) == labels).double().mean())


@dataclass
class History:
    """What `fit` recorded: at each evaluation, the step and the evaluation's losses."""
    steps: list = field(default_factory=list)
    train: list = field(default_factory=list)
    val: list = field(default_factory=list)
    best_step: int = 0
    stopped_early: bool = False

    @property
    def best_val(self):
        return min(self.val)


def fit(model, next_batch, loss_fn, evaluate, steps, lr=3e-3, weight_decay=0.0, eval_every=50,
        patience=None, clip=1.0):
    """Train with AdamW; evaluate every eval_every steps; optionally stop early.

    Inputs:
    - model: a torch.nn.Module
    - next_batch: callable () -> (x, target), the next training batch
    - loss_fn: callable (model, x, target) -> scalar loss tensor
    - evaluate: callable (model) -> (train_loss, val_loss), two floats to minimise (losses or
      error rates), computed in evaluation mode (so without dropout) on fixed data
    - steps: the largest number of optimizer steps
    - lr, weight_decay: AdamW's learning rate and (decoupled) weight decay
    - eval_every: steps between evaluations (the first is at step 0, before training)
    - patience: None to train all steps; else stop after `patience` evaluations in a row without
      a new lowest validation loss, and restore the weights of the lowest
    - clip: the largest gradient norm (torch.nn.utils.clip_grad_norm_), or None

    Returns a History. The model is trained in place; with patience set, it ends with the weights
    that had the lowest validation loss. The loop is gatedrnn.training.Trainer's.
    """
    trainer = Trainer(steps, clip=clip, evaluate=evaluate, eval_every=eval_every, monitor=lambda losses: losses[1],
                      patience=patience, restore_best=patience is not None)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    log = trainer.fit(model, optimizer, (next_batch() for _ in itertools.count()), loss_fn)
    return History(steps=log.eval_steps, train=[train for train, _ in log.evaluations],
                   val=[val for _, val in log.evaluations], best_step=log.best_step,
                   stopped_early=log.stopped == "patience")


@torch.no_grad()
def sample(model, vocab, prompt, length, temperature=1.0, generator=None):
    """Continue `prompt` by `length` characters drawn from a CharGRU, one at a time.

    Each next character is drawn from softmax(logits / temperature): temperature 1 samples the
    model's own distribution, lower values sharpen it towards the most likely character, higher
    values flatten it towards uniform.

    Inputs:
    - model: a CharGRU; vocab: its Vocabulary
    - prompt: a non-empty str of characters in vocab
    - length: the number of characters to generate
    - temperature: a positive float
    - generator: a torch.Generator for reproducible draws, or None

    Returns the generated str (without the prompt), of length `length`.
    """
    if temperature <= 0:
        raise ValueError(f"sample: temperature must be positive, got {temperature}")
    if not prompt:
        raise ValueError("sample: prompt is empty; it needs at least one character")
    was_training = model.training
    model.eval()
    logits, h = model(vocab.encode(prompt)[None])                    # (1, len(prompt), V)
    out = []
    for _ in range(length):
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)     # (V,)
        next_id = torch.multinomial(probs, 1, generator=generator)     # (1,)
        out.append(int(next_id))
        logits, h = model(next_id[None], h)                            # (1, 1, V)
    model.train(was_training)
    return vocab.decode(out)
