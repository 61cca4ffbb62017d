"""A small Sphinx extension for the book's pages.

Some extensions that Jupyter Book loads add the same inline script twice to
every page; the second copy redeclares its constants and stops with an
error in the browser console. This extension keeps one copy of each script.
"""

from __future__ import annotations


def _script_key(script) -> tuple:
    """What makes two scripts the same: file (or none) and attributes.

    An inline script is registered with ``None`` or ``""`` as its file
    name, depending on the extension: both mean "no file".
    """
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), tuple(sorted(attributes.items())))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """Keep the first of identical scripts in the page's script list."""
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


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
