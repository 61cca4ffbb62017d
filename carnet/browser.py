"""A headless Chromium that sees only the built site.

Used by the browser tests and by the PDF command. The site is served on
127.0.0.1 by a server started here; every request the browser makes to
another host is blocked and recorded, except OpenStreetMap tiles inside
maps, which get a blank local tile instead (the network stays cut).
Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright;
no browser is ever downloaded.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_ENV = "CARNET_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]
TILE_HOSTS = re.compile(r"^https://([a-c]\.)?tile\.openstreetmap\.org/")
BLANK_TILE = base64.b64decode(  # a 1x1 light grey PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGO4e/cu"
    "AAUyApjDDfqPAAAAAElFTkSuQmCC"
)


class BrowserError(RuntimeError):
    """Chromium or Playwright is not available."""


def chromium_path() -> str:
    """Debian's Chromium, or the one named by ``CARNET_CHROMIUM``."""
    candidates = [os.environ.get(CHROMIUM_ENV), *CHROMIUM_CANDIDATES]
    for candidate in filter(None, candidates):
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise BrowserError(
        "no Chromium found: expected /usr/bin/chromium (Debian package "
        f"'chromium') or a path in {CHROMIUM_ENV}"
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Traffic:
    """Requests the pages tried to send elsewhere than the site."""

    blocked: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)


@contextmanager
def offline_browser():
    """Yield ``new_context``: browser contexts with the network cut.

    ``new_context(base_url, **options)`` opens a browser context whose
    requests to any host but ``base_url`` are aborted and recorded in the
    returned ``Traffic``; OpenStreetMap tiles get a blank local tile.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise BrowserError(f"Playwright is not installed ({error})") from None

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True,
            args=CHROMIUM_ARGS,
        )

        def new_context(base_url: str, **options):
            traffic = Traffic()
            context = browser.new_context(
                locale="fr-FR", service_workers="block", **options
            )

            def route(route):
                url = route.request.url
                if url.startswith(base_url) or url.startswith("data:"):
                    return route.continue_()
                if TILE_HOSTS.match(url):
                    traffic.tiles.append(url)
                    return route.fulfill(status=200,
                                         content_type="image/png",
                                         body=BLANK_TILE)
                traffic.blocked.append(url)
                return route.abort("blockedbyclient")

            context.route("**/*", route)
            return context, traffic

        try:
            yield new_context
        finally:
            browser.close()
