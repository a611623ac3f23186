"""The Japanese edition of the book (日本語版): the same sources, its prose from gettext catalogs.

    python -m autograder.japanese_book OUT_DIR [--gettext]

writes OUT_DIR/_config.yml, derived from the repository's _config.yml (one source of truth for
both editions), for `jupyter-book build . --config OUT_DIR/_config.yml --path-output OUT_DIR`
(`make book-ja`). With --gettext it writes the configuration that extracts the message
catalogs' templates instead (`make ja-catalogs`). The differences, and nothing else:

- `language = "ja"`, and the translations are read from locales/ja/LC_MESSAGES/<docname>.po
  (one catalog per page: `gettext_compact = False`), compiled by Sphinx at build time;
- the title and the author are Japanese, and each page's language link points to the English edition;
- locales/ja/static/translations-extra.js adds the search messages that Sphinx's own Japanese
  catalog leaves in English, and search-ja.js splits a Japanese query into the index's words (the theme's strings are in sphinx-book-theme's and
  pydata-sphinx-theme's own Japanese catalogs; the strings they leave in English are in
  locales/ja/LC_MESSAGES/sphinx.po, chapters/_ext/translated_interface.py and locales/ja/templates);
  display formulas whose \\text{} words are translated (chapters/_ext/translated_math.py);
- the parts' captions in the navigation and the English strings that code cells glue into
  prose are translated (chapters/_ext/translated_toc.py, translated_glue.py with
  locales/ja/glued_values.po);
- the exercise pages offer the Japanese notebooks (chapters/exercises_ja/, made by
  autograder.ja_notebooks) for download and launch, in place of the English ones;
- the execution cache is the English edition's: code cells are the same, so no notebook runs
  again (jupyter-cache keys a notebook by its code cells, not by its path or its prose).

Code cells, their outputs and the figures they draw are shared; only the prose is translated.
Layout when published: the English edition at the site's root, the Japanese one under `ja/`
(`make book-ja` links _build/html/ja to _build/ja/html), so that the links between the two
editions are relative and work offline and under any host.
"""

import argparse
import copy
from pathlib import Path

import yaml

from autograder.assignments import RELEASED, REPO
from autograder.ja_notebooks import JA_RELEASED

LOCALE_DIR = "locales"
GLUED_VALUES = "locales/ja/glued_values.po"  # the English strings that code cells glue into prose
STATIC_DIR = "locales/ja/static"   # translations-extra.js: the search messages Sphinx's catalog lacks
TEMPLATES_DIR = "locales/ja/templates"  # theme templates whose fixed English strings are made translatable
TITLE_JA = "ゲート付きリカレントネットワークをゼロから"
AUTHOR_JA = "本コースの著者"
# The Japanese edition's own extensions, in chapters/_ext (each module's docstring says what it does).
JAPANESE_EXTENSIONS = ["translated_glue", "translated_interface", "translated_toc", "translated_math", "edition_notebooks"]
# Where the English edition's root is, seen from the Japanese edition's root, and back.
EDITION_DIR = "ja/"
ENGLISH_FROM_JAPANESE = "../"


def _absolute_extensions(config, repo):
    """jupyter-book finds local extensions relative to the config file: make them absolute."""
    extensions = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in extensions.items():
        extensions[name] = str((repo / path).resolve())


def gettext_config(config, repo=REPO):
    """The configuration that extracts one message template per page (a dict)."""
    config = copy.deepcopy(config)
    # What code cells print is shared, not translated (chapters/_ext/shared_outputs.py).
    config.setdefault("sphinx", {}).setdefault("local_extensions", {})["shared_outputs"] = "chapters/_ext"
    _absolute_extensions(config, repo)
    execute = config.setdefault("execute", {})
    execute["cache"] = str((repo / execute.get("cache", "_build/.jupyter_cache")).resolve())
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx.update({
        "gettext_compact": False,   # one catalog per page, so translators can work in parallel
        "gettext_location": False,  # no line numbers: an English edit elsewhere changes no catalog
        "gettext_uuid": False,
        "locale_dirs": [str((repo / LOCALE_DIR).resolve())],
    })
    return config


def japanese_config(config, repo=REPO):
    """The Japanese edition's _config.yml (a dict) from the English one (that of repo)."""
    config = gettext_config(config, repo)
    config["title"] = TITLE_JA
    config["author"] = AUTHOR_JA
    sphinx = config["sphinx"]["config"]
    sphinx["language"] = "ja"
    for name in JAPANESE_EXTENSIONS:
        config["sphinx"]["local_extensions"][name] = str((repo / "chapters/_ext").resolve())
    # Glued values in translated paragraphs, and English strings glued by code cells (translated_glue).
    sphinx["glued_values_catalog"] = str((repo / GLUED_VALUES).resolve())
    # The interface strings that the themes and myst-nb write in English whatever the language
    # (translated_interface, locales/ja/LC_MESSAGES/sphinx.po, locales/ja/templates).
    sphinx["templates_path"] = [str((repo / TEMPLATES_DIR).resolve())] + list(sphinx.get("templates_path", []))
    # The exercise pages offer the Japanese notebooks (edition_notebooks).
    sphinx["edition_notebooks"] = {RELEASED.relative_to(REPO).as_posix(): JA_RELEASED.relative_to(REPO).as_posix()}
    sphinx["other_editions"] = [{"language": "en", "label": "English", "root": ENGLISH_FROM_JAPANESE}]
    # The search messages that Sphinx's own Japanese catalog leaves in English, and a query
    # splitter for Japanese words (Sphinx's JavaScript has none: locales/ja/static/search-ja.js).
    static = [str((repo / p).resolve()) for p in sphinx.get("html_static_path", [])]
    sphinx["html_static_path"] = static + [str((repo / STATIC_DIR).resolve())]
    sphinx["html_js_files"] = list(sphinx.get("html_js_files", [])) + ["translations-extra.js", "search-ja.js"]
    return config


def write_config(out_dir, gettext=False, repo=REPO):
    """Write out_dir/_config.yml (the Japanese edition's, or the extraction's); returns its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    english = yaml.safe_load((repo / "_config.yml").read_text())
    config = gettext_config(english, repo) if gettext else japanese_config(english, repo)
    path = out_dir / "_config.yml"
    header = "# Generated by `python -m autograder.japanese_book` from the repository's _config.yml: do not edit.\n"
    path.write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--gettext", action="store_true", help="the catalog extraction's configuration")
    args = parser.parse_args()
    print(f"wrote {write_config(args.out_dir, gettext=args.gettext)}")
