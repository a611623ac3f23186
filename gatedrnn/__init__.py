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
    forecasting -- the CO2 series, splits by time, metrics and the forecast exercise's scoring
    benchmarks -- the committed benchmark results (bench/results/*.json), as the chapters show them
    char_lm    -- the NumPy character model's parameter names, initial parameters, texts as ids
    worked     -- what graded exercises ask for, done, and the chapters' training code built like it:
                  worked.forecasting (windows, scaling, baselines, forecasters), worked.char_lm (the
                  layers, model, Adam, clipping, training, sampling), worked.training (the one torch
                  training loop, Trainer), worked.text (torch character models), worked.long_memory
                  (the adding and copy tasks); the chapters and the grader use it, the learner's kit
                  leaves it out

Notation follows the book's notation page: N batch, T time steps, D input
features, H hidden units; batch-major arrays; weights multiply on the right.
"""

__all__ = ["benchmarks", "builtin_gru", "char_lm", "experiments", "fast_gru", "forecasting", "gates", "gradcheck", "gru_variants",
           "plotting", "reference", "shapes", "testing"]  # not worked: the kit leaves it out
