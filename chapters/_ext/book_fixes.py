"""A local Sphinx extension (sphinx.local_extensions in _config.yml): fixes to the built pages.

jupyter-book 1.0.4 runs the set-up of sphinx-thebe and sphinx-togglebutton twice, so every
page carried their inline scripts twice, and the second `const THEBE_JS_URL = ...` threw
"SyntaxError: Identifier 'THEBE_JS_URL' has already been declared" in each reader's console
(found by tests/test_browser.py). Sphinx removes duplicate script files but not duplicate
inline scripts; this keeps the first copy of each.

sphinx-thebe also adds its scripts when the book's thebe launch button is off: an inline
script naming thebe's loader on a CDN (thebe@.../lib/index.js) and sphinx-thebe.js, which only ever
load thebe from that CDN. With thebe off (launch_buttons.thebe in _config.yml) both are
dropped, so that the offline book names no CDN.
"""


def _script_key(script):
    """What makes two scripts the same: the file and the attributes (an inline script's
    filename is None or "", depending on how it was added; its body is an attribute)."""
    filename = getattr(script, "filename", script)  # Sphinx 7.4: _JavaScript objects; older: str
    attributes = getattr(script, "attributes", {}) or {}
    return str(filename or ""), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def _is_thebe(script):
    """sphinx-thebe's own scripts: its inline THEBE_JS_URL constants and sphinx-thebe.js."""
    filename, attributes = _script_key(script)
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in dict(attributes).get("body", "")


def _thebe_enabled(app):
    launch_buttons = (getattr(app.config, "html_theme_options", None) or {}).get("launch_buttons", {}) or {}
    return bool(launch_buttons.get("thebe", False))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    thebe = _thebe_enabled(app)
    for script in context.get("script_files", []):
        key = _script_key(script)
        if key not in seen and (thebe or not _is_thebe(script)):
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
