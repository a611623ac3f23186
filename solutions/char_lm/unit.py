"""The char_lm unit: what the grader and the tests know about it (format: autograder/units.py)."""

from autograder.char_lm_check import CHECK  # noqa: F401 -- the layers against torch, a training run scored outside
from autograder.units import Case

KIND = "function"
SIGNATURES = {
    "embedding_forward": ["idx", "W"],
    "embedding_backward": ["dout", "cache"],
    "temporal_affine_forward": ["h", "W", "b"],
    "temporal_affine_backward": ["dout", "cache"],
    "temporal_softmax_loss": ["scores", "y", "mask"],
    "char_lm_loss": ["params", "x", "y", "mask"],
    "train_char_lm": ["train_ids", "V", "seed"],
}
WORTH_MORE = [("embedding_backward", "embedding_forward"), ("temporal_affine_backward", "temporal_affine_forward")]

# Computes the gradients with torch's autograd: right in the kernel, where torch exists; not outside.
BY_TORCH = ("    import torch\n    h_t, W_t = (torch.tensor(a, requires_grad=True) for a in cache)\n"
            "    (h_t @ W_t).backward(torch.tensor(dout))\n"
            "    return h_t.grad.numpy(), W_t.grad.numpy(), dout.sum(axis=(0, 1))\n")
CASES = {
    "stub": Case(summary=["train_char_lm 0 / 3 \u2717 train_char_lm is not implemented yet"]),
    "full": Case(passed=7, feedback=["Validation perplexity"]),
    # `dW[idx] += dout` keeps one update per repeated id: embedding_backward is wrong, and so is
    # char_lm_loss (its gradient of W_embed); trained with that gradient the model still reaches the
    # target perplexity, so train_char_lm keeps its points. The mistake is named.
    "overwrite": Case(edits=[("embedding_backward", "np.add.at(dW, idx, dout)", "dW[idx] += dout")],
                      lost={"embedding_backward": 2, "char_lm_loss": 3}, misconceptions=["embedding-repeated-ids"],
                      summary=["char_lm_loss 0 / 3 \u2717 dW_embed (visible example) is wrong"]),
    # Delegates to torch: passes in the kernel, fails outside it, and so do the functions that call it there.
    "by_torch": Case(edits=[("temporal_affine_backward", "    ### BEGIN SOLUTION", BY_TORCH + "    ### BEGIN SOLUTION")],
                     lost={"temporal_affine_backward": 2, "char_lm_loss": 3, "train_char_lm": 3},
                     status="graded; the check outside the notebook failed for temporal_affine_backward, "
                            "char_lm_loss, train_char_lm",
                     summary=["with NumPy and the course's NumPy GRU alone"]),
}
