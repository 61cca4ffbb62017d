"""Scripts of the site: served locally, each once, no global clashes."""

from types import SimpleNamespace

from carnet import site, sphinx_assets


def script(filename, **attributes):
    return SimpleNamespace(filename=filename, attributes=attributes)


def test_identical_scripts_are_kept_once():
    body = 'const THEBE_JS_URL = "x"'
    context = {"script_files": [
        script("_static/a.js"), script(None, body=body),
        script("_static/a.js"), script("", body=body),
        script("", body="let other = 1"),
    ]}
    sphinx_assets.keep_each_script_once(None, "p", "page.html",
                                        context, None)
    kept = [(s.filename, s.attributes) for s in context["script_files"]]
    assert kept == [("_static/a.js", {}), (None, {"body": body}),
                    ("", {"body": "let other = 1"})]


def test_vega_bundle_keeps_its_helpers_private(tmp_path):
    bundle = site.write_vega_bundle(tmp_path).read_text("utf-8")
    assert bundle.startswith("(function () {\n")
    assert bundle.rstrip().endswith("})();")
    assert "window.vegaEmbed=" in bundle
