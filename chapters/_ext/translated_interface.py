"""A local Sphinx extension of the Japanese edition: the interface strings that the themes and
myst-nb write in English whatever the language.

Sphinx translates its own strings and the templates' `_()` from the "sphinx" catalogs, the
book's locales/ja/LC_MESSAGES/sphinx.po first. This makes them the fallback of sphinx-book-theme's
own catalog ("booktheme"), whose Japanese lacks some of its strings, and passes through them the
strings that go through no catalog (a string they do not hold stays as it is):

- the search box's text (jupyter-book's `search_bar_text` theme option) and the hidden code
  cells' prompts (myst-nb's `nb_code_prompt_show` / `nb_code_prompt_hide`), at config-inited;
- the launch buttons' tooltips (sphinx-book-theme composes "Launch on" + " Binder", which
  cannot be put in Japanese word order);
- the hidden cells' summary label, which myst-nb writes as a fixed aria-label.

The sidebar buttons' tooltips are fixed in sphinx-book-theme's templates: locales/ja/templates
overrides those two templates with translatable ones (autograder.japanese_book adds it to
`templates_path`).
"""

from html import escape

from sphinx import locale
from sphinx.locale import get_translation

_ = get_translation("sphinx")
BOOK_THEME_CATALOG = ("general", "booktheme")  # sphinx-book-theme's MESSAGE_CATALOG_NAME

HIDDEN_CELL_SUMMARY = '<summary aria-label="{}">'  # as myst-nb's visit_HideCellInput writes it


def translate_options(app, config):
    book_theme = locale.translators.get(BOOK_THEME_CATALOG)
    if book_theme is not None and app.translator is not None and book_theme is not app.translator:
        book_theme.add_fallback(app.translator)
    options = config.html_theme_options
    if "search_bar_text" in options:
        options["search_bar_text"] = _(options["search_bar_text"])
    config.nb_code_prompt_show = _(config.nb_code_prompt_show)
    config.nb_code_prompt_hide = _(config.nb_code_prompt_hide)


def translate_page(app, pagename, templatename, context, doctree):
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            for button in group.get("buttons", []):
                if button.get("type") == "link":
                    button["tooltip"] = _("Launch on {provider}").format(provider=button["text"])
    summary = HIDDEN_CELL_SUMMARY.format("Toggle hidden content")
    if "body" in context and summary in context["body"]:
        translated = HIDDEN_CELL_SUMMARY.format(escape(_("Toggle hidden content")))
        context["body"] = context["body"].replace(summary, translated)


def setup(app):
    app.connect("config-inited", translate_options, priority=900)  # after jupyter-book's settings
    app.connect("html-page-context", translate_page, priority=600)  # after the theme's buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
