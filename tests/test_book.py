"""The built book (_build/html, made by `make book` before the tests run).

- every page in _toc.yml was built, and the chapters executed (their outputs are there);
- offline: no page loads a script, stylesheet, image or font from another host, and math
  is rendered by the vendored MathJax;
- no solution code and no hidden test of any exercise appears in any page or file.
"""

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from autograder.assignments import REPO, assignment_names, hidden_test_lines, solution_lines, source_notebook
from conftest import HTML, require_built, toc_files

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def pages():
    require_built()
    return {path: path.read_text(errors="replace") for path in HTML.rglob("*.html")}


def test_every_toc_page_was_built(pages):
    for file in toc_files():
        assert HTML / f"{file}.html" in pages, file


def test_chapters_were_executed(pages):
    chapters = [f for f in toc_files() if (REPO / f"{f}.md").is_file() and "code-cell" in (REPO / f"{f}.md").read_text()]
    assert chapters
    for file in chapters:
        soup = BeautifulSoup(pages[HTML / f"{file}.html"], "html.parser")
        assert soup.select(".cell_output"), f"{file}: no cell outputs, so it did not execute"


EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def test_no_page_loads_anything_from_another_host(pages):
    offenders = []
    for path, text in pages.items():
        soup = BeautifulSoup(text, "html.parser")
        for tag, attribute in [("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                               ("source", "src"), ("video", "src"), ("audio", "src")]:
            for element in soup.find_all(tag):
                url = element.get(attribute, "")
                if tag == "link" and not set(element.get("rel", [])) & {"stylesheet", "preload", "icon", "modulepreload"}:
                    continue  # ordinary hyperlinks in <link rel="next"> etc. load nothing
                if EXTERNAL.match(url):
                    offenders.append(f"{path.relative_to(HTML)}: <{tag} {attribute}={url}>")
    for css in HTML.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", css.read_text(errors="replace")):
            offenders.append(f"{css.relative_to(HTML)}: url({url})")
    assert not offenders, "\n".join(offenders)


def test_math_uses_the_vendored_mathjax(pages):
    notation = pages[HTML / "chapters" / "notation.html"]
    scripts = [s.get("src", "") for s in BeautifulSoup(notation, "html.parser").find_all("script")]
    mathjax = [s.split("?")[0] for s in scripts if "mathjax" in s.lower()]  # Sphinx appends ?v=<hash>
    assert mathjax and all(s.endswith("_static/mathjax/tex-chtml.js") for s in mathjax), mathjax
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (HTML / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    assert 'class="math' in notation


def readable_text(path, raw):
    """What a reader can see in a built file: an HTML page's text (Pygments' spans joined
    back into code lines), a notebook's cell sources, or the raw text of anything else."""
    if path.suffix == ".html":
        return BeautifulSoup(raw, "html.parser").get_text()
    if path.suffix == ".ipynb":
        return "\n".join("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                         for cell in json.loads(raw)["cells"])
    return raw


@pytest.mark.parametrize("name", assignment_names())
def test_no_solution_or_hidden_test_in_the_book(pages, name):
    secret = solution_lines(source_notebook(name)) + hidden_test_lines(source_notebook(name))
    assert len(secret) > 10  # the search has something to look for
    files = {path: path.read_text(errors="replace") for path in HTML.rglob("*")
             if path.is_file() and path.suffix in {".html", ".ipynb", ".md", ".txt", ".py", ".js"}
             and "mathjax" not in path.parts}
    leaks = []
    for path, raw in files.items():
        flat = " ".join(readable_text(path, raw).split())
        leaks += [f"{path.relative_to(HTML)}: {line}" for line in secret if " ".join(line.split()) in flat]
    assert not leaks, "\n".join(leaks)


def test_leak_search_sees_code_through_syntax_highlighting():
    """The search above must find a line that Pygments has split into spans."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    line = solution_lines(source_notebook("rnn"))[0]
    page = f"<html><body><p>Text</p>{highlight(line, PythonLexer(), HtmlFormatter())}</body></html>"
    assert "<span" in page
    assert " ".join(line.split()) in " ".join(readable_text(Path("page.html"), page).split())
