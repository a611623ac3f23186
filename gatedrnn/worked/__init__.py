"""The course's own implementations of what graded exercises ask for (forecasting, char_lm).

The chapters and the grader's hidden tests use them; the learner's kit (kit/pyproject.toml)
leaves this subpackage out, so the wheel carries no implementation of a graded function.
"""
