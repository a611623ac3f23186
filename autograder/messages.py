"""The grader's learner-facing words (feedback page, results table, self-check), in the learner's language.

Same scheme as gatedrnn.i18n (read its docstring): English templates in the code through `tr`
(or `N_` to translate later), translations in autograder/messages_ja.py. The grader shows one
notebook's feedback in that notebook's language: `with speaking(notebook_language(nb.metadata))`.
"""

from gatedrnn.i18n import Catalog, N_, notebook_language, speaking  # noqa: F401 -- re-exported

from .messages_ja import MESSAGES as _JAPANESE

#: The autograder package's messages.
tr = Catalog(ja=_JAPANESE)
