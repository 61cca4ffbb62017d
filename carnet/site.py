"""Third-party scripts and styles, served from the site itself.

The built site must render its charts and maps with no request to another
host. Vega (charts) comes from the bundle that ``vl-convert-python`` ships,
Leaflet (maps) from the ``xstatic-leaflet`` package; both are written to
``assets/vendor/`` (published as ``_static/vendor/``) before each build.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import vl_convert
import xstatic.pkg.leaflet as xstatic_leaflet

from carnet import PROJECT_ROOT

log = logging.getLogger(__name__)

VENDOR_DIR = PROJECT_ROOT / "assets" / "vendor"
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")


def write_vega_bundle(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Write Vega, Vega-Lite and Vega-Embed as one script."""
    target = vendor_dir / "vega-bundle.js"
    bundle = vl_convert.javascript_bundle()
    if not target.exists() or target.read_text(encoding="utf-8") != bundle:
        target.write_text(bundle, encoding="utf-8")
    return target


def copy_leaflet(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy Leaflet's script, style and marker images."""
    target = vendor_dir / "leaflet"
    source = Path(xstatic_leaflet.BASE_DIR)
    target.mkdir(parents=True, exist_ok=True)
    for name in LEAFLET_FILES:
        origin, copy = source / name, target / name
        if origin.is_dir():
            shutil.copytree(origin, copy, dirs_exist_ok=True)
        else:
            shutil.copyfile(origin, copy)
    return target


def main() -> None:
    """Command line: prepare the vendored assets before a build."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    write_vega_bundle()
    copy_leaflet()
    print(
        f"Scripts tiers copiés dans {VENDOR_DIR}: Vega "
        f"{vl_convert.get_vega_version()}, Leaflet {xstatic_leaflet.VERSION}"
    )


if __name__ == "__main__":
    main()
