"""The map script in headless Chromium: hostile names stay text.

A page holding one ``PointMap`` with hostile values is served on
127.0.0.1 with the site's own assets; every request to another host
(the OpenStreetMap tiles included) is refused. The map must draw, and
opening a pop-up must show the values as text, run nothing, and link
only to http(s) addresses.
"""

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import box

from carnet import PROJECT_ROOT, maps

ASSETS = PROJECT_ROOT / "assets"
CHROMIUM = Path("/usr/bin/chromium")
PAYLOAD_SCRIPT = "<script>window.__ran = 1</script>"
PAYLOAD_IMG = '<img src=x onerror="window.__ran = 2">'


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def hostile_page(folder: Path) -> Path:
    data = pd.DataFrame({
        "lat": [45.90, 45.91],
        "lon": [6.12, 6.13],
        "name": [PAYLOAD_SCRIPT, PAYLOAD_IMG],
        "level": ["classé", PAYLOAD_IMG],
        "url": ["javascript:window.__ran = 3",
                "https://www.pop.culture.gouv.fr/notice/merimee/PA1"],
    })
    point_map = maps.point_map(
        data, "lat", "lon", {"Nom": "name", "Protection": "level"},
        link_field="url", caption=PAYLOAD_IMG, alt_text=PAYLOAD_SCRIPT,
        boundary=box(6.10, 45.89, 6.14, 45.92), boundary_credit="essai",
    )
    shutil.copytree(ASSETS, folder / "assets")
    page = folder / "map.html"
    page.write_text(
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        "<link rel='stylesheet' href='assets/vendor/leaflet/leaflet.css'>"
        "<link rel='stylesheet' href='assets/carnet.css'>"
        "<script defer src='assets/vendor/leaflet/leaflet.js'></script>"
        "<script type='module' src='assets/carnet-maps.js'></script>"
        f"</head><body>{point_map._repr_html_()}</body></html>",
        encoding="utf-8",
    )
    return page


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not (ASSETS / "vendor" / "leaflet" / "leaflet.js").exists():
        pytest.fail("assets/vendor is missing: run `make sources` first")
    folder = tmp_path_factory.mktemp("map")
    hostile_page(folder)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/"
    server.shutdown()
    server.server_close()


def test_popups_show_hostile_values_as_text(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        context = chromium.new_context()
        refused = []

        def route(request_route):
            url = request_route.request.url
            if url.startswith(served):
                return request_route.continue_()
            refused.append(url)
            return request_route.abort("blockedbyclient")

        context.route("**/*", route)
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(served + "map.html", wait_until="load")
        tab.wait_for_selector(".carnet-map.carnet-drawn "
                              ".leaflet-marker-icon")

        popups = []
        for position in range(2):
            tab.locator(".leaflet-marker-icon").nth(position).click(
                force=True
            )
            content = tab.wait_for_selector(".leaflet-popup-content")
            popups.append({
                "text": content.text_content(),
                "elements": content.evaluate(
                    "n => [...n.querySelectorAll('*')].map(e => e.tagName)"
                ),
                "links": content.evaluate(
                    "n => [...n.querySelectorAll('a')].map(a => a.href)"
                ),
            })
            tab.click(".leaflet-popup-close-button")
            tab.wait_for_selector(".leaflet-popup", state="detached")
        ran = tab.evaluate("() => window.__ran || 0")
        titles = tab.evaluate(
            "() => [...document.querySelectorAll('.leaflet-marker-icon')]"
            ".map(m => m.getAttribute('title'))"
        )
        chromium.close()

    assert errors == []
    assert ran == 0
    texts = " ".join(p["text"] for p in popups)
    assert PAYLOAD_SCRIPT in texts and PAYLOAD_IMG in texts
    tags = {tag for p in popups for tag in p["elements"]}
    assert tags <= {"DIV", "STRONG", "SPAN", "A"}
    links = [link for p in popups for link in p["links"]]
    assert links == ["https://www.pop.culture.gouv.fr/notice/merimee/PA1"]
    assert sorted(titles) == sorted([PAYLOAD_SCRIPT, PAYLOAD_IMG])
    assert refused and all("openstreetmap.org" in url for url in refused)
