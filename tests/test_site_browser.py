"""Every page of the built site in headless Chromium, network cut.

Each page must load, draw each chart (an SVG or canvas in each
``.carnet-chart``) and each map, log no console error, and send no
request outside the site (OpenStreetMap tiles inside maps get a blank
local tile). Screenshots of the Jour 5 elections page at phone and
laptop widths are kept in ``_build/screenshots`` for a human to look at.
"""

import json
import time
from pathlib import Path

import pytest
import yaml

from carnet import PROJECT_ROOT, browser

SITE = PROJECT_ROOT / "_build" / "html"
SCREENSHOTS = PROJECT_ROOT / "_build" / "screenshots"
REPORT = PROJECT_ROOT / "_build" / "browser-report.json"
SCREENSHOT_PAGE = "chapters/jour5/elections.html"
WIDTHS = {"telephone": (390, 844), "ordinateur": (1280, 800)}
DRAW_TIMEOUT_MS = 15_000

CHARTS_DRAWN = """() => [...document.querySelectorAll('.carnet-chart')]
  .every(c => c.querySelector('.carnet-vega svg, .carnet-vega canvas'))"""
MAPS_DRAWN = """() => [...document.querySelectorAll('.carnet-map')]
  .every(m => m.querySelector('.leaflet-container .leaflet-marker-icon,'
    + ' .leaflet-container .leaflet-overlay-pane svg,'
    + ' .leaflet-container canvas'))"""
COUNTS = """() => ({
  charts: document.querySelectorAll('.carnet-chart').length,
  maps: document.querySelectorAll('.carnet-map').length,
  lang: document.documentElement.lang,
})"""


def site_pages():
    if not (SITE / "index.html").exists():
        return []
    return sorted(
        p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
        if not any(part.startswith("_") for part in
                   p.relative_to(SITE).parts)
    )


PAGES = site_pages()
timings: dict[str, float] = {}


@pytest.fixture(scope="module")
def site():
    if not PAGES:
        pytest.fail(f"{SITE} has no built site: run `make book` first")
    with browser.serve(SITE) as base_url:
        with browser.offline_browser() as new_context:
            yield base_url, new_context
    REPORT.write_text(json.dumps({
        "pages": len(timings),
        "seconds_total": round(sum(timings.values()), 2),
        "seconds_by_page": {k: round(v, 2) for k, v in timings.items()},
    }, indent=2), encoding="utf-8")


def open_page(site, page, **options):
    """Open one page; return (page, traffic, problems, counts)."""
    base_url, new_context = site
    context, traffic = new_context(base_url, **options)
    tab = context.new_page()
    problems = []
    tab.on("console", lambda m: problems.append(
        f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on("response", lambda r: problems.append(
        f"HTTP {r.status} for {r.url}") if r.status >= 400 else None)
    tab.on("requestfailed", lambda r: None if r.url in traffic.blocked
           else problems.append(f"request failed: {r.url}"))

    response = tab.goto(base_url + page, wait_until="load")
    assert response is not None and response.ok, f"{page}: not served"
    tab.wait_for_function(CHARTS_DRAWN, timeout=DRAW_TIMEOUT_MS)
    tab.wait_for_function(MAPS_DRAWN, timeout=DRAW_TIMEOUT_MS)
    tab.wait_for_load_state("networkidle")
    return tab, traffic, problems, tab.evaluate(COUNTS)


@pytest.mark.parametrize("page", PAGES or ["index.html"])
def test_page_works_offline(site, page):
    start = time.perf_counter()
    tab, traffic, problems, counts = open_page(site, page)
    timings[page] = time.perf_counter() - start
    tab.context.close()

    assert problems == [], f"{page}: {problems}"
    assert traffic.blocked == [], (
        f"{page} tried to reach other hosts: {traffic.blocked}"
    )
    if traffic.tiles:
        assert counts["maps"] > 0, f"{page}: tiles requested without a map"
    assert counts["lang"].startswith("fr"), f"{page}: lang={counts['lang']}"


def toc_files(entry) -> list[str]:
    """Every file named in the table of contents, depth first."""
    if isinstance(entry, list):
        return [f for item in entry for f in toc_files(item)]
    if not isinstance(entry, dict):
        return []
    found = [entry["file"]] if "file" in entry else []
    if "root" in entry:
        found.append(entry["root"])
    for key in ("parts", "chapters", "sections"):
        found += toc_files(entry.get(key, []))
    return found


def test_every_page_of_the_table_of_contents_is_tested():
    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text("utf-8"))
    expected = [f"{Path(f).with_suffix('').as_posix()}.html"
                for f in toc_files(toc)]
    missing = [p for p in expected + [SCREENSHOT_PAGE] if p not in PAGES]
    assert missing == [], f"pages not built: {missing}"


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_screenshots_of_the_elections_page(site, name):
    width, height = WIDTHS[name]
    tab, traffic, problems, counts = open_page(
        site, SCREENSHOT_PAGE, viewport={"width": width, "height": height}
    )
    overflow = tab.evaluate(
        "() => document.documentElement.scrollWidth"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"jour5-elections-{width}px.png"
    tab.screenshot(path=str(target), full_page=True)
    tab.context.close()

    assert problems == [] and traffic.blocked == []
    assert counts["charts"] > 0
    assert overflow <= width, (
        f"at {width} px the page is {overflow} px wide: it scrolls "
        "sideways"
    )
    assert target.stat().st_size > 10_000


def test_a_map_and_a_chart_draw_offline(site, tmp_path):
    """The drawing checks above on a page known to hold a map and a chart.

    The page uses the site's own scripts and styles; the map asks for
    OpenStreetMap tiles, which get the blank local tile.
    """
    import altair as alt
    import pandas as pd

    from carnet import figures, maps

    points = pd.DataFrame({"nom": ["Hôtel de ville", "Château"],
                           "lat": [45.8992, 45.8986],
                           "lon": [6.1294, 6.1275]})
    a_map = maps.point_map(points, "lat", "lon", {"Nom": "nom"},
                           caption="Essai", alt_text="Deux points")
    chart = alt.Chart(points).mark_bar().encode(x="nom", y="lat")
    figure = figures.Figure(chart, "Essai", "Deux barres", points)

    head = "".join(
        f'<link rel="stylesheet" href="_static/{css}">'
        for css in ("vendor/leaflet/leaflet.css", "carnet.css")
    ) + "".join(  # the order of the site's pages
        f'<script {kind} src="_static/{js}"></script>'
        for kind, js in (("type=module", "vendor/vega-bundle.js"),
                         ("type=module", "carnet-charts.js"),
                         ("defer", "vendor/leaflet/leaflet.js"),
                         ("type=module", "carnet-maps.js"))
    )
    (tmp_path / "_static").symlink_to(SITE / "_static")
    (tmp_path / "essai.html").write_text(
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"{head}</head><body>{a_map._repr_html_()}"
        f"{figure._repr_html_()}</body></html>",
        encoding="utf-8",
    )

    with browser.serve(tmp_path) as base_url:
        tab, traffic, problems, counts = open_page(
            (base_url, site[1]), "essai.html"
        )
        tab.context.close()

    assert counts["maps"] == 1 and counts["charts"] == 1
    assert problems == [] and traffic.blocked == []
    assert traffic.tiles, "the map asked for no tile"
