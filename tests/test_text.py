"""gatedrnn.text: vocabulary, windows, models, training with early stopping, baselines, sampling.

Fast (a few seconds): tiny models and texts. Tolerances: TOL_ROUNDING (tests/conftest.py) for
float64 sums computed two ways; 1e-6 for float32 model outputs compared with themselves run another
way (float32 rounding of the same products).
"""

import math

import pytest
import torch

from conftest import TOL_ROUNDING
from gatedrnn.text import (TEXTS, CharGRU, GRUClassifier, UnigramClassifier, Vocabulary, accuracy, fit,
                           labelled_windows, language_model_loss, load_text, perplexity, random_windows, sample,
                           split_ids, stream_loss, tiled_windows, unigram_loss)


pytestmark = pytest.mark.usefixtures("one_thread")   # tiny models: one thread is as fast


def test_committed_texts_load_with_their_readme():
    alice, holmes = load_text("carroll_alice"), load_text("doyle_holmes")
    assert alice.startswith("CHAPTER I.\nDown the Rabbit-Hole") and alice.rstrip().endswith("anything else.")
    assert holmes.startswith("I. A SCANDAL IN BOHEMIA") and holmes.rstrip().endswith("specialist in crime.")
    assert "Gutenberg" not in alice + holmes                     # no licence boilerplate in the excerpts
    assert (len(alice), len(holmes)) == (45665, 31146)              # the sizes the README states
    readme = (TEXTS / "README.md").read_text()
    assert "public domain" in readme and "#11" in readme and "#1661" in readme
    with pytest.raises(ValueError, match="name 'shakespeare'"):
        load_text("shakespeare")


def test_vocabulary_round_trip_and_errors():
    vocab = Vocabulary("hello, world")
    assert vocab.chars == sorted(set("hello, world")) and len(vocab) == 9
    ids = vocab.encode("world")
    assert ids.dtype == torch.int64 and ids.shape == (5,)
    assert vocab.decode(ids) == "world" and vocab.decode(ids.tolist()) == "world"
    with pytest.raises(ValueError, match=r"not in the vocabulary: \['z'\]"):
        vocab.encode("wz")
    with pytest.raises(ValueError, match="text is empty"):
        Vocabulary("")


def test_split_ids_is_contiguous_and_complete():
    ids = torch.arange(101)
    parts = split_ids(ids, (0.7, 0.1, 0.2))
    assert [len(p) for p in parts] == [71, 10, 20]
    assert torch.equal(torch.cat(parts), ids)
    for bad in [(0.5, 0.4), (1.0, 0.0), (1.2, -0.2)]:
        with pytest.raises(ValueError, match="fractions"):
            split_ids(ids, bad)


def test_random_windows_targets_are_the_next_characters():
    ids = torch.arange(50)
    x, y = random_windows(ids, N=7, T=5, generator=torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (7, 5)
    assert torch.equal(x[:, 1:], x[:, :-1] + 1) and torch.equal(y, x + 1)   # contiguous, shifted by one
    assert int(y.max()) <= 49
    again = random_windows(ids, N=7, T=5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(again[0], x)                                          # the generator decides
    with pytest.raises(ValueError, match="T \\+ 1 = 51"):
        random_windows(ids, N=1, T=50, generator=torch.Generator())


def test_labelled_and_tiled_windows_come_from_their_text():
    texts = [torch.arange(0, 40), torch.arange(100, 130)]
    x, labels = labelled_windows(texts, N=50, T=6, generator=torch.Generator().manual_seed(1))
    assert x.shape == (50, 6) and labels.shape == (50,)
    assert set(labels.tolist()) == {0, 1}
    for window, label in zip(x, labels):
        text = texts[label]
        assert int(window[0]) in text.tolist() and torch.equal(window, window[0] + torch.arange(6))
        assert int(window[-1]) <= int(text[-1])
    x, labels = tiled_windows(texts, T=7)                     # 40 // 7 = 5, 30 // 7 = 4: 4 from each
    assert x.shape == (8, 7) and labels.tolist() == [0] * 4 + [1] * 4
    assert torch.equal(x[4], torch.arange(100, 107))
    with pytest.raises(ValueError, match="shorter than T = 31"):
        tiled_windows(texts, T=31)


def test_char_gru_shapes_state_and_dropout():
    torch.manual_seed(0)
    model = CharGRU(V=11, H=6, embedding_dim=4, num_layers=2, dropout=0.5)
    x = torch.randint(0, 11, (3, 5))
    logits, h_n = model.eval()(x)
    assert logits.shape == (3, 5, 11) and h_n.shape == (2, 3, 6)
    # Carrying the state: two halves with the state passed on give the same scores as the whole.
    first, h = model(x[:, :2])
    second, _ = model(x[:, 2:], h)
    assert torch.allclose(torch.cat([first, second], dim=1), logits, atol=1e-6)
    # Dropout acts in training mode only.
    assert torch.equal(model(x)[0], logits)
    assert not torch.equal(model.train()(x)[0], logits)
    with pytest.raises(ValueError, match="dropout"):
        CharGRU(V=3, H=2, dropout=1.0)


def test_classifier_reads_the_last_state_of_the_top_layer():
    torch.manual_seed(0)
    model = GRUClassifier(V=9, H=5, C=3, num_layers=2).eval()
    x = torch.randint(0, 9, (4, 6))
    states, _ = model.gru(model.embedding(x))
    assert torch.allclose(model(x), model.head(states[:, -1]), atol=1e-6)
    assert model(x).shape == (4, 3)


def test_unigram_loss_and_perplexity():
    train, evaluation = torch.tensor([0, 0, 0, 1]), torch.tensor([0, 1, 2])
    # add-one counts 4, 2, 1 over V = 3: p = 4/7, 2/7, 1/7
    expected = -(math.log(4 / 7) + math.log(2 / 7) + math.log(1 / 7)) / 3
    assert abs(unigram_loss(train, evaluation, V=3) - expected) < TOL_ROUNDING
    assert perplexity(math.log(5.0)) == pytest.approx(5.0)
    # A uniform model over V characters has perplexity V.
    assert perplexity(unigram_loss(torch.arange(4), torch.arange(4), V=4)) == pytest.approx(4.0)


def test_stream_loss_is_the_mean_over_every_prediction():
    torch.manual_seed(0)
    model = CharGRU(V=6, H=4, embedding_dim=3)
    ids = torch.randint(0, 6, (41,))
    found = stream_loss(model, ids, n_streams=4)              # 4 streams of 10: 9 predictions each
    streams = ids[:40].view(4, 10)
    with torch.no_grad():
        expected = float(language_model_loss(model.eval(), streams[:, :-1], streams[:, 1:]))
    assert abs(found - expected) < 1e-6
    with pytest.raises(ValueError, match="too few"):
        stream_loss(model, ids[:5], n_streams=4)


def test_unigram_classifier_counts_characters():
    texts = [torch.tensor([0, 0, 0, 0, 1]), torch.tensor([1, 1, 1, 1, 0])]
    bag = UnigramClassifier(texts, V=2)
    x = torch.tensor([[0, 0, 1], [1, 1, 0], [1, 0, 1]])
    assert bag.scores(x).shape == (3, 2)
    assert bag.predict(x).tolist() == [0, 1, 1]
    # Order does not matter to a bag of characters.
    assert torch.equal(bag.scores(x), bag.scores(x.flip(dims=[1])))
    assert accuracy(bag.predict, x, torch.tensor([0, 1, 0])) == pytest.approx(2 / 3)


def tiny_run(patience, steps=60):
    """A tiny language model on a repetitive text; validation on a shifted copy."""
    vocab = Vocabulary("abcd ")
    ids = vocab.encode("abcd " * 40)
    torch.manual_seed(0)
    model = CharGRU(len(vocab), H=8, embedding_dim=4)
    g = torch.Generator().manual_seed(0)
    history = fit(model, lambda: random_windows(ids, N=4, T=8, generator=g), language_model_loss,
                  lambda m: (stream_loss(m, ids, 4), stream_loss(m, ids[3:], 4)), steps=steps, lr=1e-2,
                  eval_every=5, patience=patience)
    return model, history, ids


def test_fit_learns_and_records_its_evaluations():
    model, history, ids = tiny_run(patience=None)
    assert history.steps == list(range(0, 61, 5))
    assert len(history.train) == len(history.val) == len(history.steps)
    assert history.train[-1] < 0.3 * history.train[0]        # a repetitive text is easy to learn
    assert history.val[history.steps.index(history.best_step)] == history.best_val
    assert not history.stopped_early


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    evaluations = iter([3.0, 2.0, 2.5, 1.0, 1.5, 1.2, 1.1, 0.5])

    class Counter(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(()))

    model = Counter()

    def evaluate(m):
        return 0.0, next(evaluations)

    def loss_fn(m, x, target):
        return (m.w - 1.0) ** 2                          # every step moves w, so the weights differ

    history = fit(model, lambda: (None, None), loss_fn, evaluate, steps=100, lr=0.01, eval_every=1, patience=3)
    # best 1.0 at step 3; 1.5, 1.2, 1.1 do not improve on it: stop at step 6, before 0.5 is seen
    assert history.stopped_early and history.steps == [0, 1, 2, 3, 4, 5, 6]
    assert history.best_step == 3 and history.best_val == 1.0
    # The restored weight is the one after 3 steps, not after 6.
    reference = Counter()
    optimizer = torch.optim.AdamW(reference.parameters(), lr=0.01, weight_decay=0.0)
    for _ in range(3):
        optimizer.zero_grad()
        loss_fn(reference, None, None).backward()
        torch.nn.utils.clip_grad_norm_(reference.parameters(), 1.0)
        optimizer.step()
    assert float(model.w.detach()) == float(reference.w.detach()) != 0.0


def test_fit_rejects_bad_arguments():
    model = CharGRU(V=3, H=2)
    for kwargs, message in [({"steps": 0}, "steps"), ({"steps": 5, "eval_every": 0}, "eval_every"),
                            ({"steps": 5, "patience": 0}, "patience")]:
        with pytest.raises(ValueError, match=message):
            fit(model, None, None, None, **kwargs)


def test_sample_is_reproducible_and_temperature_sharpens():
    model, _, _ = tiny_run(patience=None)
    vocab = Vocabulary("abcd ")
    draw = lambda t, seed: sample(model, vocab, "ab", 40, temperature=t, generator=torch.Generator().manual_seed(seed))
    assert len(draw(1.0, 0)) == 40 and set(draw(1.0, 0)) <= set("abcd ")
    assert draw(1.0, 0) == draw(1.0, 0)
    # A trained model at a low temperature continues the pattern exactly.
    assert draw(0.1, 0) == ("cd ab" * 8)
    # A high temperature flattens the distribution, and the pattern breaks.
    assert draw(5.0, 0) != ("cd ab" * 8)
    model.train()
    draw(1.0, 0)
    assert model.training                                      # sample evaluates, then restores the mode
    with pytest.raises(ValueError, match="temperature must be positive"):
        sample(model, vocab, "ab", 5, temperature=0.0)
    with pytest.raises(ValueError, match="prompt is empty"):
        sample(model, vocab, "", 5)
