"""Key facts about the territory, and the check of the 2017 merger.

``data/faits_cles.yml`` lists each fact with the page or logbook it comes
from. The merger of six communes into Annecy (74010) is also checked on
the commune boundaries of 2018: the new commune must be there, and the
five communes it absorbed must no longer exist as communes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml

from carnet import DATA_DIR

FACTS_FILE = DATA_DIR / "faits_cles.yml"


class TerritoryError(ValueError):
    """The facts file or the boundaries are not as expected."""


def load_facts(path: Path = FACTS_FILE) -> dict:
    """The facts file, checked: every fact has a value and a source."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for position, fact in enumerate(document["faits"], start=1):
        for field in ("fait", "valeur", "source"):
            if not fact.get(field):
                raise TerritoryError(
                    f"{path}: fact {position} ({fact.get('fait', '?')}) "
                    f"has no {field}"
                )
    return document


def facts_table(document: dict) -> pd.DataFrame:
    """The facts for the book, the address beside the source."""
    return pd.DataFrame([
        {"Fait": f["fait"], "Valeur": f["valeur"],
         "Source": f["source"] + (f" ({f['adresse']})"
                                  if f.get("adresse") else "")}
        for f in document["faits"]
    ])


def merger_check(document: dict, communes_geojson: Path) -> pd.DataFrame:
    """Which of the merged communes exist in the boundaries file.

    Raises when the file contradicts the merger: the new commune missing,
    or an absorbed commune still present.
    """
    merger = document["commune_nouvelle"]
    features = json.loads(
        Path(communes_geojson).read_text(encoding="utf-8"))["features"]
    names = {f["properties"]["code"]: f["properties"]["nom"]
             for f in features}
    rows = []
    for code, former_name in merger["anciennes_communes"].items():
        present = code in names
        expected = code == merger["code"]
        if present != expected:
            state = "present" if present else "absent"
            raise TerritoryError(
                f"{communes_geojson}: commune {code} ({former_name}) is "
                f"{state}, which contradicts the merger into "
                f"{merger['code']}"
            )
        rows.append({
            "Code Insee": code,
            "Commune avant 2017": former_name,
            "Dans le fichier de 2018": (f"oui ({names[code]})" if present
                                        else "non"),
        })
    return pd.DataFrame(rows)
