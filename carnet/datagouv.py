"""Publish the data sets on data.gouv.fr through its API (version 1).

``python -m carnet.datagouv`` prints what it would send and sends
nothing. A real publication needs both an API key in the environment
variable ``DATAGOUV_API_KEY`` and the flag ``--publier``; ``--cible``
chooses the demonstration server (the default) or production.

For each data set of ``catalogue.DATASETS`` the client looks for a data
set of the same title among the owner's (the organisation given with
``--organisation``, else the key's user), creates it or updates its
metadata, then uploads each published file, replacing the resource of
the same title when there is one. Every step done is written in a
journal; if a step fails, the client says which steps were done and
which were not, so that nothing is left half-published without saying.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import requests

from carnet import PROJECT_ROOT, catalogue

log = logging.getLogger(__name__)

API_KEY_ENV = "DATAGOUV_API_KEY"
TARGETS = {
    "demo": "https://demo.data.gouv.fr/api/1",
    "production": "https://www.data.gouv.fr/api/1",
}
DEFAULT_TARGET = "demo"
DEFAULT_TIMEOUT_S = 60
LICENCE_IDS = {"Licence Ouverte 2.0": "lov2", "ODbL 1.0": "odc-odbl"}
FREQUENCIES = {
    "ponctuelle": "punctual",
    "quotidienne": "daily",
    "hebdomadaire": "weekly",
    "mensuelle": "monthly",
    "trimestrielle": "quarterly",
    "annuelle": "annual",
    "irrégulière": "irregular",
    "continue": "continuous",
}


class PublicationError(RuntimeError):
    """The API refused a step, or did not answer."""


@dataclass
class Step:
    """One call the client makes (or would make)."""

    description: str
    method: str
    url: str
    json: dict | None = None
    file: Path | None = None


@dataclass
class Journal:
    """What was done on the server, in order."""

    pending: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)

    def record(self, step: str, text: str) -> None:
        """Mark the planned ``step`` done, with what the server did."""
        self.pending.remove(step)
        self.done.append(text)
        log.info("fait : %s", text)


def slug(text: str) -> str:
    """'Élections municipales' -> 'elections-municipales' (a tag)."""
    ascii_text = (
        unicodedata.normalize("NFKD", text)
        .encode("ascii", "ignore").decode("ascii")
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def frequency_code(sheet: dict) -> str:
    """The API's frequency code for the sheet's French frequency."""
    first_word = sheet["frequency"].split()[0].lower()
    if first_word not in FREQUENCIES:
        raise PublicationError(
            f"{catalogue.metadata_path(sheet['id'])}, field 'frequency': "
            f"expected a text starting with one of "
            f"{', '.join(FREQUENCIES)}, found {sheet['frequency']!r}"
        )
    return FREQUENCIES[first_word]


def description_markdown(sheet: dict) -> str:
    """The data set's description page: text, coverage, limits, sources."""
    parts = [
        sheet["description"],
        f"**Producteur** : {sheet['producer']}",
        f"**Contact** : {sheet['contact']}",
        f"**Couverture spatiale** : {sheet['spatial_coverage']}",
        f"**Considérations légales et éthiques** : {sheet['legal_notes']}",
        "**Limites connues**\n\n"
        + "\n".join(f"- {limit}" for limit in sheet["limits"]),
        "**Sources**\n\n" + "\n".join(
            f"- {s['title']} ({s['producer']}) : {s['path']}"
            for s in catalogue.source_entries(sheet)
        ),
    ]
    return "\n\n".join(parts)


def dataset_payload(sheet: dict, organisation: str | None) -> dict:
    """The JSON body that creates or updates a data set."""
    coverage = sheet["temporal_coverage"]
    payload = {
        "title": sheet["title"],
        "description": description_markdown(sheet),
        "license": LICENCE_IDS[sheet["licence"]],
        "frequency": frequency_code(sheet),
        "temporal_coverage": {
            "start": coverage["start"].isoformat(),
            "end": coverage["end"].isoformat(),
        },
        "tags": sorted({slug(k) for k in sheet.get("keywords", [])}),
    }
    if organisation:
        payload["organization"] = organisation
    return payload


def plan(api_url: str, organisation: str | None,
         out_dir: Path = catalogue.PUBLISHED_DIR,
         datasets=catalogue.DATASETS) -> list[tuple[dict, list[Step]]]:
    """Every call the publication makes, per data set, without sending."""
    plans = []
    for dataset in datasets:
        sheet = catalogue.load_metadata(dataset.id)
        folder = out_dir / dataset.id
        files = catalogue.published_files(folder) if folder.exists() else []
        if not files:
            raise PublicationError(
                f"{folder}: no published file for {dataset.id!r}; run "
                "`python -m carnet.catalogue` first"
            )
        steps = [Step(
            f"créer ou mettre à jour « {sheet['title']} »",
            "POST ou PUT", f"{api_url}/datasets/",
            json=dataset_payload(sheet, organisation),
        )]
        steps += [
            Step(f"déposer {path.name}", "POST",
                 f"{api_url}/datasets/<id>/upload/", file=path)
            for path in files
        ]
        plans.append((sheet, steps))
    return plans


def _shown(path: Path) -> str:
    """A path relative to the project when it is inside it."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def print_dry_run(plans, api_url: str, out=sys.stdout) -> None:
    """Print what a real run would send; send nothing."""
    import json

    print(f"Essai à blanc : rien n'est envoyé à {api_url}", file=out)
    for sheet, steps in plans:
        print(f"\n== {sheet['id']}", file=out)
        for step in steps:
            print(f"- {step.description} : {step.method} {step.url}",
                  file=out)
            if step.json is not None:
                body = json.dumps(step.json, ensure_ascii=False, indent=2)
                print("  " + body.replace("\n", "\n  "), file=out)
            if step.file is not None:
                print(f"  fichier {_shown(step.file)} "
                      f"({step.file.stat().st_size} octets)", file=out)
    print(
        f"\nPour publier : exporter {API_KEY_ENV} puis relancer avec "
        "--publier.", file=out,
    )


class Client:
    """The few API calls the publication needs, with clear errors."""

    def __init__(self, api_url: str, api_key: str,
                 timeout: float = DEFAULT_TIMEOUT_S):
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["X-API-KEY"] = api_key
        self.session.headers["User-Agent"] = "carnet-annecy"

    def call(self, method: str, path: str, what: str, **kwargs):
        url = f"{self.api_url}{path}"
        try:
            response = self.session.request(
                method, url, timeout=self.timeout, **kwargs
            )
        except requests.Timeout:
            raise PublicationError(
                f"{what} : pas de réponse de {url} en {self.timeout:g} s "
                "(délai dépassé) ; réessayer plus tard ou allonger "
                "--delai"
            ) from None
        except requests.ConnectionError as error:
            raise PublicationError(
                f"{what} : connexion impossible à {url} ({error})"
            ) from None
        if response.status_code >= 400:
            raise PublicationError(self._explain(response, url, what, kwargs))
        return response.json() if response.content else None

    def _explain(self, response, url: str, what: str, kwargs) -> str:
        status = response.status_code
        if status in (401, 403):
            reason = (
                f"clé d'API refusée ({status}) : vérifier la clé de "
                f"{API_KEY_ENV}, qu'elle vaut pour ce serveur "
                f"({self.api_url}) et qu'elle a les droits sur le jeu ou "
                "l'organisation"
            )
        elif status == 404:
            reason = (
                f"introuvable (404) : {url} n'existe pas sur ce serveur ; "
                "vérifier l'organisation, l'identifiant du jeu et la cible "
                "(démo ou production)"
            )
        elif status == 413:
            sizes = [
                f"{f[1][0]} ({len(f[1][1])} octets)"
                for f in kwargs.get("files", {}).items()
            ]
            reason = (
                f"fichier trop gros pour le serveur (413) : "
                f"{', '.join(sizes) or url}"
            )
        elif status >= 500:
            reason = (
                f"erreur du serveur ({status}) sur {url} ; ce n'est pas la "
                "requête qui est en cause : réessayer plus tard"
            )
        else:
            reason = f"requête refusée ({status}) sur {url}"
        detail = response.text.strip()[:200]
        return f"{what} : {reason}" + (f" — réponse : {detail}"
                                        if detail else "")

    def owned_datasets(self, organisation: str | None) -> list[dict]:
        path = (f"/organizations/{organisation}/datasets/?page_size=100"
                if organisation else "/me/datasets/")
        answer = self.call("GET", path, "lister les jeux existants")
        return answer["data"] if isinstance(answer, dict) else answer

    def upload(self, dataset_id: str, path: Path,
               resource_id: str | None) -> dict:
        target = (f"/datasets/{dataset_id}/resources/{resource_id}/upload/"
                  if resource_id else f"/datasets/{dataset_id}/upload/")
        files = {"file": (path.name, path.read_bytes())}
        return self.call("POST", target, f"déposer {path.name}",
                         files=files)


def publish(client: Client, plans, organisation: str | None,
            journal: Journal) -> None:
    """Create or update each data set, then upload its files."""
    existing = {d["title"]: d for d in client.owned_datasets(organisation)}
    for sheet, steps in plans:
        payload = steps[0].json
        known = existing.get(sheet["title"])
        if known:
            client.call("PUT", f"/datasets/{known['id']}/",
                        f"mettre à jour « {sheet['title']} »",
                        json=payload)
            dataset_id = known["id"]
            journal.record(
                _key(sheet, steps[0]),
                f"fiche de « {sheet['title']} » mise à jour "
                f"(jeu {dataset_id})",
            )
        else:
            created = client.call("POST", "/datasets/",
                                  f"créer « {sheet['title']} »",
                                  json=payload)
            dataset_id = created["id"]
            journal.record(
                _key(sheet, steps[0]),
                f"jeu « {sheet['title']} » créé (jeu {dataset_id})",
            )

        current = client.call("GET", f"/datasets/{dataset_id}/",
                              f"relire « {sheet['title']} »")
        resources = {r["title"]: r["id"]
                     for r in current.get("resources", [])}
        for step in steps[1:]:
            name = step.file.name
            client.upload(dataset_id, step.file, resources.get(name))
            verb = "remplacé" if name in resources else "ajouté"
            journal.record(_key(sheet, step),
                           f"{name} {verb} dans le jeu {dataset_id}")


def _key(sheet: dict, step: Step) -> str:
    return f"{sheet['id']} : {step.description}"


def main(argv: list[str] | None = None, out=sys.stdout) -> int:
    """Command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m carnet.datagouv",
        description="Publier les jeux du carnet sur data.gouv.fr "
                    "(essai à blanc par défaut).",
    )
    parser.add_argument("--publier", action="store_true",
                        help="publier réellement (il faut aussi la clé "
                             f"d'API dans {API_KEY_ENV})")
    parser.add_argument("--cible", choices=sorted(TARGETS),
                        default=DEFAULT_TARGET,
                        help="serveur visé (défaut : %(default)s)")
    parser.add_argument("--api-url",
                        help="adresse de l'API, à la place de --cible")
    parser.add_argument("--organisation",
                        help="identifiant de l'organisation propriétaire")
    parser.add_argument("--delai", type=float, default=DEFAULT_TIMEOUT_S,
                        help="délai d'attente par requête, en secondes")
    parser.add_argument("--dossier", type=Path,
                        default=catalogue.PUBLISHED_DIR,
                        help="dossier des fichiers publiés")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    api_url = (args.api_url or TARGETS[args.cible]).rstrip("/")
    try:
        plans = plan(api_url, args.organisation, args.dossier)
    except (PublicationError, catalogue.MetadataError) as error:
        print(f"Erreur : {error}", file=out)
        return 2
    if not args.publier:
        print_dry_run(plans, api_url, out)
        return 0

    api_key = os.environ.get(API_KEY_ENV, "").strip()
    if not api_key:
        print(f"Erreur : --publier demande une clé d'API dans la variable "
              f"d'environnement {API_KEY_ENV} ; rien n'a été envoyé.",
              file=out)
        return 2

    journal = Journal(pending=[
        _key(sheet, step) for sheet, steps in plans for step in steps
    ])
    client = Client(api_url, api_key, timeout=args.delai)
    try:
        publish(client, plans, args.organisation, journal)
    except PublicationError as error:
        print(f"Erreur : {error}", file=out)
        if journal.done:
            print("PUBLICATION INCOMPLÈTE. Étapes faites sur "
                  f"{api_url} :", file=out)
            for text in journal.done:
                print(f"  - {text}", file=out)
            print("Étapes non faites :", file=out)
            for text in journal.pending:
                print(f"  - {text}", file=out)
            print("Relancer la commande reprend tout : les jeux et les "
                  "fichiers déjà présents sont mis à jour, pas doublés.",
                  file=out)
        else:
            print("Rien n'a été publié.", file=out)
        return 1
    print(f"Publication terminée sur {api_url} : "
          f"{len(journal.done)} étape(s).", file=out)
    for text in journal.done:
        print(f"  - {text}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
