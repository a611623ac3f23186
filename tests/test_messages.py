"""Every learner-facing message exists in every language (gatedrnn.i18n, autograder.messages).

The templates are read from the code itself: the first argument of every `tr(...)`
and `N_(...)` call in the package, which must be a string literal (so that it can be found). For each
package's catalog and each language:
- every template has a translation, with exactly the same {placeholders};
- every translation is used (none left behind by a changed message);
- a translation is not the English left as it is (it holds Japanese characters);
- where a call passes its values by name, they are exactly the template's placeholders.
"""

import ast
import re
from pathlib import Path

import pytest

from gatedrnn.i18n import LANGUAGES, placeholders, speaking, tr

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"gatedrnn": "gatedrnn.i18n", "autograder": "autograder.messages"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def calls_in(package):
    """(file:line, template, names passed or None when **values are passed) for every message call."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = function.id if isinstance(function, ast.Name) else (
                f"{function.value.id}.{function.attr}" if isinstance(function, ast.Attribute)
                and isinstance(function.value, ast.Name) else None)
            if name not in ("tr", "N_"):  # tr.shown(template) shows one found at its N_
                continue
            args = node.args
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            template = args[0].value if args and isinstance(args[0], ast.Constant) else None
            assert isinstance(template, str), f"{where}: {name}() needs a string literal as its template"
            names = None if any(k.arg is None for k in node.keywords) or name == "N_" else \
                {k.arg for k in node.keywords}
            found.append((where, template, names))
    return found


def catalog(package):
    return __import__(PACKAGES[package], fromlist=["tr"]).tr


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_message_call_passes_its_placeholders(package):
    wrong = [f"{where}: passes {sorted(names)} to {template!r}" for where, template, names in calls_in(package)
             if names is not None and names != placeholders(template)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES[1:])
@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_message_is_translated(package, language):
    templates = {template for _, template, _ in calls_in(package)}
    translations = catalog(package).translations[language]
    missing = sorted(templates - set(translations))
    assert not missing, f"{len(missing)} messages of {package} have no {language} translation:\n" + "\n".join(missing)
    unused = sorted(set(translations) - templates)
    assert not unused, f"{len(unused)} {language} translations of {package} are used nowhere:\n" + "\n".join(unused)
    different = [t for t in templates if placeholders(translations[t]) != placeholders(t)]
    assert not different, "placeholders differ in:\n" + "\n".join(different)
    untranslated = [t for t in templates if JAPANESE.search(t) is None and JAPANESE.search(translations[t]) is None
                    and re.search("[A-Za-z]{3}", t)]
    assert not untranslated, "left in English:\n" + "\n".join(untranslated)


def test_the_language_follows_speaking_then_the_environment(monkeypatch):
    catalog_ja = {"{n} checks passed.": "{n} 個のチェックに合格した。"}
    tr.translations["ja"].update(catalog_ja)
    try:
        monkeypatch.delenv("GATEDRNN_LANGUAGE", raising=False)
        monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
        assert tr("{n} checks passed.", n=3) == "3 checks passed."
        monkeypatch.setenv("GATEDRNN_LANGUAGE", "ja")
        assert tr("{n} checks passed.", n=3) == "3 個のチェックに合格した。"
        with speaking("en"):
            assert tr("{n} checks passed.", n=3) == "3 checks passed."
        monkeypatch.setenv("GATEDRNN_LANGUAGE", "xx")  # a language without messages: English
        assert tr("{n} checks passed.", n=3) == "3 checks passed."
    finally:
        for key in catalog_ja:
            del tr.translations["ja"][key]


def test_a_kernel_reads_the_language_of_its_notebook(tmp_path, monkeypatch):
    """JupyterLab tells a kernel its notebook's path (JPY_SESSION_NAME); the notebook's metadata says ja."""
    import nbformat

    from gatedrnn.i18n import language, with_language
    notebook = nbformat.v4.new_notebook()
    with_language(notebook.metadata, "ja")
    path = tmp_path / "rnn.ipynb"
    nbformat.write(notebook, str(path))
    monkeypatch.delenv("GATEDRNN_LANGUAGE", raising=False)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    assert language() == "ja"
    with_language(notebook.metadata, "en")
    nbformat.write(notebook, str(path))
    assert language() == "en"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "missing.ipynb"))
    assert language() == "en"
