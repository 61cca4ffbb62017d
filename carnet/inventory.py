"""The inventory of the data sets discussed during the week.

``data/inventaire.yml`` lists every data set the two groups talked about:
its wishlist theme, its holder (a service, never a person), what was
received, the boxes and colour of the wanted data list, and the opening
decision. This module reads and checks that file, and derives from it the
wishlist of day 1 and the wanted data list of day 2.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from carnet import DATA_DIR

INVENTORY_FILE = DATA_DIR / "inventaire.yml"

BOXES = {
    "introuvable": "introuvable",
    "a_nettoyer": "à nettoyer",
    "a_compiler": "à compiler",
    "a_completer": "à compléter",
    "a_standardiser": "à standardiser",
}
EVALUATIONS = {
    "vert": ("#2e9e4f", "bon"),
    "orange": ("#f07800", "moyen"),
    "rouge": ("#d93b30", "insuffisant"),
    "noir": ("#111111", "introuvable"),
}
DECISIONS = ("ouvert", "non ouvert", "abandonné")
REQUIRED = (
    "id", "jeu", "theme", "groupe", "detenteur", "format_recu",
    "preference", "cases", "evaluation", "decision", "ouvert_par",
    "sources", "pages", "origine", "motif",
)
UNKNOWN = "inconnu"
BOX_STYLE = 'style="text-align:center;font-size:1.2em"'


class InventoryError(ValueError):
    """The inventory file does not say what the book needs."""


@dataclass(frozen=True)
class DataSet:
    """One data set of the inventory."""

    id: str
    jeu: str
    theme: str | None
    groupe: int
    detenteur: tuple[str, ...] | None
    format_recu: str | None
    preference: int | None
    cases: dict
    evaluation: str | None
    decision: str
    ouvert_par: int | None
    sources: tuple[str, ...]
    pages: tuple[str, ...]
    origine: str
    motif: str | None


@dataclass(frozen=True)
class Inventory:
    """The wishlist themes, the group names and the data sets."""

    themes: tuple[tuple[int, str], ...]
    groups: dict[int, str]
    datasets: tuple[DataSet, ...]


def _fail(path: Path, where: str, message: str) -> None:
    raise InventoryError(f"{path}: {where}: {message}")


def _check_entry(path, position, entry, themes, groups, known_sources):
    where = f"data set {position} ({entry.get('id', '?')})"
    missing = [field for field in REQUIRED if field not in entry]
    if missing:
        _fail(path, where, f"missing field(s) {', '.join(missing)}")

    for field in ("id", "jeu", "origine"):
        if not isinstance(entry[field], str) or not entry[field].strip():
            _fail(path, where, f"{field} must be a non-empty text, "
                  f"found {entry[field]!r}")
    if entry["groupe"] not in groups:
        _fail(path, where, f"groupe must be one of {sorted(groups)}, "
              f"found {entry['groupe']!r}")
    if entry["theme"] is not None and entry["theme"] not in themes:
        _fail(path, where, f"theme {entry['theme']!r} is not one of the "
              "wishlist themes")
    if entry["decision"] not in DECISIONS:
        _fail(path, where, f"decision must be one of {', '.join(DECISIONS)}"
              f", found {entry['decision']!r}")
    if entry["evaluation"] is not None and (
        entry["evaluation"] not in EVALUATIONS
    ):
        _fail(path, where, "evaluation must be one of "
              f"{', '.join(EVALUATIONS)} or null, "
              f"found {entry['evaluation']!r}")

    cases = entry["cases"]
    if not isinstance(cases, dict) or set(cases) != set(BOXES):
        found = sorted(cases) if isinstance(cases, dict) else cases
        _fail(path, where, f"cases must have exactly the boxes "
              f"{', '.join(BOXES)}, found {found}")
    for box, value in cases.items():
        if value not in (True, False, None):
            _fail(path, where, f"box {box} must be true, false or null, "
                  f"found {value!r}")

    opened = entry["decision"] == "ouvert"
    if opened and entry["ouvert_par"] not in groups:
        _fail(path, where, "an opened data set needs ouvert_par, the "
              f"group that published it; found {entry['ouvert_par']!r}")
    if not opened and entry["ouvert_par"] is not None:
        _fail(path, where, f"decision is {entry['decision']!r} but "
              f"ouvert_par is {entry['ouvert_par']!r}")
    if not opened and not entry["motif"]:
        _fail(path, where, "a data set not opened needs a motif")
    if entry["preference"] is not None and (
        not isinstance(entry["preference"], int) or entry["preference"] < 1
    ):
        _fail(path, where, "preference must be a positive integer or null,"
              f" found {entry['preference']!r}")
    holder = entry["detenteur"]
    if holder is not None and (
        not isinstance(holder, list) or not holder
        or not all(isinstance(h, str) and h for h in holder)
    ):
        _fail(path, where, "detenteur must be a list of organisation and "
              f"service names or null, found {holder!r}")
    unknown = [s for s in entry["sources"] if s not in known_sources]
    if unknown:
        _fail(path, where, f"source id(s) {', '.join(unknown)} are not in "
              "the source registry")


def load_inventory(
    path: Path = INVENTORY_FILE, known_sources: set[str] | None = None
) -> Inventory:
    """Read and check the inventory; a wrong entry is a clear error.

    ``known_sources`` are the ids of the source registry; by default they
    are read from ``data/sources.yml``.
    """
    if known_sources is None:
        from carnet.sources import load_registry

        known_sources = set(load_registry())
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for part in ("themes", "groupes", "jeux"):
        if part not in (document or {}):
            _fail(path, "top level", f"missing the part {part!r}")

    groups = {int(k): v for k, v in document["groupes"].items()}
    themes = tuple((t["groupe"], t["nom"]) for t in document["themes"])
    theme_names = {name for _, name in themes}
    seen: set[str] = set()
    datasets = []

    for position, entry in enumerate(document["jeux"], start=1):
        _check_entry(path, position, entry, theme_names, groups,
                     known_sources)
        if entry["id"] in seen:
            _fail(path, f"data set {position}", f"id {entry['id']!r} is "
                  "used twice")
        seen.add(entry["id"])
        holder = entry["detenteur"]
        datasets.append(DataSet(
            **{**entry,
               "detenteur": tuple(holder) if holder else None,
               "sources": tuple(entry["sources"]),
               "pages": tuple(entry["pages"])}
        ))

    themes_used = {d.theme for d in datasets}
    orphans = [name for name in theme_names if name not in themes_used]
    if orphans:
        _fail(path, "themes", f"no data set for the theme(s) {orphans}")
    return Inventory(themes, groups, tuple(datasets))


def wishlist(inventory: Inventory) -> pd.DataFrame:
    """The ten themes of day 1, by group, with what became of each."""
    rows = []
    for group, theme in inventory.themes:
        members = [d for d in inventory.datasets if d.theme == theme]
        rows.append({
            "Groupe": f"{group} – {inventory.groups[group]}",
            "Thème": theme,
            "Jeux de données": " ; ".join(d.jeu for d in members),
            "Ouverts": sum(d.decision == "ouvert" for d in members),
            "Décision": " ; ".join(_decision_text(d) for d in members),
        })
    return pd.DataFrame(rows)


def _decision_text(dataset: DataSet) -> str:
    if dataset.decision == "ouvert":
        return f"ouvert par le groupe {dataset.ouvert_par}"
    return dataset.decision


def added_later(inventory: Inventory) -> pd.DataFrame:
    """The data sets that no wishlist theme announced (added on day 2)."""
    rows = [
        {"Groupe": d.groupe, "Jeu de données": d.jeu,
         "Décision": d.decision, "Motif": d.motif or ""}
        for d in inventory.datasets if d.theme is None
    ]
    return pd.DataFrame(rows)


def holder_label(dataset: DataSet) -> str:
    """'Organisation – service', or 'inconnu' when no holder is named."""
    if not dataset.detenteur:
        return UNKNOWN
    return " – ".join(dataset.detenteur)


def inventory_table(inventory: Inventory) -> pd.DataFrame:
    """The inventory as a flat table, unknown values written as such.

    The boxes and the evaluation are left to the wanted data list.
    """
    rows = []
    for d in inventory.datasets:
        rows.append({
            "Jeu de données": d.jeu,
            "Groupe": d.groupe,
            "Détenteur": holder_label(d),
            "Format reçu": d.format_recu or UNKNOWN,
            "Décision": _decision_text(d),
            "Sources lues par le livre": ", ".join(d.sources) or "aucune",
            "Pages du livre": ", ".join(
                page.removeprefix("chapters/") for page in d.pages
            ) or "aucune",
        })
    return pd.DataFrame(rows)


def counts(inventory: Inventory) -> dict[str, int]:
    """Counts the prose of the book quotes."""
    data = inventory.datasets
    return {
        "themes": len(inventory.themes),
        "jeux": len(data),
        "ouverts": sum(d.decision == "ouvert" for d in data),
        "ouverts_g1": sum(d.ouvert_par == 1 for d in data),
        "ouverts_g2": sum(d.ouvert_par == 2 for d in data),
        "abandonnes": sum(d.decision == "abandonné" for d in data),
        "non_ouverts": sum(d.decision == "non ouvert" for d in data),
        "ajoutes": sum(d.theme is None for d in data),
        "avec_source": sum(bool(d.sources) for d in data),
    }


def _tick(value: bool | None) -> str:
    if value is None:
        return f'<td {BOX_STYLE} title="inconnu">?</td>'
    if value:
        return f'<td {BOX_STYLE} title="coché">☑</td>'
    return f'<td {BOX_STYLE} title="non coché">☐</td>'


def wanted_data_list_html(inventory: Inventory, group: int | None = None
                          ) -> str:
    """The wanted data list as an HTML grid like the original one.

    One row per data set (of ``group`` if given), ticks for the five boxes
    and the opening decision, the cell of the final evaluation coloured,
    with its name written too so colour is not the only carrier.
    """
    head = ["Jeu de données", "Ordre de préférence", "Détenteur",
            *BOXES.values(), "Évaluation finale", "Décision d'ouverture"]
    lines = [
        '<div style="overflow-x:auto">'
        '<table class="table wanted-data-list" style="font-size:0.85em">',
        "<thead><tr>"
        + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head)
        + "</tr></thead><tbody>",
    ]
    chosen = [d for d in inventory.datasets
              if group is None or d.groupe == group]
    for d in chosen:
        cells = [
            f'<th scope="row">{html.escape(d.jeu)}</th>',
            f'<td style="text-align:right">{d.preference or ""}</td>',
            f"<td>{html.escape(holder_label(d))}</td>",
            *(_tick(d.cases[key]) for key in BOXES),
        ]
        if d.evaluation is None:
            cells.append('<td style="font-style:italic">inconnue</td>')
        else:
            colour, meaning = EVALUATIONS[d.evaluation]
            cells.append(
                f'<td style="background:{colour};color:#fff">'
                f"{d.evaluation} ({meaning})</td>"
            )
        opened = d.decision == "ouvert"
        by_other = opened and d.ouvert_par != d.groupe
        mark = "☑" if opened and not by_other else "☐"
        note = f" (ouvert par le groupe {d.ouvert_par})" if by_other else ""
        cells.append(
            f'<td {BOX_STYLE} title="{html.escape(d.decision)}">'
            f"{mark}{html.escape(note)}</td>"
        )
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)
