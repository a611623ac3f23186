"""A local Sphinx extension of the Japanese edition (and of its catalog extraction): what a code
cell prints is shared by both editions, not translated.

A cell that displays Markdown (a table of timings, say) becomes paragraphs and table cells in the
page, which Sphinx would extract as messages; their text changes with every run, so the catalogs
would never be complete. This marks every text element inside a cell's output untranslatable,
before Sphinx's i18n transform runs (priority 20), except a figure's caption and legend: they come
from the cell's metadata, are prose, and are translated like the rest of the page.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform


def _in_caption(node):
    while node is not None:
        if isinstance(node, (nodes.caption, nodes.legend)):
            return True
        node = node.parent
    return False


class SharedCellOutputs(SphinxTransform):
    default_priority = 15  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs):
        for output in self.document.findall(nodes.container):
            if "cell_output" not in output.get("classes", []):
                continue
            for node in output.findall(nodes.TextElement):
                if not _in_caption(node):
                    node["translatable"] = False


def setup(app):
    app.add_transform(SharedCellOutputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
