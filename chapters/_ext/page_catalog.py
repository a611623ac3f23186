"""The catalog of the page a Sphinx transform works on, for the Japanese edition's extensions.

Not an extension itself: translated_toc and translated_math import it (chapters/_ext is on
Sphinx's path as a local extension folder).
"""

from os import path

from sphinx.locale import init as init_locale
from sphinx.util.i18n import docname_to_domain


def page_catalog(transform):
    """The gettext catalog of transform's page in the book's language, or None (English, or no catalog)."""
    config, env = transform.config, transform.env
    if not config.language or config.language == "en":
        return None
    domain = docname_to_domain(env.docname, config.gettext_compact)
    dirs = [path.join(env.srcdir, directory) for directory in config.locale_dirs]
    catalog, has_catalog = init_locale(dirs, config.language, domain)
    return catalog if has_catalog else None
