"""A local Sphinx extension of the Japanese edition: glued values ({glue:text}`key`) inside
translated paragraphs.

Sphinx translates a paragraph by parsing its msgstr as a new, separate document; myst-nb looks
glue keys up in the renderer of the document being parsed, which for that separate document
holds no glue data, so every glue role in a translated paragraph failed ("No key ... found in
glue data"). The English page is parsed first, and its glue roles find their data: this
remembers the renderer that found them (for the page being read: env.temp_data is reset for
every page) and lets the glue roles and directives of its translated paragraphs fall back on it.
"""

import functools

from docutils import nodes

from myst_nb.ext.glue import directives, roles, utils

_PAGE_RENDERER = "translated_glue_renderer"


def _with_page_renderer(retrieve):
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
            return retrieve(page, key)
        if env is not None:
            env.temp_data[_PAGE_RENDERER] = document["nb_renderer"]
        return found
    return retrieve_glue_data


def setup(app):
    patched = _with_page_renderer(utils.retrieve_glue_data)
    for module in (roles, directives):
        module.retrieve_glue_data = patched
    return {"parallel_read_safe": True, "parallel_write_safe": True}
