"""The course's own implementations of what graded exercises ask for, and the chapters' training code.

- forecasting: windows, scaling, the seasonal naive forecast and the forecasters (the `forecast` exercise);
- char_lm: the NumPy character model's layers, loss, Adam, clipping, training, sampling (the `char_lm`
  exercise), and its torch training twin;
- training, text, long_memory: the chapters' torch training loop (Trainer) and the models trained
  with it (the `forecast` exercise asks for such a loop).

The chapters and the grader's hidden tests use them; the learner's kit (kit/pyproject.toml)
leaves this subpackage out, so the wheel carries no implementation of a graded function.
"""
