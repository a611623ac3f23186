"""The learner's language: messages in English, or in Japanese for a Japanese notebook.

Every learner-facing message (a check's verdict, a diagnosis, the feedback page's words) is
written in English in the code, as a `str.format` template, and goes through a `Catalog`:

    from .i18n import tr, N_
    raise CheckFailed(tr("{name} is not implemented yet.", name=name))
    PRECISION_LOST = Misconception("precision-lost", tr.later(N_("somewhere your code ...")))

`tr` formats the template in the current language; `N_` marks a template that is stored now and
translated when it is shown: `tr.later(N_(template), **values)` keeps it with its values and
formats it whenever it is shown (str(), or as a value of another message), in the language of
that moment. tests/test_messages.py extracts the templates of both and fails on any template
without a translation, with different placeholders, or translated but no longer used.

The current language, first found of:
1. `speaking(language)`, in this thread of execution (the grader, for one notebook's feedback);
2. the environment variable GATEDRNN_LANGUAGE (the grader sets it in a kernel that runs a
   Japanese notebook; a learner may set it too);
3. the notebook this kernel runs, where JupyterLab (or JupyterHub, or VS Code) says which one
   it is: its metadata {"gatedrnn": {"language": "ja"}} (chapters/exercises_ja's notebooks carry it);
4. English.
"""

import contextlib
import contextvars
import json
import os
import string
import sys

#: The languages messages exist in; the first is the one the code is written in.
LANGUAGES = ("en", "ja")
#: The environment variable that sets the language of a kernel (and of `python -m autograder check`).
ENVIRONMENT_VARIABLE = "GATEDRNN_LANGUAGE"
#: A notebook's language is notebook.metadata[METADATA_KEY]["language"].
METADATA_KEY = "gatedrnn"

_speaking = contextvars.ContextVar("gatedrnn_language", default=None)


def known(language):
    """language if messages exist in it ("ja"), else English."""
    return language if language in LANGUAGES else LANGUAGES[0]


def notebook_language(metadata):
    """The language of a notebook with this (notebook-level) metadata: "ja" or "en"."""
    settings = metadata.get(METADATA_KEY, {}) if hasattr(metadata, "get") else {}
    return known(settings.get("language") if hasattr(settings, "get") else None)


def with_language(metadata, language):
    """Mark notebook metadata (a dict, changed in place) as being in language; English is unmarked."""
    if known(language) == LANGUAGES[0]:
        metadata.pop(METADATA_KEY, None)
    else:
        metadata[METADATA_KEY] = {"language": known(language)}
    return metadata


def kernel_environment(metadata, base=None):
    """The environment to start a kernel for a notebook with this metadata: base (default os.environ)
    with the notebook's language, so that the kernel shows messages in it."""
    return {**(os.environ if base is None else base), ENVIRONMENT_VARIABLE: notebook_language(metadata)}


def language():
    """The language messages are shown in now (see the module docstring for the order)."""
    chosen = _speaking.get() or os.environ.get(ENVIRONMENT_VARIABLE)
    return known(chosen) if chosen else _session_notebook_language()


@contextlib.contextmanager
def speaking(language):
    """Show messages in language inside the block (in this thread or task only)."""
    token = _speaking.set(known(language))
    try:
        yield
    finally:
        _speaking.reset(token)


_read = {}  # notebook path -> (modification time, language): a notebook is read once per change


def _session_notebook_language():
    """The language of the notebook this kernel runs, if the front end told the kernel which; else English."""
    path = os.environ.get("JPY_SESSION_NAME")  # jupyter_server: the notebook's absolute path
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        path = shell.user_ns.get("__vsc_ipynb_file__") or path  # VS Code names its notebook this way
    if not path or not path.endswith(".ipynb"):
        return LANGUAGES[0]
    try:
        stat = os.stat(path)
        changed = (stat.st_mtime_ns, stat.st_size)
        if _read.get(path, (None,))[0] != changed:
            with open(path, encoding="utf-8") as handle:
                _read[path] = (changed, notebook_language(json.load(handle).get("metadata", {})))
        return _read[path][1]
    except (OSError, ValueError, AttributeError):  # unreadable or not a notebook: never a reason to fail
        return LANGUAGES[0]


def placeholders(template):
    """The names of a template's {placeholders}, as a set."""
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(template)
            if field is not None}


class Catalog:
    """Messages of one package: English templates and their translations.

    translations: {language: {English template: translated template}}. Calling the catalog
    formats a template in the current language; a template without a translation is shown in
    English (tests make sure none is missing).
    """

    def __init__(self, **translations):
        self.translations = translations

    def __call__(self, template, /, **values):
        text = self.translations.get(language(), {}).get(template, template)
        return text.format(**values)

    def shown(self, template, /, **values):
        """A template marked with N_ where it was written (a constant, a unit's words), formatted now.

        The same as calling the catalog; a name of its own because the template here is a variable,
        which tests/test_messages.py finds at its N_ (a call of the catalog itself needs a literal).
        """
        return self(template, **values)

    def later(self, template, /, **values):
        """A template (marked with N_) and its values, formatted when shown: see `Later`."""
        return Later(self, template, values)


class Later:
    """A message kept to be shown later, in the language current when it is shown.

    str() (or a format field, or being a value of another message) formats it then; values may
    be Later messages themselves. Made by `Catalog.later`, for messages built at import time
    (a module constant) that a learner sees in the language of their notebook.
    """

    def __init__(self, catalog, template, values):
        self.catalog, self.template, self.values = catalog, template, dict(values)

    def __str__(self):
        return self.catalog.shown(self.template, **self.values)

    def __format__(self, spec):
        return format(str(self), spec)

    def _key(self):
        return self.template, tuple(sorted(self.values.items()))

    def __eq__(self, other):
        return isinstance(other, Later) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"Later({self.template!r}, {self.values!r})"


class Joined(tuple):
    """Messages (Later or str) shown joined by "; " (in Japanese "、"), each in the language current when shown."""

    def __str__(self):
        return tr("; ").join(map(str, self))

    def __format__(self, spec):
        return format(str(self), spec)


def N_(template):
    """Mark a template to be translated later, when it is shown with `tr(template, ...)`."""
    return template


from .messages_ja import MESSAGES as _JAPANESE  # noqa: E402 -- the catalog needs nothing from here

#: The gatedrnn package's messages.
tr = Catalog(ja=_JAPANESE)
