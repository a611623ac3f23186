"""The Japanese edition (日本語版): its catalogs, and the built pages in _build/ja/html
(`make book-ja`) against the English ones in _build/html (`make book`).

- every page of the book has a catalog, and every message of every catalog is translated:
  none untranslated, none fuzzy, none obsolete (`python -m autograder.ja_catalogs --missing`);
- each Japanese page shows the same code cells and outputs as its English page;
- each page of either edition links to the same page of the other, and the link resolves;
- the Japanese pages are marked lang="ja", and the theme's own interface is Japanese;
- the search index finds Japanese words: 更新ゲート leads to the GRU step page.
"""

import copy
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from autograder.assignments import REPO
from autograder.ja_catalogs import CATALOG_DIR, catalog_state
from conftest import toc_files

HTML = REPO / "_build" / "html"
JA_HTML = REPO / "_build" / "ja" / "html"


def catalog_path(page):
    return CATALOG_DIR / f"{page}.po"


def test_every_page_has_a_catalog():
    missing = [page for page in toc_files() if not catalog_path(page).is_file()]
    assert not missing, f"no catalog for {missing}: run `make ja-catalogs`"


@pytest.mark.parametrize("page", toc_files())
def test_every_message_is_translated(page):
    path = catalog_path(page)
    if not path.is_file():
        pytest.fail(f"no catalog {path}: run `make ja-catalogs`")
    state = catalog_state(path)
    problems = ([f"untranslated: {m[:80]!r}" for m in state.untranslated]
                + [f"fuzzy: {m[:80]!r}" for m in state.fuzzy]
                + [f"obsolete: {m[:80]!r}" for m in state.obsolete])
    assert not problems, f"{path.relative_to(REPO)}:\n" + "\n".join(problems)


# --- the built editions -------------------------------------------------------------------

def soup(path):
    return BeautifulSoup(path.read_text(errors="replace"), "html.parser")


@pytest.fixture(scope="module")
def editions():
    for html, target in [(HTML, "make book"), (JA_HTML, "make book-ja")]:
        if not (html / "index.html").is_file():
            pytest.fail(f"{html.relative_to(REPO)} is not built: run `{target}` (make test does it first)")
    return {page: (soup(HTML / f"{page}.html"), soup(JA_HTML / f"{page}.html")) for page in toc_files()}


def code_and_outputs(html):
    """Every code cell's source and outputs, in order, and the images they show: the shared
    part of a page. A figure's caption and alt text, set in the cell's metadata, are prose
    (translated), so they are left out."""
    shared = []
    for cell in html.select("div.cell div.cell_input, div.cell div.cell_output"):
        cell = copy.copy(cell)
        for caption in cell.select("figcaption"):
            caption.decompose()
        shared.append((cell.get_text(), [img.get("src") for img in cell.find_all("img")]))
    return shared


@pytest.mark.book
def test_japanese_pages_show_the_english_code_and_outputs(editions):
    differ = [page for page, (en, ja) in editions.items() if code_and_outputs(en) != code_and_outputs(ja)]
    cells = sum(len(code_and_outputs(en)) for en, _ in editions.values())
    assert cells > 100  # the chapters' code cells are among them
    assert not differ, f"code or outputs differ between the editions on {differ}"


def resolve(page_file, href):
    """The file a relative link of a page leads to, as a browser resolves it (lexically)."""
    parts = list(page_file.relative_to(HTML).parent.parts) + href.split("#")[0].split("/")
    stack = []
    for part in parts:
        if part == "..":
            assert stack, f"{href} leaves the site"
            stack.pop()
        elif part not in ("", "."):
            stack.append(part)
    return HTML.joinpath(*stack)


@pytest.mark.book
@pytest.mark.parametrize("edition,language", [("en", "ja"), ("ja", "en")])
def test_every_page_links_to_itself_in_the_other_edition(editions, edition, language):
    root = HTML if edition == "en" else HTML / "ja"  # the Japanese edition is published under ja/
    other_root = HTML / "ja" if edition == "en" else HTML
    problems = []
    for page, pair in editions.items():
        html = pair[0] if edition == "en" else pair[1]
        links = html.select(f"p.edition-links a[hreflang={language}]")
        if len(links) != 1:
            problems.append(f"{edition} {page}: {len(links)} links to the {language} edition")
            continue
        href = links[0]["href"]
        if re.match(r"^[a-z]+:|^/", href):
            problems.append(f"{edition} {page}: {href} is not relative")
        elif resolve(root / f"{page}.html", href).resolve() != (other_root / f"{page}.html").resolve():
            problems.append(f"{edition} {page}: {href} does not lead to {language}/{page}")
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_japanese_pages_are_japanese(editions):
    for page, (_, ja) in editions.items():
        assert ja.html.get("lang") == "ja", page
        # The theme's interface (search box, navigation) is in Japanese: Sphinx and the theme's own catalogs.
        search = ja.select_one("button.search-button__button")
        assert search is not None and search.get("aria-label") == "検索", page


def search_index(html_dir):
    text = (html_dir / "searchindex.js").read_text()
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


@pytest.mark.book
@pytest.mark.parametrize("query,page", [("更新ゲート", "chapters/03_gru/01_gru_step"),
                                        ("通時的誤差逆伝播法", "chapters/01_rnn/03_bptt")])
def test_search_finds_japanese_words(query, page):
    """Sphinx's Japanese search splits words with its default splitter (TinySegmenter, in
    Python at build time and in JavaScript in the reader's browser, offline); every indexed
    word of the query must lead to the page."""
    from sphinx.search.ja import SearchJapanese

    language = SearchJapanese({})  # its default splitter; its filter drops one-character words
    index = search_index(JA_HTML)
    docnames = index["docnames"]
    words = [w for w in language.split(query) if w.strip() and language.word_filter(w)]
    assert words
    for word in words:
        postings = index["terms"].get(word.lower(), [])
        postings = [postings] if isinstance(postings, int) else postings
        titles = index["titleterms"].get(word.lower(), [])
        titles = [titles] if isinstance(titles, int) else titles
        assert docnames.index(page) in set(postings) | set(titles), f"{word!r} of {query!r} does not find {page}"
