"""Sphinx extension: each script once per page.

Some extensions of Jupyter Book register their inline configuration
scripts twice (sphinx-thebe's ``const THEBE_JS_URL = ...`` among them);
a ``const`` declared twice is a script error in the reader's browser.
This extension keeps the first copy of each identical script of a page.
"""

from __future__ import annotations


def keep_each_script_once(app, pagename, templatename, context, doctree):
    """Drop the repeated copies of identical scripts from the page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _script_key(script) -> tuple:
    """What makes two script tags the same: source and attributes."""
    attributes = getattr(script, "attributes", {}) or {}
    return (
        getattr(script, "filename", script) or "",
        tuple(sorted((k, str(v)) for k, v in attributes.items())),
    )


def setup(app):
    app.connect("html-page-context", keep_each_script_once, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
