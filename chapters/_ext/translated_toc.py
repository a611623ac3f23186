"""A local Sphinx extension of the Japanese edition: the parts' captions in the navigation.

The book's parts are captions of the toctrees that sphinx-external-toc inserts into the root
page from _toc.yml. It inserts them after Sphinx has translated the page (its transform runs
at priority 100, Sphinx's Locale at 20), so the navigation showed the English captions although
the root page's catalog translates them (the extraction sees the inserted toctrees). This
translates them with that catalog, after the insertion and before the navigation is collected
from the page (doctree-read).
"""

from os import path

from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain


class TranslateToctreeCaptions(SphinxTransform):
    default_priority = 110  # after sphinx_external_toc's InsertToctrees (100)

    def apply(self, **kwargs):
        toctrees = [node for node in self.document.findall(addnodes.toctree) if node.get("caption")]
        if not toctrees or not self.config.language or self.config.language == "en":
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [path.join(self.env.srcdir, directory) for directory in self.config.locale_dirs]
        catalog, has_catalog = init_locale(dirs, self.config.language, domain)
        if not has_catalog:
            return
        for node in toctrees:
            translated = catalog.gettext(node["caption"])
            node["caption"] = translated
            node["rawcaption"] = translated


def setup(app):
    app.add_transform(TranslateToctreeCaptions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
