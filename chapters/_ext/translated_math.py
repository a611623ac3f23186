"""A local Sphinx extension of the Japanese edition: display math whose \\text{} words are translated.

A display-math block ($$ ... $$) is a message of its page's catalog; its translation keeps
the formula and puts the words inside \\text{} in Japanese. Sphinx's Locale transform
translates such a block (a literal-type node) by parsing `::` + the indented translation as
reStructuredText, which MyST reads as a paragraph "::": the formula was lost. This transform
runs just before Locale (priority 20) and puts the translation into the block itself; Locale
then finds no message for the new text and leaves the block alone.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform

from page_catalog import page_catalog


class TranslateDisplayMath(SphinxTransform):
    default_priority = 19  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs):
        blocks = list(self.document.findall(nodes.math_block))
        if not blocks:
            return
        catalog = page_catalog(self)
        if catalog is None:
            return
        for block in blocks:
            source = block.astext()
            translated = catalog.gettext(source)
            if translated != source:
                block.children = [nodes.Text(translated)]
                block.rawsource = translated


def setup(app):
    app.add_transform(TranslateDisplayMath)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
