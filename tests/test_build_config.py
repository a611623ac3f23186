"""The book's build settings: a chapter that raises fails the build, a clean one passes.

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


def build_one_page(folder, code):
    shutil.copy(REPO / "_config.yml", folder / "_config.yml")
    shutil.copytree(REPO / "chapters" / "_static", folder / "chapters" / "_static")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: chapters/page\n")
    (folder / "chapters" / "page.md").write_text(PAGE.format(code=code))
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
