"""The Japanese edition (日本語版): its catalogs, and the built pages in _build/ja/html
(`make book-ja`) against the English ones in _build/html (`make book`).

- every page of the book has a catalog, and every message of every catalog is translated:
  none untranslated, none fuzzy, none obsolete (`python -m autograder.ja_catalogs --missing`);
- each Japanese page shows the same code cells and outputs as its English page;
- each page of either edition links to the same page of the other, and the link resolves;
- the Japanese pages are marked lang="ja", the theme's own interface is Japanese, and no
  visible text outside code, outputs and math is a run of English words (citations, names
  and titles of works aside);
- the exercise pages of each edition offer that edition's notebook for download (the Japanese
  one: chapters/exercises_ja/), and each notebook page's download and launch buttons too;
- the search index finds Japanese words: 更新ゲート leads to the GRU step page.
"""

import copy
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment, Doctype

from autograder.assignments import REPO, assignment_names, released_notebook
from autograder.ja_catalogs import CATALOG_DIR, catalog_state
from autograder.ja_notebooks import japanese_notebook_path
from conftest import toc_files

HTML = REPO / "_build" / "html"
JA_HTML = REPO / "_build" / "ja" / "html"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji


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


# Words in \text{} of a math block or formula: English ones read as English in the Japanese page.
# Allowed: a code name (num\_layers) and names of variants or models used as labels (after/before
# as in n_after and the code's variant names, RNN, LSTM, GRU).
MATH_WORDS_KEPT = {"num\\_layers", "after", "before", "RNN: ", "LSTM: ", "GRU"}


@pytest.mark.parametrize("page", toc_files())
def test_words_in_math_are_japanese(page):
    with open(catalog_path(page), "rb") as handle:
        messages = [m for m in read_po(handle) if m.id and m.string]
    english = [(word, m.id[:60]) for m in messages for word in re.findall(r"\\text\{([^{}]*)\}", m.string)
               if re.search("[A-Za-z]{3,}", word) and not JAPANESE.search(word) and word not in MATH_WORDS_KEPT]
    assert not english, f"English in \\text{{}} of {page}'s translations: {english}"


# --- the built editions -------------------------------------------------------------------

def soup(path):
    return BeautifulSoup(path.read_text(errors="replace"), "html.parser")


@pytest.fixture(scope="module")
def editions():
    for html, target in [(HTML, "make book"), (JA_HTML, "make book-ja")]:
        if not (html / "index.html").is_file():
            pytest.fail(f"{html.relative_to(REPO)} is not built: run `{target}` (make test does it first)")
    return {page: (soup(HTML / f"{page}.html"), soup(JA_HTML / f"{page}.html")) for page in toc_files()}


def test_japanese_pages_keep_every_formula(editions):
    """Each display formula of an English page is one of its Japanese page too, in the same
    place: a translated formula (its \\text{} words in Japanese) must not lose its math
    (chapters/_ext/translated_math.py)."""
    lost = []
    for page, (english, japanese) in editions.items():
        blocks = [len(html.select("div.math")) for html in (english, japanese)]
        if blocks[0] != blocks[1] or "<p>::</p>" in str(japanese):
            lost.append((page, *blocks))
    assert not lost, f"display formulas lost (page, English, Japanese): {lost}"
    gru_step = editions["chapters/03_gru/01_gru_step"][1].select("div.math")
    assert any("\\text{リセットゲート、}" in block.get_text() for block in gru_step)


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


# Visible text of a Japanese page that may be English: what code shows (cells, outputs,
# inline code, math) and the glossary's English terms (each entry is bilingual by design).
NOT_PROSE = "script, style, pre, code, kbd, .math, div.cell_input, div.cell_output, dl.glossary > dt"
READER_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "data-bs-title")
_WORD = r"[A-Za-z][A-Za-z'’\-]+"
ENGLISH_RUN = re.compile(rf"{_WORD}(?:[ \n,;:&/]+{_WORD}){{2,}}")  # three English words or more
# What the translation rules keep in English (TRANSLATION_PLAN.md, rule 4), recognised by form:
# a reference list's entry, "Surname, I. ... (2016). Title. *Venue*." (citations stay as published);
REFERENCE = re.compile(r"^[A-Z][^,()]+, (?:[A-Z]\.[ \-]?)+.*\(\d{4}\)\.", re.S)
# people's names as cited in prose: "Gers, Schmidhuber and Cummins", "Chung et al";
PEOPLE = re.compile(r"^(?:[A-Z][\w'’\-]*|and|et|al)(?:[ ,\n]+(?:[A-Z][\w'’\-]*|and|et|al))*$")
# a title of a work in italics, in title case ("*An Empirical Exploration of Recurrent Network
# Architectures*"; the sources set titles in italics);
TITLE = re.compile(r"^[A-Z][\w'’\-]*(?:[ :,\n]+(?:[A-Z][\w'’\-]*|a|an|and|for|from|in|into|of|on|the|to))*$")
# a short quotation or the English of a term glossed after its Japanese: "LSTM: A search space
# odyssey", 「one class, one grader」, 通時的誤差逆伝播法（backpropagation through time）;
QUOTED = re.compile(r'"[^"\n]{1,100}"|「[^」]{1,100}」|（[^（）]{1,100}）')
# and names that are none of these forms, each a proper name (a book, a laboratory, a person, a
# competition) that the Japanese text names in English as published.
PROPER_NAMES = {"Deep Learning from Scratch", "C. David Keeling", "Global Monitoring Laboratory",
                "Arthur Conan Doyle", "A Scandal in Bohemia", "PhysioNet/Computing in Cardiology Challenge"}


def english_runs(text, italic=False):
    """The runs of three or more English words in a text that none of the forms above allow."""
    for match in ENGLISH_RUN.finditer(QUOTED.sub(" ", text)):
        run = match.group()
        if PEOPLE.match(run) or run in PROPER_NAMES or (italic and TITLE.match(run)):
            continue
        yield run


def english_on_page(html):
    """[(where, run)] for the English a reader sees on a page, outside code, outputs and math."""
    html = copy.copy(html)
    for element in html.select(NOT_PROSE):
        element.decompose()
    found = []
    for text in html.find_all(string=True):
        if isinstance(text, (Comment, Doctype)) or text.parent.name == "a" and text.strip().startswith("http"):
            continue
        paragraph = text.find_parent("p")
        if paragraph is not None and REFERENCE.match(paragraph.get_text()):
            continue
        italic = text.parent.name == "em"
        found += [(text.parent.name, run) for run in english_runs(str(text), italic)]
    for tag in html.find_all(True):
        for attribute in READER_ATTRIBUTES:
            if isinstance(tag.get(attribute), str):
                found += [(f"{tag.name}@{attribute}", run) for run in english_runs(tag[attribute])]
    return found


def test_english_runs_are_found():
    """The check finds the English that has been shown in the Japanese edition, and allows
    only what the translation rules keep."""
    assert list(english_runs("Link to this heading")) == ["Link to this heading"]
    assert list(english_runs("単純RNN の記法 The vanilla RNN")) == ["The vanilla RNN"]
    assert list(english_runs("ここではスクリプト化は does not pay。")) == ["does not pay"]
    assert list(english_runs("1. One step forward (2 points)")) == ["One step forward"]
    assert list(english_runs("An Empirical Exploration of Recurrent Network Architectures")) != []
    assert list(english_runs("An Empirical Exploration of Recurrent Network Architectures", italic=True)) == []
    assert list(english_runs("Gers, Schmidhuber and Cummins (2000) は")) == []
    assert list(english_runs("通時的誤差逆伝播法（backpropagation through time）と呼ぶ")) == []
    assert list(english_runs("（this whole sentence was left in English by mistake, and it is long "
                             "enough to be more than a gloss of a term: a paragraph in English）")) != []


@pytest.mark.book
def test_japanese_pages_are_japanese(editions):
    english = []
    for page, (_, ja) in editions.items():
        assert ja.html.get("lang") == "ja", page
        # The theme's interface (search box, navigation) is in Japanese: Sphinx and the theme's own catalogs.
        search = ja.select_one("button.search-button__button")
        assert search is not None and search.get("aria-label") == "検索", page
        english += [f"{page} <{where}>: {run!r}" for where, run in english_on_page(ja)]
    assert not english, "English in the Japanese edition (translate it: TRANSLATION_PLAN.md):\n" + "\n".join(english)


def download_links(page_file, html):
    """{file name: the file it leads to} of a page's {download} links of notebooks."""
    links = {}
    for link in html.select("a.reference.download"):
        href = link["href"]
        if href.endswith(".ipynb"):
            links[href.rsplit("/", 1)[-1]] = page_file.parent / href
    return links


@pytest.mark.book
@pytest.mark.parametrize("edition", ["en", "ja"])
def test_exercise_pages_offer_the_editions_notebook(editions, edition):
    """Each exercise notebook is offered for download on some page; in the Japanese edition it
    is the Japanese notebook (chapters/exercises_ja/, byte for byte), in the English one the
    English notebook. A notebook's own page offers the same from its download button, and its
    launch buttons open that notebook in the repository."""
    root = HTML if edition == "en" else JA_HTML
    notebook = released_notebook if edition == "en" else japanese_notebook_path
    offered, problems = set(), []
    for page, pair in editions.items():
        html = pair[0] if edition == "en" else pair[1]
        for name, path in download_links(root / f"{page}.html", html).items():
            assignment = name.removesuffix(".ipynb")
            if assignment not in assignment_names():
                continue
            offered.add(assignment)
            if not path.is_file() or path.read_bytes() != notebook(assignment).read_bytes():
                problems.append(f"{page}: {name} is not {notebook(assignment).relative_to(REPO)}")
    assert offered == set(assignment_names()), f"not offered for download: {set(assignment_names()) - offered}"
    for assignment in assignment_names():
        page = f"chapters/exercises/{assignment}/{assignment}"
        html = editions[page][0 if edition == "en" else 1]
        hrefs = [a["href"] for a in html.select("a[href]")]
        sources = [h for h in hrefs if "_sources/" in h and h.endswith(".ipynb")]
        if len(sources) != 1:
            problems.append(f"{page}: {len(sources)} download buttons")
        elif (root / page).parent.joinpath(sources[0]).read_bytes() != notebook(assignment).read_bytes():
            problems.append(f"{page}: the download button's file is not {notebook(assignment).relative_to(REPO)}")
        repository_path = notebook(assignment).relative_to(REPO).as_posix()
        launches = [h for h in hrefs if "colab.research.google.com" in h or "mybinder.org" in h]
        if not launches or not all(h.endswith(repository_path) for h in launches):
            problems.append(f"{page}: launch buttons {launches} do not open {repository_path}")
    assert not problems, "\n".join(problems)


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
