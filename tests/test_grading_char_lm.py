"""Round trip of the char_lm exercise through `python -m autograder grade`, on a made-up class.

The solution gets full marks and the released stub zero; an embedding backward that writes
`dW[idx] += dout` (repeated ids keep one update) loses embedding_backward's points and those of
char_lm_loss, which calls it and whose gradient of W_embed is then wrong, but not train_char_lm's:
trained with that gradient the model still reaches the target perplexity; the mistake is named.
A temporal_affine_backward that delegates to torch passes in the kernel and fails outside it, and
so do char_lm_loss and train_char_lm, which call it there.
"""

import pytest

from autograder.outcomes import misconception_ids
from conftest import assert_scores, assert_standard_statuses, edit_solution, feedback_text, grade_submissions, standard_submissions

ALL = {"embedding_forward": 1, "embedding_backward": 2, "temporal_affine_forward": 1, "temporal_affine_backward": 2,
       "temporal_softmax_loss": 3, "char_lm_loss": 3, "train_char_lm": 3}
# Computes the gradients with torch's autograd: right in the kernel, where torch exists; not outside.
BY_TORCH = ("    import torch\n    h_t, W_t = (torch.tensor(a, requires_grad=True) for a in cache)\n"
            "    (h_t @ W_t).backward(torch.tensor(dout))\n"
            "    return h_t.grad.numpy(), W_t.grad.numpy(), dout.sum(axis=(0, 1))\n")
EXPECTED = {  # student: (score, points lost per function)
    "full": (15, {}),
    "stub": (0, ALL),
    "not_json": (0, ALL),
    "empty": (0, ALL),
    "overwrite": (10, {"embedding_backward": 2, "char_lm_loss": 3}),
    "by_torch": (7, {"temporal_affine_backward": 2, "char_lm_loss": 3, "train_char_lm": 3}),
}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    submissions = standard_submissions("char_lm")
    submissions["overwrite"] = edit_solution("char_lm", "embedding_backward", "np.add.at(dW, idx, dout)",
                                             "dW[idx] += dout")
    submissions["by_torch"] = edit_solution("char_lm", "temporal_affine_backward", "    ### BEGIN SOLUTION",
                                            BY_TORCH + "    ### BEGIN SOLUTION")
    return grade_submissions("char_lm", submissions, tmp_path_factory.mktemp("char_lm"), jobs=1)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_scores_per_student_and_function(graded_class, student):
    _, rows, _ = graded_class
    score, lost = EXPECTED[student]
    assert_scores(rows[student], "char_lm", score, 15, lost, ALL)


def test_statuses_say_why(graded_class):
    _, rows, _ = graded_class
    assert_standard_statuses(rows, "char_lm")
    assert rows["overwrite"]["status"] == "graded"
    assert rows["by_torch"]["status"] == ("graded; the check outside the notebook failed for temporal_affine_backward, "
                                          "char_lm_loss, train_char_lm")


def summary(text):
    """The per-function table at the top of a feedback page."""
    return text[text.index("Your results, function by function"):text.index("Exercise: a character language model")]


def test_feedback_names_the_mistake_and_the_training_result(graded_class):
    _, _, out = graded_class
    overwrite = summary(feedback_text(out, "overwrite", "char_lm"))
    assert misconception_ids(overwrite) == ["embedding-repeated-ids"]
    assert "char_lm_loss 0 / 3 \u2717 dW_embed (visible example) is wrong" in overwrite
    full = feedback_text(out, "full", "char_lm")
    assert summary(full).count("\u2713 passed") == 7
    assert "Validation perplexity" in full
    assert "train_char_lm 0 / 3 \u2717 train_char_lm is not implemented yet" in summary(
        feedback_text(out, "stub", "char_lm"))
    by_torch = summary(feedback_text(out, "by_torch", "char_lm"))
    assert "with NumPy and the course's NumPy GRU alone" in by_torch and "torch" in by_torch
