"""A local Sphinx extension of the Japanese edition: the parts' captions in the navigation.

The book's parts are captions of the toctrees that sphinx-external-toc inserts into the root
page from _toc.yml. It inserts them after Sphinx has translated the page (its transform runs
at priority 100, Sphinx's Locale at 20), so the navigation showed the English captions although
the root page's catalog translates them (the extraction sees the inserted toctrees). This
translates them with that catalog, after the insertion and before the navigation is collected
from the page (doctree-read).
"""

from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from page_catalog import page_catalog


class TranslateToctreeCaptions(SphinxTransform):
    default_priority = 110  # after sphinx_external_toc's InsertToctrees (100)

    def apply(self, **kwargs):
        toctrees = [node for node in self.document.findall(addnodes.toctree) if node.get("caption")]
        if not toctrees:
            return
        catalog = page_catalog(self)
        if catalog is None:
            return
        for node in toctrees:
            translated = catalog.gettext(node["caption"])
            node["caption"] = translated
            node["rawcaption"] = translated


def setup(app):
    app.add_transform(TranslateToctreeCaptions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
