"""The state of the Japanese catalogs (locales/ja/LC_MESSAGES/**/*.po), page by page.

    python -m autograder.ja_catalogs [--missing] [--tidy] [--drop-obsolete]

prints, for each catalog, its messages, how many are translated, fuzzy, untranslated and
obsolete; with --missing, also each message that still needs a translator. The tests
(tests/test_japanese_edition.py) require every message translated, none fuzzy, none obsolete.
"""

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from autograder.assignments import REPO

CATALOG_DIR = REPO / "locales" / "ja" / "LC_MESSAGES"


@dataclass
class CatalogState:
    """One catalog's messages by state (msgids; the header entry is not a message)."""
    path: Path
    translated: list = field(default_factory=list)
    fuzzy: list = field(default_factory=list)
    untranslated: list = field(default_factory=list)
    obsolete: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.translated) + len(self.fuzzy) + len(self.untranslated)

    @property
    def done(self):
        return not (self.fuzzy or self.untranslated or self.obsolete)


def catalog_state(path):
    """Read one .po file into a CatalogState."""
    with open(path, "rb") as f:
        catalog = read_po(f)
    state = CatalogState(Path(path))
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.fuzzy:
            state.fuzzy.append(message.id)
        elif message.string:
            state.translated.append(message.id)
        else:
            state.untranslated.append(message.id)
    state.obsolete = list(catalog.obsolete)
    return state


def catalog_paths(catalog_dir=CATALOG_DIR):
    return sorted(Path(catalog_dir).rglob("*.po"))


def is_display_math(msgid):
    """A display-math block ($$...$$, amsmath): MyST gives its source, starting with a newline.
    It has no prose, so its translation is itself."""
    return msgid.startswith("\n")


# Babel flags messages with a literal "%" or "{...}" as format strings; they are prose, and
# `msgfmt -c` would then demand the same placeholders in the translation.
FORMAT_FLAGS = {"python-format", "python-brace-format"}


def tidy(path):
    """Translate each untranslated display-math message of the catalog at path by itself and drop
    format flags (the same line width as `sphinx-intl update --line-width -1`); returns how many
    messages changed."""
    with open(path, "rb") as f:
        catalog = read_po(f)
    changed = 0
    for message in list(catalog) + list(catalog.obsolete.values()):
        if message.id and is_display_math(message.id) and not message.string:
            message.string = message.id
            changed += 1
        if message.flags & FORMAT_FLAGS:
            message.flags -= FORMAT_FLAGS
            changed += 1
    if changed:
        with open(path, "wb") as f:
            write_po(f, catalog, width=-1)
    return changed


def drop_obsolete(path):
    """Remove the obsolete (#~) messages of the catalog at path, once nothing in them can be
    reused (tables that code cells printed, say); returns how many."""
    with open(path, "rb") as f:
        catalog = read_po(f)
    dropped = len(catalog.obsolete)
    if dropped:
        catalog.obsolete.clear()
        with open(path, "wb") as f:
            write_po(f, catalog, width=-1)
    return dropped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the messages left to translate")
    parser.add_argument("--tidy", action="store_true", help="first translate each display-math message by "
                        "itself and drop format flags (make ja-catalogs)")
    parser.add_argument("--drop-obsolete", action="store_true", help="first remove every obsolete message")
    args = parser.parse_args()
    if args.drop_obsolete:
        print(f"dropped {sum(drop_obsolete(path) for path in catalog_paths())} obsolete messages")
    if args.tidy:
        changed = sum(tidy(path) for path in catalog_paths())
        print(f"tidied {changed} messages (display math translated by itself, format flags dropped)")
    totals = [0, 0, 0, 0, 0]
    for path in catalog_paths():
        s = catalog_state(path)
        counts = [s.total, len(s.translated), len(s.fuzzy), len(s.untranslated), len(s.obsolete)]
        totals = [a + b for a, b in zip(totals, counts)]
        print(f"{path.relative_to(CATALOG_DIR)}: {counts[0]} messages, {counts[1]} translated, "
              f"{counts[2]} fuzzy, {counts[3]} untranslated, {counts[4]} obsolete")
        if args.missing:
            for msgid in s.fuzzy + s.untranslated:
                print(f"    {msgid[:100]!r}")
    print(f"total: {totals[0]} messages, {totals[1]} translated, {totals[2]} fuzzy, "
          f"{totals[3]} untranslated, {totals[4]} obsolete")


if __name__ == "__main__":
    main()
