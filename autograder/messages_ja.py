"""Japanese (日本語) translations of the grader's learner-facing words (feedback pages, results table, self-check), for autograder.messages.tr.

Keys are the English templates exactly as written in the code (tr("...") and N_("...")); values
keep every {placeholder} of the key. Style: である調, the glossary's terms (chapters/glossary.md),
code, identifiers and numbers unchanged. tests/test_messages.py checks that every template has a
translation here and that nothing here is left unused.
"""

MESSAGES = {
}
