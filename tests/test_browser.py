"""The book as readers see it: every page of _build/html opened in headless Chromium, and every
page of the Japanese edition, published under its ja/ (`make book-ja` links _build/html/ja).

The tests serve _build/html themselves on 127.0.0.1 (an ephemeral port) and reuse one browser
(tests/chromium.py) for the whole module. On every page: no console error, no failed request,
no request to any other host (nor a URL of one in an inline script), math typeset by the vendored MathJax with no TeX source left in
the text, every image loaded, a copy button on every code block. Then: search, the next and
previous links through the whole book, the sidebar on a laptop and (behind its toggle) on a
phone, the glossary's Japanese glyphs, and screenshots of the key pages at a laptop and a phone
width, saved in _build/screenshots/ for review. The Japanese edition: the same checks on every
page, its search for Japanese words, its text drawn with a CJK font, and the links between the
editions.

Needs Chromium and a CJK font (`make browser`, run by `make test`); -m "not browser" skips them.
"""

import functools
import json
import re
import struct
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urldefrag, urlsplit

import pytest

from autograder.assignments import REPO
from chromium import Chromium
from conftest import HTML, require_built, toc_files

pytestmark = [pytest.mark.book, pytest.mark.browser]
SCREENSHOTS = REPO / "_build" / "screenshots"
# Pages Sphinx makes besides those of _toc.yml (index.html redirects to the root page).
GENERATED_PAGES = ["index", "search", "genindex"]
LAPTOP = (1366, 900, False)
PHONE = (390, 844, True)
# The pages screenshotted for review: the front matter, the glossary (Japanese), one RNN
# chapter (math and a figure) and the RNN unit's exercise page.
KEY_PAGES = ["chapters/preface", "chapters/glossary", "chapters/01_rnn/01_recurrence",
             "chapters/01_rnn/06_exercises"]


# The editions, by the folder each is published in: English at the root, Japanese under ja/.
EDITIONS = ["", "ja/"]


def book_pages():
    return toc_files() + GENERATED_PAGES


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    """Serve _build/html on 127.0.0.1; yields the base URL, ending in '/'."""
    require_built()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(HTML)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    with Chromium() as chromium:
        chromium.set_screen(*LAPTOP)
        yield chromium


def page_of(url, server):
    """The page name of a URL of the local server: 'chapters/notation' for .../chapters/notation.html."""
    path = urldefrag(url)[0].split("?")[0]
    assert path.startswith(server), f"{url} is not on the book's server"
    return path[len(server):].removesuffix(".html")


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_built_page_is_checked(edition):
    root = HTML / edition
    built = {str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.html")
             if p.relative_to(root).parts[0] not in {"_static", "_sources", "_downloads", "_images"}}
    assert built == set(book_pages())


# What a page shows once loaded: math, leftover TeX, images, code blocks and their copy buttons.
PAGE_FACTS = """(() => {
  const main = document.querySelector('main') || document.body;
  const prose = main.cloneNode(true);
  prose.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(e => e.remove());
  const maths = [...document.querySelectorAll('.math')];
  return {
    math: maths.length,
    untypeset: maths.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80)),
    texErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || e.textContent),
    typeset: document.querySelectorAll('mjx-container').length,
    text: prose.textContent,
    images: [...document.images].map(i => ({src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0})),
    codeBlocks: document.querySelectorAll('div.highlight pre').length,
    copyButtons: document.querySelectorAll('div.highlight button.copybtn').length,
    inlineUrls: [...document.querySelectorAll('script:not([src])')]
      .flatMap(s => s.textContent.match(/https?:\\/\\/[^\\s'"`)<>]+/g) || []),
  };
})()"""
# TeX that MathJax should have turned into math: \( \) \[ \] $$ \begin{...} or $...$
# (TeX's rule for $...$: no space after the opening or before the closing dollar).
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\$[^\s$](?:[^$\n]*[^\s$\\])?\$")


def has_code_cells(page):
    source = REPO / f"{page}.md"
    if source.is_file():
        return "```{code-cell}" in source.read_text()
    notebook = REPO / f"{page}.ipynb"
    return notebook.is_file() and any(c["cell_type"] == "code" for c in json.loads(notebook.read_text())["cells"])


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("page", book_pages())
def test_page_reads_cleanly(browser, server, edition, page):
    load = browser.visit(f"{server}{edition}{page}.html")
    facts = browser.evaluate(PAGE_FACTS)
    problems = [f"console error: {e}" for e in load.console_errors]
    problems += [f"failed request: {f}" for f in load.failed]
    problems += [f"request to another host: {u}" for u in load.requests
                 if urlsplit(u).scheme not in {"data", "blob", "about"} and not u.startswith(server)]
    problems += [f"an inline script names another host: {u}" for u in facts["inlineUrls"] if not u.startswith(server)]
    problems += [f"math not typeset: {m!r}" for m in facts["untypeset"]]
    problems += [f"TeX error: {e}" for e in facts["texErrors"]]
    problems += [f"raw TeX left in the text: {m.group()!r}" for m in RAW_TEX.finditer(facts["text"])]
    problems += [f"image not loaded: {i['src']}" for i in facts["images"] if not i["loaded"]]
    if facts["copyButtons"] != facts["codeBlocks"]:
        problems.append(f"{facts['codeBlocks']} code blocks but {facts['copyButtons']} copy buttons")
    if facts["math"]:
        mathjax = [u for u in load.requests if u.split("?")[0].endswith("_static/mathjax/tex-chtml.js")]
        if not (mathjax and facts["typeset"]):
            problems.append("page has math but the vendored MathJax did not typeset it")
    if has_code_cells(page) and not facts["codeBlocks"]:
        problems.append("the page has code cells but shows no code block")
    assert not problems, f"{edition}{page}:\n" + "\n".join(problems)


def test_math_is_typeset_where_the_notation_page_has_it(browser, server):
    """A control for the check above: the notation page has math, and MathJax typeset it."""
    browser.visit(f"{server}chapters/notation.html")
    facts = browser.evaluate(PAGE_FACTS)
    assert facts["math"] > 10 and facts["typeset"] >= facts["math"] and not facts["untypeset"]


def test_raw_tex_pattern():
    """The pattern finds TeX that MathJax missed, and not ordinary prose."""
    for tex in [r"\(h_t\)", r"\[x\]", "$$a$$", r"\begin{aligned}", "$h_t$", "$N$"]:
        assert RAW_TEX.search(tex), tex
    for prose in ["costs $5 and $10", "a (bracketed) remark", "x [1]"]:
        assert not RAW_TEX.search(prose), prose


# The message that ends a search, in each edition's language (Japanese: translations-extra.js).
SEARCH_FINISHED = {"": "Search finished", "ja/": "検索が終了しました"}
SEARCH_RESULTS = """finished => new Promise((resolve, reject) => {
  const start = Date.now();
  (function poll() {
    const box = document.querySelector('#search-results');
    if (box && box.innerText.includes(finished)) {
      resolve([...box.querySelectorAll('ul.search li a')].map(a => a.getAttribute('href')));
    } else if (Date.now() - start > 15000) {
      reject(new Error('the search did not finish: ' + (box ? box.innerText : 'no #search-results')));
    } else { setTimeout(poll, 100); }
  })();
})"""


@pytest.mark.parametrize("edition,query,page", [
    ("", "reset gate", "chapters/glossary"), ("", "リセットゲート", "chapters/glossary"),
    ("ja/", "リセットゲート", "chapters/glossary"), ("ja/", "更新ゲート", "chapters/03_gru/01_gru_step")])
def test_search_finds_the_page(browser, server, edition, query, page):
    load = browser.visit(f"{server}{edition}search.html?q={query}")
    assert not load.console_errors and not load.failed
    hits = browser.evaluate(f"({SEARCH_RESULTS})({json.dumps(SEARCH_FINISHED[edition])})")
    assert any(h.split("?")[0].split("#")[0] == f"{page}.html" for h in hits), hits


@pytest.mark.parametrize("edition,other", [("", "ja/"), ("ja/", "")])
def test_language_link_leads_to_the_same_page_in_the_other_edition(browser, server, edition, other):
    for page in ["chapters/preface", "chapters/03_gru/01_gru_step"]:
        browser.visit(f"{server}{edition}{page}.html")
        assert page_of(browser.follow("p.edition-links a.edition-link"), server) == f"{other}{page}"
        assert browser.evaluate("document.documentElement.lang") == ("ja" if other else "en")


def test_next_and_previous_links_walk_the_book_in_toc_order(browser, server):
    expected = toc_files()
    browser.visit(f"{server}index.html")  # a redirect to the root page
    walk = [page_of(browser.evaluate("location.href"), server)]
    previous = [None]
    while browser.evaluate("!!document.querySelector('a.right-next')") and len(walk) <= len(expected):
        walk.append(page_of(browser.follow("a.right-next"), server))
        previous.append(browser.evaluate("(document.querySelector('a.left-prev') || {}).href || null"))
    assert walk == expected
    # Every page's "previous" link leads to the page before it; the root page has none.
    assert [page_of(p, server) if p else None for p in previous] == [None] + expected[:-1]
    assert page_of(browser.follow("a.left-prev"), server) == expected[-2]  # and it works


SIDEBAR_LINKS = "[...document.querySelectorAll('nav.bd-docs-nav a.reference.internal')].map(a => a.href)"
VISIBLE = "(e => !!e && e.getBoundingClientRect().width > 0 && getComputedStyle(e).visibility !== 'hidden')"


def test_sidebar_lists_every_page_and_its_links_work(browser, server):
    browser.visit(f"{server}{toc_files()[0]}.html")
    links = [page_of(u, server) for u in browser.evaluate(SIDEBAR_LINKS)]  # the home link is "#"
    assert [p for i, p in enumerate(links) if i == 0 or p != links[i - 1]] == toc_files()
    target = toc_files()[-1]
    href = json.dumps(f"{target.rsplit('/', 1)[-1]}.html")
    assert page_of(browser.follow(f"nav.bd-docs-nav a.reference.internal[href$={href}]"), server) == target


def test_sidebar_opens_from_its_toggle_on_a_phone(browser, server):
    browser.set_screen(*PHONE)
    try:
        browser.visit(f"{server}{toc_files()[1]}.html")
        first_link = "document.querySelector('nav.bd-docs-nav a.reference.internal')"
        assert not browser.evaluate(f"{VISIBLE}({first_link})"), "the sidebar should be folded away on a phone"
        browser.evaluate("document.querySelector('button.primary-toggle').click()")
        assert browser.evaluate(f"""new Promise(resolve => setTimeout(() => resolve(
            [...document.querySelectorAll('nav.bd-docs-nav a.reference.internal')].some({VISIBLE})), 500))""")
    finally:
        browser.set_screen(*LAPTOP)


# Draws one character in the page's font; two different CJK characters drawn as the same
# pixels means both fell back to the "missing glyph" box.
GLYPHS_DIFFER = """(() => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (ch) => {
    const canvas = document.createElement('canvas'); canvas.width = canvas.height = 48;
    const ctx = canvas.getContext('2d'); ctx.font = `32px ${font}`; ctx.fillText(ch, 4, 38);
    return Array.from(ctx.getImageData(0, 0, 48, 48).data).join(',');
  };
  const [a, b, missing] = [draw('更'), draw('新'), draw('\\u{10FFFD}')];
  return a !== b && a !== missing && /[1-9]/.test(a);
})()"""


@pytest.mark.parametrize("page", ["chapters/glossary", "ja/chapters/03_gru/01_gru_step"])
def test_japanese_terms_render_as_glyphs(browser, server, page):
    browser.visit(f"{server}{page}.html")
    assert "更新ゲート" in browser.evaluate("document.body.innerText")
    assert browser.evaluate(GLYPHS_DIFFER), "CJK characters render as missing-glyph boxes: install a CJK font (make browser)"


CLIPPED_EQUATIONS = """[...document.querySelectorAll('mjx-container[display="true"]')]
  .filter(m => m.scrollWidth > m.clientWidth + 1 && !['auto', 'scroll'].includes(getComputedStyle(m).overflowX))
  .map(m => m.textContent.slice(0, 60))"""


def png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("screen", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_screenshots_of_the_key_pages(browser, server, screen):
    """Saved for review in _build/screenshots/; the page must not be wider than the screen."""
    width, height, mobile = screen
    name = "phone" if mobile else "laptop"
    browser.set_screen(*screen)
    try:
        for page in KEY_PAGES + [f"ja/{p}" for p in KEY_PAGES]:
            load = browser.visit(f"{server}{page}.html")
            assert not load.console_errors, load.console_errors
            overflow = browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{page} is {overflow} px wider than a {name} screen"
            # An equation wider than the column must scroll sideways, not be cut off.
            assert not browser.evaluate(CLIPPED_EQUATIONS), f"{page}: equations cut off on a {name} screen"
            shot = browser.screenshot(SCREENSHOTS / f"{name}-{page.replace('/', '-')}.png")
            assert png_size(shot) == (width, height)
            if browser.evaluate("!!document.querySelector('figure img, img.figure')"):
                browser.evaluate("document.querySelector('figure img, img.figure').scrollIntoView({block: 'center'})")
                browser.screenshot(SCREENSHOTS / f"{name}-{page.replace('/', '-')}-figure.png")
    finally:
        browser.set_screen(*LAPTOP)
