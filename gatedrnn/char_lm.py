"""The character language model's data and shapes, the learner's kit part.

The exercise `char_lm` imports this module in the learner's own Python (it is in the learner's
kit): the parameter names, the training budget, the model's initial parameters and the texts as
character ids. The layers, the model's loss, Adam, clipping, training and sampling, which the
exercise asks for, are gatedrnn.worked.char_lm, which the chapters and the grader use and the kit
leaves out. Notation as on the book's notation page: N batch, T time steps, D embedding size,
H hidden units, V vocabulary size.
"""

import math
from pathlib import Path

import numpy as np

from .i18n import N_, tr
from .testing import Misconception

#: The model's parameters, in the order the torch twin (gatedrnn.reference.char_lm) lists them.
PARAMETER_NAMES = ("W_embed", "Wx", "Wh", "bx", "bh", "W_out", "b_out")
#: The exercise's training budget: CPU seconds (time.process_time, one thread) for train_char_lm,
#: and the validation perplexity it must reach on the Alice excerpt. The course's solution takes
#: about 3 s and reaches about 6.2; the unigram baseline's perplexity is 21.2.
TRAIN_CPU_SECONDS = 20.0
TARGET_PERPLEXITY = 8.0



# -- the model's parameters ---------------------------------------------------------------

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



# -- data ------------------------------------------------------------------------------------

def encode(text, chars=None):
    """Character ids of a text: (ids int64 (L,), chars) with chars the sorted vocabulary (V,)."""
    chars = sorted(set(text)) if chars is None else list(chars)
    lookup = {c: i for i, c in enumerate(chars)}
    unknown = sorted(set(text) - set(lookup))
    if unknown:
        raise ValueError("encode: " + tr("text has characters not in the vocabulary: {unknown}", unknown=unknown[:10]))
    return np.array([lookup[c] for c in text], dtype=np.int64), chars


def random_batch(ids, N, T, rng):
    """N windows of T+1 characters at random places in ids (L,): inputs and next-character targets.

    Returns (x, y), integer arrays of shape (N, T), y[n, t] = x[n, t + 1] in the text.
    """
    if len(ids) < T + 1:
        raise ValueError("random_batch: " + tr("ids has {length} characters, fewer than a window of T + 1 = {window}",
                                               length=len(ids), window=T + 1))
    starts = rng.integers(0, len(ids) - T, size=N)
    windows = ids[starts[:, None] + np.arange(T + 1)]                  # (N, T + 1)
    return windows[:, :-1], windows[:, 1:]


TEXTS = Path(__file__).parent / "data" / "texts"  # committed public-domain excerpts


def load_text(name):
    """The text of gatedrnn/data/texts/<name>.txt as a str (UTF-8), e.g. "carroll_alice"."""
    path = TEXTS / f"{name}.txt"
    if not path.is_file():
        available = sorted(p.stem for p in TEXTS.glob("*.txt"))
        raise ValueError("load_text: " + tr("name {name!r} is not one of the committed texts {available}", name=name,
                                            available=available))
    return path.read_text(encoding="utf-8")


def split_text(name="carroll_alice", fraction=0.9):
    """The ids of a committed text (gatedrnn/data/texts/) cut into training and validation parts.

    Returns (train_ids, val_ids, chars): contiguous parts, the first `fraction` of the text for
    training (no validation character is ever inside a training window), and the vocabulary.
    """
    ids, chars = encode(load_text(name))
    split = round(fraction * len(ids))
    return ids[:split], ids[split:], chars


# -- the exercise's messages (its test cells show them, in the learner's language) ---------------

#: embedding_backward's mistake: dW[idx] += dout keeps one update per repeated id.
EMBEDDING_OVERWRITE = Misconception(
    "embedding-repeated-ids",
    tr.later(N_("rows of ids that occur more than once got only one of their gradients: `dW[idx] += dout` keeps one "
                "update per repeated index; accumulate with np.add.at, which adds every one.")))
#: temporal_softmax_loss's mistake: the mean over every position instead of the unmasked ones.
MEAN_OVER_ALL = Misconception(
    "softmax-mask-mean",
    tr.later(N_("the loss was averaged over all N*T positions (or over N), not over the positions where the mask "
                "is True; divide by mask.sum().")))
#: The cases of the exercise's checks that are words, not sizes.
HUGE_SCORES_CASE = N_("huge scores, {case}")
FLOAT32_SCORES_CASE = N_("float32 scores, {case}")
FLOAT32_INPUTS_CASE = N_("float32 inputs, {case}")
FLOAT32_W_CASE = N_("float32 W, {case}")
#: What a language model too slow to train should change.
FASTER_TRAINING = tr.later(N_("use fewer steps or a smaller model."))
#: The visible test's score and a remark on its target.
VALIDATION_PERPLEXITY = tr.later(N_("your model's validation perplexity"))
UNIGRAM_NOTE = tr.later(N_(" (the unigram model's is 21.2)"))
#: The hidden test's comparison of two models trained with the same seed, and its hint.
SAME_SEED_PERPLEXITY = tr.later(N_("the validation perplexity of a second model trained with the same seed"))
SAME_SEED_HINT = tr.later(N_("draw everything random from numpy.random.default_rng(seed)."))


def case_of(template, case):
    """A case named by one of the templates above around a case of sizes ("float32 inputs, N=2, T=3")."""
    return tr.later(template, case=case)


def validation_line(perplexity, seconds):
    """The visible test's result line: the validation perplexity, its target and the CPU time of training."""
    return tr("Validation perplexity {perplexity:.2f} (target {target:g}), trained in {seconds:.1f} s of CPU.",
              perplexity=perplexity, target=TARGET_PERPLEXITY, seconds=seconds)
