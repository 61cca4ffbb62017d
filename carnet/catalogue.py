"""The catalogue of published data sets: sheets, files and data package.

A published data set is two things: a descriptive sheet in
``data/metadata/<id>.yml`` and an export function that writes its files
into a folder. ``DATASETS`` below pairs them; adding a data set to the
book is adding its sheet and one line there.

``python -m carnet.catalogue`` checks every sheet (a missing required
field stops the build), runs every export into ``data/published/<id>/``
and writes ``data/published/datapackage.json``, validated with
frictionless.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from carnet import DATA_DIR, sources

log = logging.getLogger(__name__)

METADATA_DIR = DATA_DIR / "metadata"
PUBLISHED_DIR = DATA_DIR / "published"
DESCRIPTOR_NAME = "datapackage.json"

REQUIRED_FIELDS = {
    "id": "identifiant",
    "title": "titre",
    "description": "description",
    "producer": "producteur",
    "contact": "contact (un service, pas une personne)",
    "licence": "licence",
    "temporal_coverage": "couverture temporelle",
    "spatial_coverage": "couverture spatiale",
    "frequency": "fréquence de mise à jour",
    "sources": "sources",
    "legal_notes": "considérations légales et éthiques",
    "limits": "limites connues",
}
OPTIONAL_FIELDS = {"keywords": "mots-clés"}
LICENCES = {
    "Licence Ouverte 2.0": {
        "name": "etalab-2.0",
        "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "title": "Licence Ouverte 2.0 (Etalab)",
    },
    "ODbL 1.0": {
        "name": "ODbL-1.0",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
        "title": "Open Database License 1.0",
    },
}
FORMATS = {
    ".csv": ("csv", "text/csv"),
    ".xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ".geojson": ("geojson", "application/geo+json"),
}


@dataclass(frozen=True)
class Dataset:
    """A published data set: its sheet id and its export function.

    ``export`` is ``"module:function"``; the function takes the output
    folder and writes the data set's files into it.
    """

    id: str
    export: str


DATASETS = (
    Dataset("elections-participation",
            "carnet.elections_export:export_participation"),
    Dataset("elections-resultats",
            "carnet.elections_export:export_results"),
    Dataset("lieux-mediation-numerique-annecy",
            "carnet.inclusion:export_inclusion"),
    Dataset("monuments-historiques",
            "carnet.monuments:export_monuments"),
)


class MetadataError(ValueError):
    """A descriptive sheet is missing a field or has a wrong value."""


def metadata_path(dataset_id: str) -> Path:
    return METADATA_DIR / f"{dataset_id}.yml"


def load_metadata(dataset_id: str, path: Path | None = None) -> dict:
    """Read and check one descriptive sheet; return it as a dict."""
    path = path or metadata_path(dataset_id)
    if not path.exists():
        raise MetadataError(
            f"{path}: the descriptive sheet of {dataset_id!r} is missing"
        )
    sheet = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(sheet, dict):
        raise MetadataError(
            f"{path}: expected a mapping of fields, found "
            f"{type(sheet).__name__}"
        )
    check_metadata(sheet, path)
    if sheet["id"] != dataset_id:
        raise MetadataError(
            f"{path}, field 'id': expected {dataset_id!r}, "
            f"found {sheet['id']!r}"
        )
    return sheet


def _is_empty(value: object) -> bool:
    return value is None or (
        isinstance(value, (str, list, dict)) and not value
    )


def check_metadata(sheet: dict, path: Path) -> None:
    """Stop on a missing or empty required field, or a wrong value."""
    missing = [
        f"{name} ({label})" for name, label in REQUIRED_FIELDS.items()
        if _is_empty(sheet.get(name))
    ]
    if missing:
        raise MetadataError(
            f"{path}: required field(s) missing or empty: "
            f"{', '.join(missing)}"
        )
    unknown = sorted(
        set(sheet) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    )
    if unknown:
        raise MetadataError(
            f"{path}: unknown field(s) {', '.join(unknown)}; expected "
            f"only {', '.join([*REQUIRED_FIELDS, *OPTIONAL_FIELDS])}"
        )
    if sheet["licence"] not in LICENCES:
        raise MetadataError(
            f"{path}, field 'licence': expected one of "
            f"{', '.join(LICENCES)}, found {sheet['licence']!r}"
        )

    coverage = sheet["temporal_coverage"]
    if not isinstance(coverage, dict) or not all(
        isinstance(coverage.get(k), dt.date) for k in ("start", "end")
    ):
        raise MetadataError(
            f"{path}, field 'temporal_coverage': expected start and end "
            f"dates (YYYY-MM-DD), found {coverage!r}"
        )
    if coverage["start"] > coverage["end"]:
        raise MetadataError(
            f"{path}, field 'temporal_coverage': start "
            f"{coverage['start']} is after end {coverage['end']}"
        )

    registry = sources.load_registry()
    unknown_sources = [s for s in sheet["sources"] if s not in registry]
    if unknown_sources:
        raise MetadataError(
            f"{path}, field 'sources': expected ids of data/sources.yml, "
            f"found unknown {', '.join(map(str, unknown_sources))}"
        )
    for field in ("limits", "keywords"):
        if field in sheet and not isinstance(sheet[field], list):
            raise MetadataError(
                f"{path}, field {field!r}: expected a list, found "
                f"{sheet[field]!r}"
            )


def source_entries(sheet: dict) -> list[dict]:
    """The sheet's sources as title, producer and address."""
    registry = sources.load_registry()
    return [
        {
            "title": registry[s].title,
            "producer": registry[s].producer,
            "path": registry[s].page,
        }
        for s in sheet["sources"]
    ]


def metadata_for_file(dataset_id: str) -> dict:
    """The sheet in the form written into an XLSX 'Fiche descriptive'."""
    sheet = load_metadata(dataset_id)
    flat = {k: v for k, v in sheet.items() if k != "sources"}
    flat["sources"] = [
        f"{s['title']} ({s['producer']}) : {s['path']}"
        for s in source_entries(sheet)
    ]
    return flat


def _export_function(dataset: Dataset):
    module_name, _, function_name = dataset.export.partition(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, function_name)
    except (ImportError, AttributeError) as error:
        raise MetadataError(
            f"data set {dataset.id!r}: cannot find its export function "
            f"{dataset.export!r} ({error})"
        ) from None


def published_files(folder: Path) -> list[Path]:
    """The files of one data set's folder, in a stable order."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix in FORMATS
    )


def export_all(out_dir: Path = PUBLISHED_DIR,
               datasets=DATASETS) -> dict[str, list[Path]]:
    """Check every sheet, then write every data set's files afresh."""
    sheets = {d.id: load_metadata(d.id) for d in datasets}
    files: dict[str, list[Path]] = {}
    for dataset in datasets:
        folder = out_dir / dataset.id
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        _export_function(dataset)(folder)
        files[dataset.id] = published_files(folder)
        if not files[dataset.id]:
            raise MetadataError(
                f"data set {dataset.id!r}: its export wrote no file of "
                f"the published formats ({', '.join(FORMATS)}) in {folder}"
            )
        log.info(
            "%s : %s", sheets[dataset.id]["title"],
            ", ".join(p.name for p in files[dataset.id]),
        )
    return files


class PackageError(ValueError):
    """The data package does not validate."""


def _resource(path: Path, base: Path, sheet: dict):
    """Describe one published file as a frictionless resource."""
    from frictionless import Dialect, Resource, formats

    relative = path.relative_to(base).as_posix()
    file_format, mediatype = FORMATS[path.suffix]
    options = {}
    if file_format == "xlsx":
        from carnet.publish import DATA_SHEET

        options["dialect"] = Dialect(
            controls=[formats.ExcelControl(sheet=DATA_SHEET)]
        )
    resource = Resource(path=relative, basepath=str(base), **options)
    resource.infer()
    resource.name = f"{sheet['id']}-{file_format}"
    resource.title = f"{sheet['title']} ({file_format.upper()})"
    resource.description = sheet["description"]
    resource.mediatype = mediatype
    resource.licenses = [LICENCES[sheet["licence"]]]
    resource.sources = source_entries(sheet)
    resource.bytes = path.stat().st_size
    return resource


def write_datapackage(files: dict[str, list[Path]],
                      out_dir: Path = PUBLISHED_DIR) -> Path:
    """Write and validate ``datapackage.json`` for all published files."""
    from frictionless import Package

    sheets = {dataset_id: load_metadata(dataset_id) for dataset_id in files}
    resources = [
        _resource(path, out_dir, sheets[dataset_id])
        for dataset_id, paths in files.items()
        for path in paths
    ]
    licences = {s["licence"] for s in sheets.values()}
    package = Package(
        name="carnet-annecy-donnees-publiees",
        title="Données ouvertes d'Annecy publiées par le carnet de bord",
        description=(
            "Les jeux de données que le carnet nettoie puis publie, dans "
            "chacun de leurs formats ; la fiche descriptive de chaque jeu "
            "est dans la feuille « Fiche descriptive » de son fichier XLSX."
        ),
        licenses=[LICENCES[name] for name in sorted(licences)],
        resources=resources,
    )
    descriptor = package.to_dict()
    for resource in descriptor["resources"]:
        resource.pop("basepath", None)
    target = out_dir / DESCRIPTOR_NAME
    target.write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    validate_datapackage(target)
    return target


def validate_datapackage(path: Path) -> None:
    """Validate a descriptor and every table it lists, or stop."""
    from frictionless import Package

    report = Package(str(path)).validate()
    if not report.valid:
        problems = [
            f"{task.name}: {error.message}"
            for task in report.tasks for error in task.errors[:3]
        ] + [f"{path.name}: {e.message}" for e in report.errors]
        raise PackageError(
            f"{path}: the data package does not validate:\n  "
            + "\n  ".join(problems[:10])
        )
    log.info(
        "%s : %d ressource(s), toutes valides", path.name,
        len(report.tasks),
    )


def build(out_dir: Path = PUBLISHED_DIR, datasets=DATASETS) -> Path:
    """Export every data set and write the validated data package."""
    files = export_all(out_dir, datasets)
    return write_datapackage(files, out_dir)


def main() -> None:
    """Command line: the published files and their data package."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    descriptor = build()
    count = len(json.loads(descriptor.read_text("utf-8"))["resources"])
    print(f"{count} fichier(s) publié(s) décrits dans {descriptor}")


if __name__ == "__main__":
    main()


def _markdown_text(value: object) -> str:
    """A sheet value as one line of Markdown, special characters escaped."""
    text = " ".join(str(value).split())
    for mark in ("\\", "*", "_", "`", "[", "]", "<", ">", "{", "}", "|"):
        text = text.replace(mark, "\\" + mark)
    return text


def _size_text(size: int) -> str:
    from carnet.frnum import fr_decimal, fr_int

    if size < 1024:
        return f"{fr_int(size)}\u00a0octets"
    return f"{fr_decimal(size / 1024)}\u00a0Ko"


def sheet_markdown(dataset_id: str, page_dir: Path,
                   out_dir: Path = PUBLISHED_DIR) -> str:
    """A data set's sheet and download links, as MyST Markdown.

    Links use the ``{download}`` role, relative to ``page_dir`` (the
    folder of the page that shows them), so the book ships the files.
    """
    import os

    sheet = load_metadata(dataset_id)
    coverage = sheet["temporal_coverage"]
    lines = [f"**{_markdown_text(sheet['title'])}**", ""]
    fields = [
        ("description", sheet["description"]),
        ("producer", sheet["producer"]),
        ("contact", sheet["contact"]),
        ("licence", sheet["licence"]),
        ("temporal_coverage",
         f"du {coverage['start']:%d/%m/%Y} au {coverage['end']:%d/%m/%Y}"),
        ("spatial_coverage", sheet["spatial_coverage"]),
        ("frequency", sheet["frequency"]),
        ("legal_notes", sheet["legal_notes"]),
    ]
    if sheet.get("keywords"):
        fields.append(("keywords", ", ".join(sheet["keywords"])))
    for name, value in fields:
        label = {**REQUIRED_FIELDS, **OPTIONAL_FIELDS}[name]
        shown = label.split(" (")[0].capitalize()
        lines += [shown, f": {_markdown_text(value)}", ""]

    lines += ["Sources", ""]
    lines += [
        f": {_markdown_text(s['title'])} ({_markdown_text(s['producer'])}),"
        f" <{s['path']}>"
        for s in source_entries(sheet)
    ]
    lines += ["", "Limites connues", ""]
    lines += [f": {_markdown_text(limit)}" for limit in sheet["limits"]]

    lines += ["", "Fichiers à télécharger", ""]
    for path in published_files(out_dir / dataset_id):
        link = Path(os.path.relpath(path, page_dir)).as_posix()
        file_format = FORMATS[path.suffix][0].upper()
        lines.append(
            f": {{download}}`{file_format} ({_size_text(path.stat().st_size)})"
            f" <{link}>`"
        )
    return "\n".join(lines) + "\n"


def files_table(out_dir: Path = PUBLISHED_DIR):
    """One row per published file: data set, format, rows, size."""
    import pandas as pd

    descriptor = json.loads(
        (out_dir / DESCRIPTOR_NAME).read_text(encoding="utf-8")
    )
    rows = []
    for resource in descriptor["resources"]:
        path = out_dir / resource["path"]
        rows.append({
            "fichier": resource["path"],
            "format": resource["format"].upper(),
            "octets": path.stat().st_size,
            "champs": len(resource.get("schema", {}).get("fields", [])),
        })
    return pd.DataFrame(rows)
