"""The grader's learner-facing words (feedback page, results table, self-check), in the learner's language.

Same scheme as gatedrnn.i18n (read its docstring): English templates in the code through `tr`
(or `N_` to translate later), translations in autograder/messages_ja.py. The grader shows one
notebook's feedback in that notebook's language: `with speaking(notebook_language(nb.metadata))`.
"""

import re
import string

from gatedrnn.i18n import Catalog, N_, notebook_language, speaking  # noqa: F401 -- re-exported

from .messages_ja import MESSAGES as _JAPANESE

#: The autograder package's messages.
tr = Catalog(ja=_JAPANESE)


def reworded(text, templates):
    """text, made in English by one of templates (marked with N_), in the current language.

    A grading run records what went wrong in English (the notebook's events: the status column of
    grades.csv, the instructor's record); a learner's page shows an event in the notebook's language.
    Each value that one of the templates made is reworded too; a text no template made stays as it is.
    """
    for template in templates:
        match = _pattern(template).fullmatch(text)
        if match:
            return tr.shown(template, **{name: reworded(value, templates) for name, value in match.groupdict().items()})
    return text


def _pattern(template):
    """A regular expression that matches what template.format(...) makes, a named group per placeholder."""
    parts, seen = [], set()
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>.+?)")
            seen.add(field)
    return re.compile("".join(parts), re.DOTALL)
