"""Links the reader needs: published files, notebooks, launch buttons."""

import re
from pathlib import Path

import pytest

from carnet import PROJECT_ROOT, catalogue

SITE = PROJECT_ROOT / "_build" / "html"
NOTEBOOK_PAGES = sorted(
    p.relative_to(PROJECT_ROOT).with_suffix(".html").as_posix()
    for p in (PROJECT_ROOT / "chapters").rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def page_html(page: str) -> str:
    path = SITE / page
    if not path.exists():
        pytest.fail(f"{path} is not built: run `make book` first")
    return path.read_text(encoding="utf-8")


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_every_published_file_can_be_downloaded():
    html = page_html("chapters/jour4/fiches.html")
    links = [h for h in hrefs(html) if "_downloads/" in h]
    names = sorted(Path(h).name for h in links)
    expected = sorted(
        [path.name
         for d in catalogue.DATASETS
         for path in catalogue.published_files(
             catalogue.PUBLISHED_DIR / d.id)]
        + [catalogue.DESCRIPTOR_NAME]
    )
    assert names == expected
    for link in links:
        target = (SITE / "chapters" / "jour4" / link).resolve()
        assert target.is_file() and target.stat().st_size > 0, link


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_pages_offer_download_binder_and_colab(page):
    links = hrefs(page_html(page))
    notebook = Path(page).with_suffix(".ipynb").as_posix()
    source = [h for h in links if h.endswith(notebook)
              and "_sources" in h]
    assert source, f"{page}: no download link to {notebook}"
    assert (SITE / "_sources" / notebook).is_file()
    assert any(h.startswith("https://mybinder.org/v2/gh/")
               and h.endswith(notebook) for h in links), page
    assert any(h.startswith("https://colab.research.google.com/github/")
               and h.endswith(notebook) for h in links), page


def test_interface_is_in_french():
    html = page_html("intro.html")
    assert '<html lang="fr"' in html
    assert "Rechercher" in html or "Recherche" in html
