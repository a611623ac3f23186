"""A local Sphinx extension of the Japanese edition: glued values ({glue:text}`key`) inside
translated paragraphs.

Sphinx translates a paragraph by parsing its msgstr as a new, separate document; myst-nb looks
glue keys up in the renderer of the document being parsed, which for that separate document
holds no glue data, so every glue role in a translated paragraph failed ("No key ... found in
glue data"). The English page is parsed first, and its glue roles find their data: this
remembers the renderer that found them (for the page being read: env.temp_data is reset for
every page) and lets the glue roles and directives of its translated paragraphs fall back on it.

A code cell may also glue English words (`glue("script_verdict", "does not pay")`): code cells
are shared by both editions, so their strings stay English. The config value
`glued_values_catalog` names a gettext catalog (locales/ja/glued_values.po) of such strings;
a glued string found in it is shown as its translation.
"""

import ast
import dataclasses
import functools

from babel.messages.pofile import read_po
from docutils import nodes

from myst_nb.ext.glue import directives, roles, utils

_PAGE_RENDERER = "translated_glue_renderer"


def read_glued_values(path):
    """{English string: translation} of a catalog (translated, not fuzzy messages only)."""
    with open(path, "rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and m.string and not m.fuzzy}


def translate_value(found, translations):
    """The glued output with a str value that has a translation translated (text/plain holds
    its repr, text/markdown, if any, the string itself); any other output as it is."""
    plain = found.data.get("text/plain")
    try:
        value = ast.literal_eval(plain) if isinstance(plain, str) else None
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, str) or value not in translations:
        return found
    data = dict(found.data, **{"text/plain": repr(translations[value])})
    if "text/markdown" in data:
        data["text/markdown"] = translations[value]
    return dataclasses.replace(found, data=data)


def _with_page_renderer(retrieve, translations):
    @functools.wraps(retrieve)
    def retrieve_glue_data(document: nodes.document, key: str):
        env = getattr(document.settings, "env", None)
        try:
            found = retrieve(document, key)
        except utils.RetrievalError:
            renderer = env.temp_data.get(_PAGE_RENDERER) if env is not None else None
            if renderer is None:
                raise
            page = nodes.document(document.settings, document.reporter)
            page["nb_renderer"] = renderer
            return translate_value(retrieve(page, key), translations)
        if env is not None:
            env.temp_data[_PAGE_RENDERER] = document["nb_renderer"]
        return translate_value(found, translations)
    return retrieve_glue_data


def _patch_glue(app, config):
    catalog = config.glued_values_catalog
    translations = read_glued_values(catalog) if catalog else {}
    patched = _with_page_renderer(utils.retrieve_glue_data, translations)
    for module in (roles, directives):
        module.retrieve_glue_data = patched


def setup(app):
    app.add_config_value("glued_values_catalog", "", "env")
    app.connect("config-inited", _patch_glue)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
