"""Helpers shared by the chapters, the exercise notebooks and the autograder.

Modules:
    gradcheck  -- centered finite differences and the symmetric relative error
    reference  -- torch.nn reference runs with the course's weights ported (float64)
    shapes     -- argument shape checks whose errors name the argument and both shapes
    experiments -- the gradient-norm-through-time experiment, for any recurrent cell
    gates      -- packed gate blocks: converting between the gate orders libraries use
    testing    -- learner-facing checks with messages that say what was expected and found
    plotting   -- the figure style every chapter uses
    gru_variants -- the GRU variants (reset before/after, update convention, packing) and misconceptions
    fast_gru   -- a GEMM-batched NumPy GRU, forward and backward (the performance chapter, bench/)
    builtin_gru -- the guard against built-in GRU kernels (used in the kernel and by the grader's outside check)
    forecasting -- the CO2 series, windows, scaling, naive baselines, metrics and GRU forecasters
    text       -- character-level GRU language model and classifier: data, training, sampling
    benchmarks -- the committed benchmark results (bench/results/*.json), as the chapters show them
    long_memory -- the adding and copy tasks, parameter-matched RNN/LSTM/GRU models, their training
    training   -- the one training loop (Trainer) that forecasting, text and long_memory train with
    char_lm    -- a character language model in NumPy: embedding, temporal affine, masked softmax loss, Adam, clipping

Notation follows the book's notation page: N batch, T time steps, D input
features, H hidden units; batch-major arrays; weights multiply on the right.
"""

__all__ = ["benchmarks", "builtin_gru", "char_lm", "experiments", "fast_gru", "forecasting", "gates", "gradcheck", "gru_variants",
           "long_memory", "plotting", "reference", "shapes", "testing", "text", "training"]
