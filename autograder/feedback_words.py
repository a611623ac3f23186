"""The feedback page's own words in the notebook's language: the Jinja filters of the course's feedback template.

autograder/feedback_index.html.j2 (nbgrader's feedback/index.html.j2, laid out in its place by
autograder.feedback_assets.template_basedir) writes each of its words as `{{ "Score" | words(nb) }}`
and its <html> as `<html lang="{{ nb | page_language }}">`; nbgrader_config.py registers both
filters with the HTMLExporter. An English notebook's page is nbgrader's own, word for word.
"""

from .messages import N_, notebook_language, speaking, tr

#: The template's words, as it writes them (tests/test_messages.py finds their translations through these).
PAGE_WORDS = (N_("Score"), N_("Test cell"), N_("Coding free-response"), N_("Written response"), N_("Task"),
              N_("Comment"), N_("Late submission penalty"), N_("(Top)"), N_("Student's answer"),
              N_("Student's task"), N_("Grade cell:"), N_("Task:"), N_("Comments:"))


def words(text, nb):
    """One of PAGE_WORDS in the language of the notebook nb (its metadata says which)."""
    if text not in PAGE_WORDS:
        raise ValueError(f"{text!r} is not one of the feedback page's words (autograder.feedback_words.PAGE_WORDS)")
    with speaking(notebook_language(nb.metadata)):
        return tr.shown(text)


def page_language(nb):
    """The notebook's language as an HTML lang attribute: "en" or "ja"."""
    return notebook_language(nb.metadata)
