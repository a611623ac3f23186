"""The book's build settings: a chapter that raises fails the build, and so does a broken
internal link or cross-reference ({doc}, {ref}, a Markdown link to a missing page); a clean
page, with working links of each kind, passes.

Runs jupyter-book with the repository's _config.yml and the same flags as `make book` on a
one-page book in a temporary folder. The clean control proves that the failure comes from
the raising cell and not from the set-up.
"""

import shutil

import pytest

from autograder.assignments import REPO
from conftest import run

PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# A page

```{{code-cell}} ipython3
{code}
```
"""


def build_one_page(folder, code, markdown=""):
    """Build a one-page book in folder: a code cell, then markdown; the CompletedProcess."""
    folder.mkdir(exist_ok=True)
    shutil.copy(REPO / "_config.yml", folder / "_config.yml")
    for assets in ("_static", "_extra", "_ext"):  # what _config.yml points at
        shutil.copytree(REPO / "chapters" / assets, folder / "chapters" / assets,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "_toc.yml").write_text("format: jb-book\nroot: chapters/page\n")
    (folder / "chapters" / "page.md").write_text(PAGE.format(code=code) + markdown)
    return run(["jupyter-book", "build", str(folder), "--warningiserror", "--nitpick", "--keep-going"],
               cwd=folder, check=False, timeout=300)


@pytest.mark.parametrize("code,fails", [("print(1 + 1)", False), ("1 / 0", True)])
def test_a_raising_chapter_fails_the_build(tmp_path, code, fails):
    process = build_one_page(tmp_path, code)
    output = process.stdout + process.stderr
    if fails:
        assert process.returncode != 0, output[-3000:]
        assert "page.err.log [mystnb.exec]" in output  # myst-nb reports the failed execution...
        report = tmp_path / "_build" / "html" / "reports" / "chapters" / "page.err.log"
        assert "ZeroDivisionError" in report.read_text()  # ...and the report names the exception
    else:
        assert process.returncode == 0, output[-3000:]
        assert "2" in (tmp_path / "_build" / "html" / "chapters" / "page.html").read_text()


LINKS = """(top)=
## A section

{code}

## Another section
"""
GOOD_LINKS = "See {doc}`page`, {ref}`top` and [the page](page.md)."
BROKEN_LINKS = ["{doc}`no_such_page`", "{ref}`no-such-label`", "[a page](no_such_file.md)"]


def test_broken_internal_links_fail_the_build(tmp_path):
    broken = tmp_path / "broken"
    process = build_one_page(broken, "print(1)", markdown=LINKS.format(code=" ".join(BROKEN_LINKS)))
    output = process.stdout + process.stderr
    assert process.returncode != 0, output[-3000:]
    # --keep-going reports each one
    assert "unknown document: 'no_such_page'" in output, output[-3000:]
    assert "undefined label: 'no-such-label'" in output, output[-3000:]
    assert "no_such_file.md" in output, output[-3000:]

    good = tmp_path / "good"
    process = build_one_page(good, "print(1)", markdown=LINKS.format(code=GOOD_LINKS))
    assert process.returncode == 0, (process.stdout + process.stderr)[-3000:]
