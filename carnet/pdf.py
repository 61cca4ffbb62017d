"""The whole book as one PDF, printed by headless Chromium.

``make pdf`` first builds the book as a single HTML page
(``jupyter-book build . --builder singlehtml``), then runs
``python -m carnet.pdf``: the page is served on 127.0.0.1 and printed
with the network cut, so the PDF shows what the site shows offline. The
charts print as their static images (see ``assets/carnet.css``).
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from pypdf import PdfReader

from carnet import PROJECT_ROOT, browser

log = logging.getLogger(__name__)

SINGLE_HTML = PROJECT_ROOT / "_build" / "singlehtml"
PDF_FILE = PROJECT_ROOT / "_build" / "pdf" / "carnet-de-bord.pdf"
PAGE_TIMEOUT_MS = 60_000


class PdfError(RuntimeError):
    """The book could not be printed."""


def print_book(site: Path = SINGLE_HTML, target: Path = PDF_FILE) -> int:
    """Print ``site/index.html`` to ``target``; return its page count."""
    index = site / "index.html"
    if not index.exists():
        raise PdfError(
            f"{index} is missing: build the single page first with "
            "`jupyter-book build . --builder singlehtml`"
        )
    target.parent.mkdir(parents=True, exist_ok=True)

    with browser.serve(site) as base_url:
        with browser.offline_browser() as new_context:
            context, traffic = new_context(base_url)
            page = context.new_page()
            page.goto(base_url + "index.html", wait_until="load",
                      timeout=PAGE_TIMEOUT_MS)
            page.wait_for_load_state("networkidle",
                                     timeout=PAGE_TIMEOUT_MS)
            page.emulate_media(media="print")
            page.pdf(
                path=str(target), format="A4", print_background=True,
                margin={"top": "15mm", "bottom": "15mm",
                        "left": "12mm", "right": "12mm"},
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8px;width:100%;'
                    'text-align:center"><span class="pageNumber"></span>'
                    ' / <span class="totalPages"></span></div>'
                ),
            )
            context.close()
    if traffic.blocked:
        raise PdfError(
            f"the book asked for other hosts while printing: "
            f"{traffic.blocked[:5]}"
        )

    pages = len(PdfReader(str(target)).pages)
    if pages < 2:
        raise PdfError(f"{target}: expected the whole book, found "
                       f"{pages} page(s)")
    return pages


def main(argv: list[str] | None = None) -> None:
    """Command line: print the single-page book to a PDF."""
    parser = argparse.ArgumentParser(prog="python -m carnet.pdf")
    parser.add_argument("--site", type=Path, default=SINGLE_HTML)
    parser.add_argument("--sortie", type=Path, default=PDF_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    start = time.perf_counter()
    pages = print_book(args.site, args.sortie)
    size = args.sortie.stat().st_size
    print(
        f"PDF écrit : {args.sortie} ({pages} pages, {size} octets, "
        f"{time.perf_counter() - start:.1f} s)"
    )


if __name__ == "__main__":
    main()
