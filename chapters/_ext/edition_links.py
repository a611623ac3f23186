"""A local Sphinx extension: every page links to the same page in the book's other editions.

The config value `other_editions` lists them: [{"language": "ja", "label": "日本語",
"root": "ja/"}], where root is the other edition's root relative to this edition's root (the
English edition at the site's root, the Japanese one under ja/; autograder.japanese_book sets
the way back). Links are relative, so they work offline (file://) and under any host.
Each page gets a visible link above its text and a <link rel="alternate" hreflang> in its head.
"""

from html import escape


def _relative_root(pagename):
    """From the page's directory back to the edition's root: "chapters/01_rnn/x" -> "../../"."""
    return "../" * pagename.count("/")


def add_edition_links(app, pagename, templatename, context, doctree):
    if doctree is None:
        return  # search page, index: generated pages have no counterpart to point at
    up = _relative_root(pagename)
    links, alternates = [], []
    for edition in app.config.other_editions:
        href = escape(f"{up}{edition['root']}{pagename}{app.builder.link_suffix}")
        language = escape(edition["language"])
        links.append(f'<a class="edition-link" href="{href}" hreflang="{language}" lang="{language}">'
                     f'{escape(edition["label"])}</a>')
        alternates.append(f'<link rel="alternate" hreflang="{language}" href="{href}" />')
    if links:
        context["body"] = f'<p class="edition-links">{" ".join(links)}</p>\n' + context.get("body", "")
        context["metatags"] = context.get("metatags", "") + "\n".join(alternates) + "\n"


def setup(app):
    app.add_config_value("other_editions", [], "html")
    app.connect("html-page-context", add_edition_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
