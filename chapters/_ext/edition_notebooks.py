"""A local Sphinx extension of the Japanese edition: its pages offer the Japanese exercise notebooks.

The config value `edition_notebooks` maps a folder of notebooks to the folder of this
edition's versions of them, relative to the source root: {"chapters/exercises":
"chapters/exercises_ja"} (set by autograder.japanese_book; the Japanese notebooks are made by
autograder.ja_notebooks and keep the English file names). For every notebook in the first
folder that has a version in the second:

- a `{download}` role that offers it (the exercises pages: "download it here") offers the
  edition's version instead; the catalogs keep the English target, byte for byte;
- the notebook's own page (a page of the book) offers the edition's version from its header's
  download button (the file the theme serves as the page's source, _sources/<page>.ipynb), and
  its launch buttons (Binder, Colab, JupyterHub) open the edition's version in the repository.
"""

import shutil
from pathlib import Path

from sphinx import addnodes
from sphinx.transforms import SphinxTransform


def edition_version(app, rel_path):
    """The source-relative path of the edition's version of a notebook (a str), or None."""
    rel_path = Path(rel_path)
    for folder, edition_folder in app.config.edition_notebooks.items():
        if rel_path.suffix == ".ipynb" and rel_path.is_relative_to(folder):
            candidate = Path(edition_folder) / rel_path.relative_to(folder)
            if (Path(app.srcdir) / candidate).is_file():
                return candidate.as_posix()
    return None


class OfferEditionNotebooks(SphinxTransform):
    """Point each {download} of a notebook that has an edition's version at that version.
    After the translation of the page (Locale, priority 20), before the download collector
    reads the targets (doctree-read)."""

    default_priority = 30

    def apply(self, **kwargs):
        if not self.config.edition_notebooks:
            return
        for node in self.document.findall(addnodes.download_reference):
            target = node.get("reftarget", "")
            if "://" in target:
                continue
            rel_path, _ = self.env.relfn2path(target, self.env.docname)
            version = edition_version(self.app, rel_path)
            if version is not None:
                node["reftarget"] = "/" + version  # Sphinx reads "/x" relative to the source root


def _notebook_page_version(app, pagename):
    if not Path(app.env.doc2path(pagename)).suffix == ".ipynb":
        return None
    return edition_version(app, f"{pagename}.ipynb")


def point_launch_buttons(app, pagename, templatename, context, doctree):
    """The launch buttons of a notebook page open the edition's version in the repository."""
    version = _notebook_page_version(app, pagename)
    if version is None:
        return
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            url = button.get("url", "")
            if button.get("label") != "download-source-button" and f"/{pagename}.ipynb" in url:
                button["url"] = url.replace(f"/{pagename}.ipynb", f"/{version}")


def copy_page_sources(app, exception):
    """The file each notebook page's download button serves is the edition's version (Sphinx
    copied the page's own source there while writing the page)."""
    if exception is not None or app.builder.format != "html" or not app.config.edition_notebooks:
        return
    for pagename in app.env.found_docs:
        version = _notebook_page_version(app, pagename)
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        if version is not None and target.is_file():
            shutil.copyfile(Path(app.srcdir) / version, target)


def setup(app):
    app.add_config_value("edition_notebooks", {}, "env")
    app.add_transform(OfferEditionNotebooks)
    app.connect("html-page-context", point_launch_buttons, priority=600)  # after the theme's (501)
    app.connect("build-finished", copy_page_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
