"""A local Sphinx extension of the Japanese edition: display math whose \\text{} words are translated.

A display-math block ($$ ... $$) is a message of its page's catalog; its translation keeps
the formula and puts the words inside \\text{} in Japanese. Sphinx's Locale transform
translates such a block (a literal-type node) by parsing `::` + the indented translation as
reStructuredText, which MyST reads as a paragraph "::": the formula was lost. This transform
runs just before Locale (priority 20) and puts the translation into the block itself; Locale
then finds no message for the new text and leaves the block alone.
"""

from os import path

from docutils import nodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain


class TranslateDisplayMath(SphinxTransform):
    default_priority = 19  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs):
        blocks = list(self.document.findall(nodes.math_block))
        if not blocks or not self.config.language or self.config.language == "en":
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [path.join(self.env.srcdir, directory) for directory in self.config.locale_dirs]
        catalog, has_catalog = init_locale(dirs, self.config.language, domain)
        if not has_catalog:
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
