"""The Japanese exercise notebooks: each released notebook with its instructions in Japanese.

    python -m autograder.ja_notebooks [--check]

writes chapters/exercises_ja/<a>/<a>.ipynb for every assignment <a>: the released notebook
chapters/exercises/<a>/<a>.ipynb, cell for cell, with each markdown cell translated through
the catalog of the book's page of that notebook, locales/ja/LC_MESSAGES/chapters/exercises/<a>/<a>.po
(one catalog serves the Japanese book and the Japanese notebook: the same messages, the same
translations). Code cells and their nbgrader metadata are copied unchanged, so the grader grades
either notebook the same way; the notebook's metadata gains {"gatedrnn": {"language": "ja"}}
(gatedrnn.i18n): the learner's kernel and the grader then show messages and feedback in
Japanese. The file keeps the name <a>.ipynb,
as nbgrader expects a submission to be named. With --check, nothing is written and the exit
status says whether the committed notebooks are up to date (the tests check it too).

A markdown cell is translated block by block, as Sphinx cut it into messages: each heading,
paragraph (in a list item too) and table cell whose source is a message with a translation is
replaced by the translation; markup around it (`#`, list markers, `|`) is kept; a math block
with a translation (its words in \text{} in Japanese) is replaced whole; anything without a
translation stays as it is.
"""

import argparse
import copy
import sys

import nbformat
from babel.messages.pofile import read_po
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from autograder.assignments import REPO, assignment_names, released_notebook
from autograder.ja_catalogs import CATALOG_DIR
from gatedrnn.i18n import with_language

JA_RELEASED = REPO / "chapters" / "exercises_ja"

_MARKDOWN = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)


def japanese_notebook_path(name):
    return JA_RELEASED / name / f"{name}.ipynb"


def page_catalog(name):
    """{English message: Japanese} of the book page of an assignment's released notebook."""
    path = CATALOG_DIR / "chapters" / "exercises" / name / f"{name}.po"
    with open(path, "rb") as f:
        catalog = read_po(f)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def _message(text):
    """A block's message as Sphinx extracts it: its source with line breaks as spaces."""
    return text.replace("\n", " ").strip()


def _translate_table_row(line, translations):
    """A table row `| a | b |` with each cell that has a translation translated."""
    if not line.strip().startswith("|") or set(line.strip()) <= set("|-: "):
        return line  # the separator row
    cells = line.strip().strip("|").split("|")
    out = [f" {translations.get(_message(c), c.strip())} " for c in cells]
    return "|" + "|".join(out) + "|"


def translate_markdown(source, translations):
    """The markdown source with every block that has a translation translated."""
    lines = source.split("\n")
    tokens = _MARKDOWN.parse(source)
    replaced = {}  # first line -> (line after the block, the new line)
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            start, end = token.map
            for n in range(start, end):
                replaced[n] = (n + 1, _translate_table_row(lines[n], translations))
        elif token.type == "math_block" and token.map and token.content in translations:
            start, end = token.map  # $$ ... $$ whose words in \text{} are translated
            replaced[start] = (end, "$$" + translations[token.content] + "$$")
        elif token.type in ("heading_open", "paragraph_open") and token.map and not _in_table(tokens, i):
            content = tokens[i + 1].content
            translation = translations.get(_message(content))
            if translation is None:
                continue
            start, end = token.map
            first_line = content.split("\n")[0]
            prefix = lines[start][:lines[start].find(first_line)] if first_line in lines[start] else ""
            replaced[start] = (end, prefix + translation)
    out, n = [], 0
    while n < len(lines):
        if n in replaced:
            end, line = replaced[n]
            out.append(line)
            n = end
        else:
            out.append(lines[n])
            n += 1
    return "\n".join(out)


def _in_table(tokens, i):
    depth = 0
    for token in tokens[:i]:
        depth += token.type == "table_open"
        depth -= token.type == "table_close"
    return depth > 0


def japanese_notebook(name):
    """The Japanese notebook of an assignment (a NotebookNode), from its released notebook."""
    notebook = nbformat.read(str(released_notebook(name)), as_version=4)
    translations = page_catalog(name)
    japanese = copy.deepcopy(notebook)
    with_language(japanese.metadata, "ja")
    for cell in japanese.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, translations)
    return japanese


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the notebooks are up to date")
    args = parser.parse_args()
    stale = []
    for name in assignment_names():
        path = japanese_notebook_path(name)
        text = nbformat.writes(japanese_notebook(name)) + "\n"
        if path.is_file() and path.read_text() == text:
            continue
        stale.append(path.relative_to(REPO))
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(REPO)}")
    if args.check and stale:
        sys.exit(f"stale Japanese notebooks (run `make ja-notebooks`): {', '.join(map(str, stale))}")


if __name__ == "__main__":
    main()
