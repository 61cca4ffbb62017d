"""Keep the book's execution cache honest.

Jupyter Book rereads and reruns a page only when the page itself changes.
The notebooks call the ``carnet`` package and read the data files, so when
those change every cached result may be stale: this module then clears the
execution cache and Sphinx's saved environment, so that every page is
rebuilt, and leaves both alone otherwise (a one-chapter edit reruns one
chapter).
"""

from __future__ import annotations

import hashlib
import logging
import shutil

from carnet import DATA_DIR, PROJECT_ROOT

log = logging.getLogger(__name__)

BUILD_DIR = PROJECT_ROOT / "_build"
SAVED_STATE = (BUILD_DIR / ".jupyter_cache", BUILD_DIR / ".doctrees")
STAMP = PROJECT_ROOT / "_build" / ".carnet-inputs.sha256"
WATCHED = ("carnet/**/*.py", "data/*.yml", "data/metadata/*.yml",
           "data/*.csv", "data/*.json",
           "requirements.txt")


def inputs_digest() -> str:
    """One sha256 over the package code and the project's data files."""
    digest = hashlib.sha256()
    files = sorted(
        path for pattern in WATCHED for path in PROJECT_ROOT.glob(pattern)
        if path.is_file() and DATA_DIR / "raw" not in path.parents
    )
    for path in files:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def refresh() -> bool:
    """Clear the execution cache if the inputs changed; say whether."""
    current = inputs_digest()
    previous = STAMP.read_text().strip() if STAMP.exists() else None
    stale = [path for path in SAVED_STATE if path.exists()]
    cleared = previous != current and bool(stale)
    if cleared:
        for path in stale:
            shutil.rmtree(path)
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(current)
    return cleared


def main() -> None:
    if refresh():
        print("Code ou données modifiés : toutes les pages seront réexécutées")
    else:
        print("Code et données inchangés : le cache d'exécution est gardé")


if __name__ == "__main__":
    main()
