"""The registry of raw inputs, and their acquisition with checksum checks.

Every raw file the book reads is listed in ``data/sources.yml``. Acquiring a
source copies its snapshot from a local mirror directory when there is one,
and otherwise downloads it from the address that serves these exact bytes.
Either way the sha256 is verified before the file lands in ``data/raw/``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from carnet import DATA_DIR, PROJECT_ROOT

log = logging.getLogger(__name__)

REGISTRY_FILE = DATA_DIR / "sources.yml"
RAW_DIR = DATA_DIR / "raw"
MIRROR_ENV = "CARNET_MIRROR"
DEFAULT_MIRROR = PROJECT_ROOT.parent / "shared" / "sources"
DOWNLOAD_TIMEOUT_S = 60

REQUIRED_FIELDS = (
    "id", "title", "producer", "page", "official_url", "download_url",
    "licence", "role", "file", "sha256",
)


class SourceError(RuntimeError):
    """A source could not be acquired, or is not the file we expect."""


@dataclass(frozen=True)
class Source:
    """One raw input, as described in the registry."""

    id: str
    title: str
    producer: str
    page: str
    official_url: str
    download_url: str | None
    licence: str
    role: str
    file: str
    sha256: str


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, Source]:
    """Read the registry and return its sources by id."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources: dict[str, Source] = {}

    for position, entry in enumerate(entries, start=1):
        missing = [f for f in REQUIRED_FIELDS if f not in entry]
        if missing:
            raise SourceError(
                f"{path}: entry {position} ({entry.get('id', '?')}) lacks "
                f"the field(s) {', '.join(missing)}"
            )
        if entry["id"] in sources:
            raise SourceError(
                f"{path}: entry {position}: the id {entry['id']!r} "
                "is used twice"
            )
        sources[entry["id"]] = Source(**{f: entry[f] for f in REQUIRED_FIELDS})

    return sources


def registry_table(path: Path = REGISTRY_FILE) -> pd.DataFrame:
    """The registry as a table, in French, for the book."""
    rows = [
        {
            "Source": s.title,
            "Producteur": s.producer,
            "Licence": s.licence,
            "Rôle": s.role,
            "Fichier": s.file,
            "sha256": s.sha256[:12] + "…",
            "Téléchargeable tel quel": "oui" if s.download_url else "non",
        }
        for s in load_registry(path).values()
    ]
    return pd.DataFrame(rows)


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def mirror_dir() -> Path | None:
    """The mirror directory, from the environment or the default place."""
    configured = os.environ.get(MIRROR_ENV)
    if configured:
        return Path(configured)
    return DEFAULT_MIRROR if DEFAULT_MIRROR.is_dir() else None


def _verify(source: Source, path: Path, origin: str) -> None:
    found = sha256_of(path)
    if found != source.sha256:
        raise SourceError(
            f"source {source.id!r} ({source.file}) from {origin}: "
            f"sha256 mismatch, expected {source.sha256}, found {found}"
        )


def _download(source: Source, target: Path) -> None:
    request = urllib.request.Request(
        source.download_url, headers={"User-Agent": "carnet-annecy"}
    )
    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as reply:
        with target.open("wb") as out:
            shutil.copyfileobj(reply, out)


def acquire(
    source_id: str,
    *,
    raw_dir: Path = RAW_DIR,
    mirror: Path | None = None,
    registry: dict[str, Source] | None = None,
) -> Path:
    """Make the snapshot of a source available in ``raw_dir``; return its path.

    A file already there with the right checksum is kept. Otherwise the
    snapshot comes from the mirror (``mirror``, else ``$CARNET_MIRROR``, else
    ``../shared/sources``) or, without a mirror, from its download address.
    """
    registry = registry if registry is not None else load_registry()
    if source_id not in registry:
        raise SourceError(
            f"unknown source {source_id!r}: it is not in the registry "
            f"(known: {', '.join(sorted(registry))})"
        )
    source = registry[source_id]
    target = raw_dir / source.file

    if target.exists() and sha256_of(target) == source.sha256:
        return target

    mirror = mirror if mirror is not None else mirror_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)

    try:
        if mirror is not None and not mirror.is_dir():
            raise SourceError(
                f"source {source_id!r}: the mirror directory {mirror} does "
                f"not exist (check {MIRROR_ENV})"
            )
        if mirror is not None:
            origin = mirror / source.file
            if not origin.is_file():
                raise SourceError(
                    f"source {source_id!r}: the file {origin} is missing "
                    f"from the mirror (expected sha256 {source.sha256})"
                )
            shutil.copyfile(origin, tmp)
            origin_label = str(origin)
        elif source.download_url:
            log.info("Téléchargement de %s", source.download_url)
            try:
                _download(source, tmp)
            except OSError as error:
                raise SourceError(
                    f"source {source_id!r}: download from "
                    f"{source.download_url} failed: {error}"
                ) from error
            origin_label = source.download_url
        else:
            raise SourceError(
                f"source {source_id!r} ({source.file}) is an extract that "
                "no public address serves as is: set "
                f"{MIRROR_ENV} to a directory holding it"
            )
        _verify(source, tmp, origin_label)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)

    log.info("Source %s prête : %s", source_id, target)
    return target


def acquire_all(**kwargs) -> list[Path]:
    """Acquire every source of the registry."""
    registry = load_registry()
    return [acquire(sid, registry=registry, **kwargs) for sid in registry]


def main() -> None:
    """Command line: acquire every source, one line per source."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = acquire_all()
    print(f"{len(paths)} sources vérifiées dans {RAW_DIR}")


if __name__ == "__main__":
    main()
