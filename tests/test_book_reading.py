"""Reading and doing, checked on the built HTML (_build/html; the instructor edition in
_build/instructor/html, made by `make instructor-book`).

- every figure has alt text that describes it (not empty, not a file name);
- every page's headings go down one level at a time (h1, h2, h3: none skipped);
- each chapter can be downloaded as a notebook (.ipynb, from the download button);
- each released exercise is offered as a download, identical to the committed notebook;
- launch buttons (Binder, Colab, JupyterHub) link each notebook page, as plain links;
- the instructor edition holds every solution notebook and says so on every page.
"""

import json
import re

import jupytext
import nbformat
import pytest
from bs4 import BeautifulSoup

from autograder.assignments import REPO, assignment_names, released_notebook, solution_lines, source_notebook
from autograder.instructor_book import BANNER
from conftest import HTML, INSTRUCTOR_HTML, require_built, toc_files

pytestmark = pytest.mark.book


def soup(path):
    return BeautifulSoup(path.read_text(errors="replace"), "html.parser")


@pytest.fixture(scope="module")
def pages():
    require_built()
    return {page: soup(HTML / f"{page}.html") for page in toc_files()}


def is_notebook(page):
    """A page built from a notebook: an .ipynb, or MyST markdown with a Jupyter kernel."""
    md = REPO / f"{page}.md"
    return (REPO / f"{page}.ipynb").is_file() or (md.is_file() and "kernelspec:" in md.read_text())


FILE_NAME = re.compile(r"^\S+\.(png|jpe?g|svg|gif|webp)$", re.IGNORECASE)


def test_every_image_has_descriptive_alt_text(pages):
    problems, figures = [], 0
    for page, html in pages.items():
        for img in html.find_all("img"):
            alt = (img.get("alt") or "").strip()
            figures += "_images/" in img.get("src", "")
            if not alt or FILE_NAME.match(alt) or alt == img.get("src"):
                problems.append(f"{page}: <img src={img.get('src')}> has alt {alt!r}")
    assert figures >= 3  # the RNN unit's figures are among them
    assert not problems, "\n".join(problems)


def heading_problems(html):
    """Skipped levels in a page's article: each heading at most one level below the one before."""
    article = html.select_one("article.bd-article") or html
    levels = [int(h.name[1]) for h in article.find_all(re.compile(r"^h[1-6]$"))]
    problems = [] if levels[:1] == [1] else [f"the first heading is h{levels[0] if levels else '-'}, not h1"]
    problems += [f"h{a} followed by h{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
    problems += ["more than one h1"] if levels.count(1) > 1 else []
    return problems


def test_headings_are_in_order(pages):
    problems = [f"{page}: {p}" for page, html in pages.items() for p in heading_problems(html)]
    assert not problems, "\n".join(problems)


def test_heading_check_finds_a_skipped_level():
    bad = BeautifulSoup("<article class='bd-article'><h1>A</h1><h3>B</h3></article>", "html.parser")
    good = BeautifulSoup("<article class='bd-article'><h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2></article>", "html.parser")
    assert heading_problems(bad) == ["h1 followed by h3"] and heading_problems(good) == []


def code_sources(notebook):
    return [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]


def download_links(html, suffix):
    return [a["href"] for a in html.select(".dropdown-download-buttons a[href]") if a["href"].endswith(suffix)]


def test_every_notebook_page_downloads_as_ipynb(pages):
    notebook_pages = [page for page in pages if is_notebook(page)]
    assert len(notebook_pages) >= len(pages) - 1
    for page in notebook_pages:
        links = download_links(pages[page], ".ipynb")
        assert len(links) == 1, f"{page}: download button offers {links}"
        target = (HTML / page).parent / links[0]
        notebook = nbformat.read(str(target), as_version=4)  # a valid notebook...
        nbformat.validate(notebook)
        # ...with the page's code cells, as in its source.
        source = jupytext.read(REPO / f"{page}.md") if (REPO / f"{page}.md").is_file() \
            else nbformat.read(str(REPO / f"{page}.ipynb"), as_version=4)
        assert code_sources(notebook) == code_sources(source), page


@pytest.mark.parametrize("name", assignment_names())
def test_each_exercise_is_offered_as_a_download(pages, name):
    released = json.loads(released_notebook(name).read_text())
    page = f"chapters/exercises/{name}/{name}"
    assert page in pages, f"{page} is not in _toc.yml"
    # The released notebook's page: its download button gives the notebook as committed.
    [link] = download_links(pages[page], ".ipynb")
    assert json.loads(((HTML / page).parent / link).read_text()) == released
    # And a page of the unit links it as a file to download ({download} role).
    offered = [(HTML / p).parent / a["href"] for p, html in pages.items() for a in html.select("a.download[href]")
               if a["href"].endswith(f"/{name}.ipynb")]
    assert offered, f"no page links {name}.ipynb with {{download}}"
    assert all(json.loads(path.read_text()) == released for path in offered)


LAUNCHERS = {"Binder": "mybinder.org/v2/gh/", "Colab": "colab.research.google.com/github/",
             "JupyterHub": "/hub/user-redirect/git-pull?"}


def test_launch_buttons_link_every_notebook_page(pages):
    for page, html in pages.items():
        if not is_notebook(page):
            continue
        buttons = {a.get_text(strip=True): a["href"] for a in html.select(".dropdown-launch-buttons a[href]")}
        for name, url in LAUNCHERS.items():
            assert url in buttons.get(name, ""), f"{page}: no {name} button ({buttons})"
        # Plain links: nothing of theirs is loaded from another host (test_book checks every
        # script, stylesheet and image; the browser tests check every request).
        assert not html.select(".dropdown-launch-buttons [src^=http]")


@pytest.fixture(scope="module")
def instructor_pages():
    require_built(INSTRUCTOR_HTML, "the instructor edition", "make instructor-book")
    return {p: p.read_text(errors="replace") for p in INSTRUCTOR_HTML.rglob("*.html")
            if "_static" not in p.relative_to(INSTRUCTOR_HTML).parts}


@pytest.mark.parametrize("name", assignment_names())
def test_instructor_edition_contains_the_solutions(instructor_pages, name):
    page = INSTRUCTOR_HTML / "solutions" / name / f"{name}.html"
    assert page in instructor_pages, f"the instructor edition has no page for solutions/{name}"
    text = " ".join(soup(page).get_text().split())
    missing = [line for line in solution_lines(source_notebook(name)) if " ".join(line.split()) not in text]
    assert not missing, f"solution lines not on the page: {missing[:3]}"


def test_instructor_edition_is_marked_on_every_page(instructor_pages):
    unmarked = [str(p.relative_to(INSTRUCTOR_HTML)) for p, text in instructor_pages.items()
                if BANNER not in soup(p).get_text() and not p.name == "index.html"]  # index: a redirect
    assert len(instructor_pages) > len(toc_files())
    assert not unmarked, unmarked


def test_learners_edition_has_no_solution_pages_and_no_banner():
    assert not (HTML / "solutions").exists()
    assert not [p for p in HTML.rglob("*.html") if BANNER in p.read_text(errors="replace")]
