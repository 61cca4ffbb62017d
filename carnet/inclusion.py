"""Digital-inclusion places of Annecy: from the Hinaura export to the standard.

The regional hub Hinaura exports its places as JSON records with free-text
French keys, multi-value fields whose CSV quoting is broken, HTML icons
inside values, postcodes as numbers and opening hours as free text. This
module reads that export, maps every record onto the national standard of
digital-mediation places (LaMednum, Table Schema 1.0.1), and keeps a log of
each change and of each value or record it sets aside, with the reason.

Staff names, nominative e-mails and mobile numbers never leave this module:
the log says that a value was removed, never what it was.
"""

from __future__ import annotations

import html
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from shapely.geometry import Point
from shapely.ops import nearest_points

from carnet import sources
from carnet.maps import annecy_boundary

log = logging.getLogger(__name__)

HINAURA_ID = "hinaura"
DATA_INCLUSION_ID = "data_inclusion"
SCHEMA_ID = "schema_mediation_num"

ANNECY_INSEE = "74010"
ANNECY_NAME = "Annecy"
SOURCE_NAME = "Hinaura"

# Short names for the export's free-text keys.
HINAURA_KEYS = {
    "nom": "Nom du lieu ou de la structure *",
    "adresse": "Adresse postale *",
    "code_postal": "Code postal",
    "ville": "Ville *",
    "latitude": "bf_latitude",
    "longitude": "bf_longitude",
    "geolocalisation": "Géolocalisation",
    "courriel": (
        "Email (éviter les emails nominatifs - en cas d'email nominitatif "
        "seule la personne concernée est autorisé à l'ajouter)"
    ),
    "telephone": "Téléphone",
    "site_web": "Site Web",
    "referent": (
        "Nom du/de la référent·e du service d'accompagnement numérique "
        "(à ne remplir QUE si vous êtes cette personne)"
    ),
    "informations": (
        "Informations diverses (précisions sur votre structure, vos "
        "services, vos partenaires...)"
    ),
    "type_operateur": "Type d'opérateur",
    "type_lieu": "Type de lieu",
    "conseillers_numeriques": (
        "Accueille un ou des Conseillers Numériques France Services"
    ),
    "lundi": "Lundi",
    "mardi": "Mardi",
    "mercredi": "Mercredi",
    "jeudi": "Jeudi",
    "vendredi": "Vendredi",
    "samedi": "Samedi",
    "dimanche": "Dimanche",
    "publics": "Publics accueillis",
    "handicap": "Accueil pour les personnes en situation de handicap",
    "publics_specifiques": "Accompagnement de publics spécifiques",
    "tarifs": "Tarifs",
    "a_disposition": "À disposition",
    "types_accompagnement": "Types d'accompagnement proposés",
    "demarches_en_ligne": "Accompagnements proposés aux démarches en ligne",
    "competences_de_base": "Formations compétences de base proposées",
    "acces_aux_droits": (
        "Comprendre et Utiliser les sites d’accès aux droits proposées"
    ),
    "culture_numerique": "Sensibilisations culture numérique",
    "etat": "Etat",
    "licence": "Licence des données collectées *",
    "date_creation": "datetime_create",
    "date_maj": "datetime_latest",
}
MULTI_VALUE_FIELDS = (
    "publics", "handicap", "publics_specifiques", "tarifs", "a_disposition",
    "types_accompagnement", "demarches_en_ligne", "competences_de_base",
    "acces_aux_droits", "culture_numerique", "type_operateur", "type_lieu",
)
DAYS = (
    ("lundi", "Mo"), ("mardi", "Tu"), ("mercredi", "We"), ("jeudi", "Th"),
    ("vendredi", "Fr"), ("samedi", "Sa"), ("dimanche", "Su"),
)

# The five publics of the Hinaura form, in the order of the original chart.
HINAURA_PUBLICS = (
    "Petite enfance / Parentalité (0-3 ans)",
    "Enfance / Parentalité (3-10 ans)",
    "Jeunesse (11-26 ans)",
    "Adultes",
    "Seniors",
)

# -- vocabularies: each Hinaura value and what it becomes in the standard --
# A value is mapped to (standard field, standard value); None as the value
# means the standard has no equivalent, and the text says why.
SERVICES = "services"
SUPPORT = "modalites_accompagnement"
CARE = "prise_en_charge_specifique"
FEES = "frais_a_charge"
PROGRAMMES = "dispositif_programmes_nationaux"

ADMIN = "Aide aux démarches administratives"
EVERYDAY = "Maîtrise des outils numériques du quotidien"
JOBS = "Insertion professionnelle via le numérique"
SAFETY = "Utilisation sécurisée du numérique"
PARENTS = "Parentalité et éducation avec le numérique"
LEISURE = "Loisirs et créations numériques"
CULTURE = "Compréhension du monde numérique"
ACCESS = "Accès internet et matériel informatique"

NO_EQUIVALENT = "le standard n'a pas de valeur équivalente"

VOCABULARY: dict[str, dict[str, list[tuple[str, str | None]]]] = {
    "a_disposition": {
        "Réseau Wifi": [(SERVICES, ACCESS)],
        "Accès libre à du matériel informatique": [(SERVICES, ACCESS)],
        "Imprimante (service gratuit)": [(SERVICES, ACCESS)],
        "Imprimante (service payant)": [(SERVICES, ACCESS)],
    },
    "types_accompagnement": {
        "Accompagnement individuel sur rendez-vous": [
            (SUPPORT, "Accompagnement individuel")],
        "Accompagnement individuel sans rendez-vous": [
            (SUPPORT, "Accompagnement individuel")],
        "Accompagnement en groupe sur inscription": [
            (SUPPORT, "Dans un atelier collectif")],
        "Accompagnement en groupe sans inscription": [
            (SUPPORT, "Dans un atelier collectif")],
        "Accès libre avec un accompagnement": [
            (SUPPORT, "En autonomie"), (SERVICES, ACCESS)],
        "Faire à la place de / habilité Aidants Connect": [
            (PROGRAMMES, "Aidants Connect"), (SERVICES, ADMIN)],
        "Impression": [(SERVICES, ACCESS)],
    },
    "demarches_en_ligne": {
        value: [(SERVICES, ADMIN)] for value in (
            "Accompagnement CAF (caf.fr)",
            "Accompagnement CARSAT",
            "Accompagnement CPAM (ameli.fr)",
            "Accompagnement Pôle Emploi (pole-emploi.fr)",
            "Accompagnement demande de logement social",
            "Accompagnement impôts (impots.gouv.fr)",
            "Accompagnement prise de RDV en préfecture",
            "Autres démarches en ligne",
        )
    },
    "acces_aux_droits": {
        value: [(SERVICES, ADMIN)] for value in (
            "Comprendre et utiliser France Connect",
            "Comprendre et utiliser les services de CARSAT",
            "Comprendre et utiliser les services de Pôle Emploi "
            "(pole-emploi.fr)",
            "Comprendre et utiliser les services de la CPAM (Ameli.fr)",
            "Comprendre et utiliser les services de la Caf (caf.fr)",
            "Comprendre et utiliser les services des Impôts "
            "(impots.gouv.fr)",
            "Faire sa demande de logement social",
        )
    },
    "competences_de_base": {
        "Créer et gérer une adresse mail": [(SERVICES, EVERYDAY)],
        "Découvrir l'ordinateur et son environnement": [
            (SERVICES, EVERYDAY)],
        "Découvrir la tablette et son environnement": [(SERVICES, EVERYDAY)],
        "Découvrir le smartphone et son environnement": [
            (SERVICES, EVERYDAY)],
        "Découvrir les périphériques": [(SERVICES, EVERYDAY)],
        "Faire un diagnostic des compétences numériques": [
            (SERVICES, EVERYDAY)],
        "Gérer ses documents": [(SERVICES, EVERYDAY)],
        "Gérer ses données numériques (mots de passe..)": [
            (SERVICES, SAFETY)],
        "Naviguer sur des sites web": [(SERVICES, EVERYDAY)],
        "Rechercher des informations sur Internet": [(SERVICES, EVERYDAY)],
        "Écrire un document": [(SERVICES, EVERYDAY)],
    },
    "culture_numerique": {
        "Comprendre et utiliser un Espace Numérique de Travail "
        "(parentalité)": [(SERVICES, PARENTS)],
        "Sensibilisation : Connaître les pratiques et les usages des "
        "jeunes": [(SERVICES, PARENTS)],
        "Sensibilisation : La parentalité à l'ère du numérique": [
            (SERVICES, PARENTS)],
        "Sensibilisation Cultures numériques": [(SERVICES, CULTURE)],
        "Sensibilisation Vie privée": [(SERVICES, SAFETY)],
        "Sensibilisation à la gestion de son identité numérique": [
            (SERVICES, SAFETY)],
        "Utiliser le numérique pour la recherche d'emploi (CV, "
        "plateformes professionnelles...)": [(SERVICES, JOBS)],
        "Utiliser le numérique à des fins créatives et récréatives": [
            (SERVICES, LEISURE)],
        "Éducation aux Médias et à l'Information": [(SERVICES, CULTURE)],
    },
    "handicap": {
        "Surdité": [(CARE, "Surdité")],
        "Accès Personnes à Mobilité Réduite": [
            (CARE, "Handicaps moteurs")],
        "Handicap Mental": [(CARE, "Handicaps mentaux")],
        "Cécité et déficience visuelle": [(CARE, "Déficience visuelle")],
    },
    "publics_specifiques": {
        "Personnes en situation d'illettrisme": [(CARE, "Illettrisme")],
        "Langue étrangère (anglais)": [
            (CARE, "Langues étrangères (anglais)")],
        "Langue étrangère (autres langues)": [
            (CARE, "Langues étrangères (autres)")],
        "Personnes avec des problématiques linguistiques": [(CARE, None)],
        "Personnes en insertion": [(CARE, None)],
    },
    "tarifs": {
        "Gratuit": [(FEES, "Gratuit")],
        "Gratuit sous condition": [(FEES, "Gratuit sous condition")],
        "Payant": [(FEES, "Payant")],
        "Adhésion": [(FEES, "Payant")],
        "Solidaire (tarif réduit adapté à la situation sociale/familiale, "
        "ou convention avec un organisme solidaire)": [(FEES, "Payant")],
        "Agrée Pass Numérique (APTIC ou autres)": [(FEES, None)],
    },
}
VOCABULARY_REASONS = {
    ("tarifs", "Adhésion"): "une adhésion est un coût d'accès : Payant",
    ("tarifs", "Solidaire (tarif réduit adapté à la situation "
     "sociale/familiale, ou convention avec un organisme solidaire)"):
        "un tarif réduit reste un tarif : Payant",
}

# Publics: the standard lists publics a place *specifically* addresses; a
# place that welcomes adults is open to everyone and addresses none.
STANDARD_PUBLICS = {
    "Petite enfance / Parentalité (0-3 ans)": "Familles et/ou enfants",
    "Enfance / Parentalité (3-10 ans)": "Familles et/ou enfants",
    "Jeunesse (11-26 ans)": "Jeunes",
    "Seniors": "Seniors",
    "Adultes": None,
}

# Order of the values in each standard field, as the standard lists them.
STANDARD_ORDER = {
    SERVICES: (
        ADMIN, EVERYDAY, JOBS, SAFETY, PARENTS, LEISURE, CULTURE, ACCESS,
        "Acquisition de matériel informatique à prix solidaire",
    ),
    "publics_specifiquement_adresses": (
        "Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes",
    ),
    CARE: (
        "Surdité", "Handicaps moteurs", "Handicaps mentaux", "Illettrisme",
        "Langues étrangères (anglais)", "Langues étrangères (autres)",
        "Déficience visuelle",
    ),
    FEES: ("Gratuit", "Gratuit sous condition", "Payant"),
    PROGRAMMES: ("Aidants Connect", "Conseillers numériques"),
    SUPPORT: (
        "En autonomie", "Accompagnement individuel",
        "Dans un atelier collectif", "À distance",
    ),
}

# Former communes merged into Annecy on 1 January 2017, as the export
# spells them once accents, case and hyphens are set aside.
DELEGATED_COMMUNES = {
    "annecy": None,
    "annecylevieux": "Annecy-le-Vieux",
    "crangevrier": "Cran-Gevrier",
    "meythet": "Meythet",
    "seynod": "Seynod",
    "pringy": "Pringy",
}
ANNECY_POSTCODES = {"74000", "74370", "74600", "74940", "74960"}
CEDEX_POSTCODES = {"74003", "74008"}

# Words of a name or address written in capitals that stay in capitals.
ACRONYMS = {"MJC", "APF", "PMS", "LECO", "ESAAA", "BCA", "CAF", "FOL", "BP"}
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "et", "en", "au", "aux",
               "sur", "pour"}
STREET_TYPES = {
    "rue", "avenue", "place", "boulevard", "chemin", "impasse", "route",
    "allée", "faubourg", "quai", "passage", "square",
}
STREET_ABBREVIATIONS = {
    "pl": "place", "av": "avenue", "bd": "boulevard", "rte": "route",
    "ch": "chemin", "imp": "impasse",
}

# Local parts of e-mails that name a service, not a person.
SERVICE_MAIL_WORDS = {
    "contact", "accueil", "info", "infos", "culture", "famille", "mediatheque",
    "conseillernumerique", "insertion", "emploi", "animation", "restauration",
    "cyberespace", "fabmanager", "communication", "permnum74", "hautesavoie",
    "infojeunes", "secretariat", "direction",
}

CLEAN_COLUMNS = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone",
    "courriels", "site_web", "horaires", "presentation_resume",
    "presentation_detail", "source", "itinerance", "structure_parente",
    "date_maj", "services", "publics_specifiquement_adresses",
    "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels",
    "autres_formations_labels", "modalites_acces",
    "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
)
SUMMARY_MAX_CHARS = 280


class InclusionError(ValueError):
    """An input record is not what the cleaning expects."""


# -------------------------------------------------------------- reading --

def read_hinaura(path: Path | None = None) -> list[dict]:
    """The Hinaura records, with short field names, values as exported."""
    path = path or sources.acquire(HINAURA_ID)
    records = _read_json_array(path)
    renamed = []

    for number, record in enumerate(records, start=1):
        missing = [k for k in HINAURA_KEYS.values() if k not in record]
        if missing:
            raise InclusionError(
                f"{path.name}: record {number} lacks the field(s) "
                f"{', '.join(repr(m) for m in missing)}"
            )
        renamed.append(
            {short: record[key] for short, key in HINAURA_KEYS.items()}
        )

    log.info("%d fiches Hinaura lues dans %s", len(renamed), path.name)
    return renamed


def read_data_inclusion(path: Path | None = None) -> list[dict]:
    """The data·inclusion records of Annecy, as exported."""
    path = path or sources.acquire(DATA_INCLUSION_ID)
    records = _read_json_array(path)
    for number, record in enumerate(records, start=1):
        for key in ("id", "nom", "pivot", "code_postal", "adresse"):
            if key not in record:
                raise InclusionError(
                    f"{path.name}: record {number} lacks the field {key!r}"
                )
    return records


def _read_json_array(path: Path) -> list[dict]:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InclusionError(
            f"{path.name}: not valid JSON at line {error.lineno}, "
            f"column {error.colno}: {error.msg}"
        ) from error
    if not isinstance(records, list):
        raise InclusionError(
            f"{path.name}: expected a JSON array of records, "
            f"found {type(records).__name__}"
        )
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InclusionError(
                f"{path.name}: record {number} should be an object, "
                f"found {type(record).__name__}"
            )
    return records


# The export wrote lists as CSV cells, then lost the opening quote of the
# first value and the closing quote of the last: split on a comma that a
# quote touches, or on a bare comma not followed by a space (values such
# as "(CV, plateformes...)" keep their own comma-space).
_LIST_SEPARATOR = re.compile(r'"\s*,\s*"|"\s*,|,\s*"|,(?! )')
_HTML_TAG = re.compile(r"<[^<>]*>")


def split_values(raw: object) -> list[str]:
    """The values of a multi-value field, without quotes or HTML icons."""
    if raw is None:
        return []
    text = _HTML_TAG.sub("", str(raw))
    values = []
    for piece in _LIST_SEPARATOR.split(text):
        value = " ".join(piece.replace('"', " ").split())
        if value and value not in values:
            values.append(value)
    return values


# ------------------------------------------------------------- cleaning --

@dataclass
class CleaningResult:
    """The cleaned table, what was set aside, and the log of changes."""

    records_in: int
    table: pd.DataFrame
    set_aside: pd.DataFrame
    log: pd.DataFrame
    publics: pd.DataFrame
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    record_numbers: dict[str, int] = field(default_factory=dict)

    def accounting(self) -> dict[str, int]:
        """Rows in, out, set aside, and whether they add up."""
        changed = self.log.loc[
            self.log["nature"] != "signalement", "fiche"
        ].nunique()
        return {
            "fiches lues": self.records_in,
            "fiches gardées": len(self.table),
            "dont modifiées": int(changed),
            "fiches écartées": len(self.set_aside),
        }


class _Log:
    """Collects one row per change, removal or flag."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, record, name, column, before, after, nature, reason):
        self.rows.append({
            "fiche": record, "nom": name, "champ": column,
            "avant": _text(before), "après": _text(after),
            "nature": nature, "raison": reason,
        })

    def frame(self) -> pd.DataFrame:
        columns = ["fiche", "nom", "champ", "avant", "après", "nature",
                   "raison"]
        return pd.DataFrame(self.rows, columns=columns)


REMOVED = "(valeur retirée)"


def clean_hinaura(
    records: list[dict], boundary=None
) -> CleaningResult:
    """Map the Hinaura records onto the standard, logging every change.

    ``boundary`` is the commune's polygon (shapely); by default Annecy's,
    from the IGN boundaries in the registry.
    """
    boundary = boundary if boundary is not None else annecy_boundary()
    journal = _Log()
    kept, set_aside, publics_rows, numbers = [], [], [], []
    seen_names: dict[str, int] = {}

    for number, record in enumerate(records, start=1):
        raw_name = _text(record.get("nom"))
        name = normalise_name(raw_name)
        reason = _set_aside_reason(record, name, seen_names)
        if reason:
            set_aside.append({"fiche": number, "nom": name or raw_name,
                              "raison": reason})
            journal.add(number, name or raw_name, "(fiche)", "", "",
                        "fiche écartée", reason)
            continue
        seen_names[_key(name)] = number

        row = _clean_record(number, record, name, journal, boundary)
        row["id"] = _unique_id(row["id"], {r["id"] for r in kept})
        kept.append(row)
        numbers.append(number)
        for public in _record_publics(record):
            publics_rows.append({"id": row["id"], "nom": name,
                                 "public": public})

    table = pd.DataFrame(kept, columns=list(CLEAN_COLUMNS))
    log_frame = journal.frame()
    flags = log_frame[log_frame["nature"] == "signalement"]
    result = CleaningResult(
        records_in=len(records),
        table=table,
        set_aside=pd.DataFrame(set_aside, columns=["fiche", "nom", "raison"]),
        log=log_frame,
        publics=pd.DataFrame(publics_rows, columns=["id", "nom", "public"]),
        flags=flags.reset_index(drop=True),
        record_numbers=dict(zip(table["id"], numbers)),
    )
    _check_accounting(result)
    log.info(
        "Mise en qualité : %d fiches lues, %d gardées, %d écartées, "
        "%d lignes au journal", result.records_in, len(table),
        len(result.set_aside), len(log_frame),
    )
    return result


def _check_accounting(result: CleaningResult) -> None:
    if result.records_in != len(result.table) + len(result.set_aside):
        raise InclusionError(
            f"row accounting broken: {result.records_in} records in, "
            f"{len(result.table)} kept + {len(result.set_aside)} set aside"
        )


def _set_aside_reason(record, name, seen_names) -> str | None:
    if not name:
        return "fiche sans nom de lieu"
    city = _key(_text(record.get("ville")).split("Cedex")[0])
    city = re.sub(r"cedex\d*$", "", city)
    postcode = _postcode_text(record.get("code_postal"))
    in_annecy = any(city.startswith(k) for k in DELEGATED_COMMUNES)
    if not in_annecy and postcode not in ANNECY_POSTCODES | CEDEX_POSTCODES:
        return (f"commune « {_text(record.get('ville'))} » hors d'Annecy "
                f"(code postal {postcode})")
    if _key(name) in seen_names:
        return (f"doublon de la fiche {seen_names[_key(name)]} "
                "(même nom de lieu)")
    return None


def _clean_record(number, record, name, journal, boundary) -> dict:
    def note(column, before, after, nature, reason):
        journal.add(number, name, column, before, after, nature, reason)

    raw_name = _text(record.get("nom"))
    if name != raw_name:
        note("nom", raw_name, name, "format",
             "espaces ou capitales normalisés")

    row = {column: "" for column in CLEAN_COLUMNS}
    row["id"] = "hinaura-" + _slug(name)
    row["nom"] = name
    row["source"] = SOURCE_NAME
    row["latitude"] = None
    row["longitude"] = None

    _clean_place(row, record, note)
    _clean_coordinates(row, record, note, boundary)
    _clean_contacts(row, record, note)
    _clean_description(row, record, note)
    row["horaires"] = _clean_hours(record, note)
    row["date_maj"] = _iso_date(record, number)
    _map_vocabularies(row, record, note)
    return row


def _clean_place(row, record, note) -> None:
    raw_city = _text(record.get("ville"))
    row["commune"] = ANNECY_NAME
    if raw_city != ANNECY_NAME:
        note("commune", raw_city, ANNECY_NAME, "format",
             "Annecy est une seule commune depuis 2017")
    row["code_insee"] = ANNECY_INSEE
    note("code_insee", "", ANNECY_INSEE, "complément",
         "commune nouvelle d'Annecy (74010), quelle que soit la commune "
         "déléguée")

    raw_postcode = record.get("code_postal")
    postcode = _postcode_text(raw_postcode)
    row["code_postal"] = postcode
    if not re.fullmatch(r"\d{5}", postcode):
        raise InclusionError(
            f"record {row['nom']!r}: field 'Code postal': expected five "
            f"digits, found {raw_postcode!r}"
        )
    if not isinstance(raw_postcode, str):
        note("code_postal", raw_postcode, postcode, "format",
             "code postal stocké comme un nombre, écrit sur cinq "
             "caractères")
    if postcode in CEDEX_POSTCODES:
        note("code_postal", postcode, postcode, "signalement",
             "code CEDEX (distribution du courrier), pas le code postal "
             "de l'adresse ; aucune de nos sources ne donne ce dernier")

    street, extras = split_address(_text(record.get("adresse")))
    row["adresse"] = street
    delegated = delegated_commune(raw_city)
    if delegated and _key(delegated) not in map(_key, extras):
        extras.append(delegated)
    row["complement_adresse"] = " · ".join(extras)
    raw_address = _text(record.get("adresse"))
    if (street, row["complement_adresse"]) != (raw_address, ""):
        note("adresse", raw_address,
             " | ".join(filter(None, [street, row["complement_adresse"]])),
             "format",
             "voie seule dans « adresse », le reste (commune déléguée, "
             "boîte postale, seconde adresse) en complément")


def _clean_coordinates(row, record, note, boundary) -> None:
    latitude = _number(record.get("latitude"))
    longitude = _number(record.get("longitude"))
    if latitude is None or longitude is None:
        note("latitude", "", "", "signalement",
             "fiche sans coordonnées : absente de la carte")
        return
    point = Point(longitude, latitude)
    if boundary.covers(point):
        row["latitude"], row["longitude"] = latitude, longitude
        return
    distance_km = _distance_to_boundary_km(point, boundary)
    remark = _text(record.get("geolocalisation"))
    reason = (
        f"point à {distance_km:.0f} km hors des limites d'Annecy ; "
        "coordonnées retirées, faute de source pour les corriger"
    )
    if remark:
        reason += f" (la fiche dit : « {remark} »)"
    note("latitude, longitude", f"{latitude}, {longitude}", "",
         "signalement", reason)


def _clean_contacts(row, record, note) -> None:
    referent = _text(record.get("referent"))
    if referent:
        note("référent", REMOVED, "", "donnée personnelle retirée",
             "nom d'une personne : jamais republié")

    email = _text(record.get("courriel")).strip().lower()
    if email:
        if is_nominative_email(email, referent):
            note("courriels", REMOVED, "", "donnée personnelle retirée",
                 "courriel nominatif : jamais republié")
        elif not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", email):
            note("courriels", email, "", "valeur écartée",
                 "courriel mal formé")
        else:
            row["courriels"] = email

    raw_phone = record.get("telephone")
    if _text(raw_phone):
        phone, problem = normalise_phone(raw_phone)
        if problem == "mobile":
            note("telephone", REMOVED, "", "donnée personnelle retirée",
                 "numéro de mobile, possiblement personnel : non republié")
        elif problem:
            note("telephone", raw_phone, "", "valeur écartée", problem)
        else:
            row["telephone"] = phone
            if phone != raw_phone:
                note("telephone", raw_phone, phone, "format",
                     "format international du standard (+33…)")

    raw_url = _text(record.get("site_web"))
    if raw_url:
        url = normalise_url(raw_url)
        if url is None:
            note("site_web", raw_url, "", "valeur écartée",
                 "adresse web mal formée")
        else:
            row["site_web"] = url
            if url != raw_url:
                note("site_web", raw_url, url, "format",
                     "entités HTML décodées dans l'adresse web")


def _clean_description(row, record, note) -> None:
    raw = _text(record.get("informations"))
    text = re.sub(r"\{\{[^{}]*\}\}", " ", raw)
    text = " ".join(text.split())
    if not text:
        if raw.strip():
            note("presentation_detail", raw, "", "valeur écartée",
                 "balise de pièce jointe du wiki, sans texte")
        return
    row["presentation_detail"] = text
    row["presentation_resume"] = summarise(text)
    if row["presentation_resume"] != text:
        note("presentation_resume", "", row["presentation_resume"],
             "complément",
             f"résumé coupé à {SUMMARY_MAX_CHARS} caractères")


def _clean_hours(record, note) -> str:
    days = {code: _text(record.get(day)) for day, code in DAYS}
    opening_hours = opening_hours_from_days(days)
    if opening_hours:
        shown = " ; ".join(f"{c} {t}" for c, t in days.items() if t)
        note("horaires", shown, opening_hours, "format",
             "texte libre par jour converti au format OpenStreetMap")
    return opening_hours


def _iso_date(record, number) -> str:
    raw = _text(record.get("date_maj"))
    try:
        return datetime.strptime(raw, "%d/%m/%Y %H:%M:%S").date().isoformat()
    except ValueError as error:
        raise InclusionError(
            f"record {number}: field 'datetime_latest': expected "
            f"'dd/mm/yyyy hh:mm:ss', found {raw!r}"
        ) from error


def _map_vocabularies(row, record, note) -> None:
    collected: dict[str, list[str]] = {k: [] for k in STANDARD_ORDER}

    for source_field, table in VOCABULARY.items():
        for value in split_values(record.get(source_field)):
            if value not in table:
                raise InclusionError(
                    f"record {row['nom']!r}: field "
                    f"{HINAURA_KEYS[source_field]!r}: unknown value "
                    f"{value!r} (expected one of: {', '.join(table)})"
                )
            for target, standard in table[value]:
                if standard is None:
                    note(target, value, "", "valeur sans équivalent",
                         NO_EQUIVALENT)
                    continue
                collected[target].append(standard)
                reason = VOCABULARY_REASONS.get((source_field, value))
                if reason:
                    note(target, value, standard, "vocabulaire", reason)

    if _text(record.get("conseillers_numeriques")) == "Oui":
        collected[PROGRAMMES].append("Conseillers numériques")

    publics = split_values(record.get("publics"))
    _check_publics(row, publics)
    if "Adultes" not in publics:
        collected["publics_specifiquement_adresses"] = [
            STANDARD_PUBLICS[p] for p in publics
        ]

    for target, values in collected.items():
        ordered = [v for v in STANDARD_ORDER[target] if v in values]
        row[target] = "|".join(ordered)

    sources_text = " ; ".join(
        _text(record.get(f)) for f in VOCABULARY if _text(record.get(f))
    )
    if sources_text:
        note("services et modalités", "(champs à choix multiples)",
             row[SERVICES], "vocabulaire",
             "valeurs Hinaura traduites dans le vocabulaire du standard")


def _check_publics(row, publics) -> None:
    for public in publics:
        if public not in STANDARD_PUBLICS:
            raise InclusionError(
                f"record {row['nom']!r}: field 'Publics accueillis': "
                f"unknown value {public!r} (expected one of: "
                f"{', '.join(HINAURA_PUBLICS)})"
            )


def _record_publics(record) -> list[str]:
    return [p for p in split_values(record.get("publics"))
            if p in HINAURA_PUBLICS]


def _unique_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``… if already taken."""
    candidate, suffix = wanted, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{wanted}-{suffix}"
    return candidate


# ---------------------------------------------------- value normalisers --

def normalise_name(raw: str) -> str:
    """Trim, collapse spaces, and soften words written in capitals."""
    words = " ".join(_text(raw).split()).split(" ")
    if words == [""]:
        return ""
    out = [_soften_capitals(w, first=(i == 0)) for i, w in enumerate(words)]
    name = " ".join(out)
    return name[0].upper() + name[1:]


def _soften_capitals(word: str, first: bool) -> str:
    parts = word.split("-")
    return "-".join(_soften_part(p, first and i == 0)
                    for i, p in enumerate(parts))


def _soften_part(part: str, first: bool) -> str:
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", part)
    if not letters or letters != letters.upper() or letters in ACRONYMS:
        return part
    lower = part.lower()
    if lower in SMALL_WORDS and not first:
        return lower
    if len(letters) <= 3 and lower not in SMALL_WORDS:
        return part
    return lower[0].upper() + lower[1:]


def split_address(raw: str) -> tuple[str, list[str]]:
    """The street line, and what else the address field holds."""
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    lines = [line.strip(" ,") for line in lines if line.strip(" ,")]
    if not lines:
        return "", []
    street, extras = lines[0], []

    if " / " in street:
        street, other = (s.strip() for s in street.split(" / ", 1))
        extras.append(f"autre adresse : {other}")
    match = re.fullmatch(r"(.+?) - ([^\d]+)", street)
    if match and delegated_commune(match.group(2)):
        street = match.group(1)
        extras.append(delegated_commune(match.group(2)))
    match = re.fullmatch(r"([^\d]+?) (\d.*)", street)
    if match and match.group(1).split(" ")[0].lower() not in STREET_TYPES:
        extras.append(match.group(1))
        street = match.group(2)

    for line in lines[1:]:
        extras.append(delegated_commune(line) or line)
    return normalise_street(street), extras


def normalise_street(street: str) -> str:
    """'2,rue X' -> '2 rue X'; capitals and abbreviations softened."""
    street = re.sub(r"^(\d+\s*(?:bis|ter|[A-Z])?)\s*,\s*", r"\1 ", street)
    street = re.sub(r"^(\d+)(?=[A-Za-zÀ-ÿ]{3,})", r"\1 ", street)
    words = street.split(" ")
    for i, word in enumerate(words):
        lower = word.lower()
        if lower in STREET_ABBREVIATIONS and i <= 2:
            words[i] = STREET_ABBREVIATIONS[lower]
        elif lower in STREET_TYPES and i <= 2:
            words[i] = lower
        else:
            words[i] = _soften_capitals(word, first=False)
    street = " ".join(words)
    return street[0].upper() + street[1:] if street[:1].isalpha() else street


def delegated_commune(text: str) -> str | None:
    """The canonical name of a former commune of Annecy named in text."""
    key = _key(text)
    key = re.sub(r"annecy$", "", key) if key != "annecy" else key
    key = re.sub(r"cedex\d*$", "", key)
    return DELEGATED_COMMUNES.get(key)


def _postcode_text(raw) -> str:
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, (int, float)) and not pd.isna(raw):
        return f"{int(raw):05d}"
    return _text(raw).strip()


def normalise_phone(raw) -> tuple[str, str | None]:
    """The number as +33XXXXXXXXX, or an empty string and the problem.

    A number stored as an integer lost its leading zero; '+33 (0)4…' keeps
    a zero that the international form drops. Mobile numbers (06, 07) are
    reported as 'mobile': the caller treats them as possibly personal.
    """
    digits = re.sub(r"\D", "", str(raw))
    if isinstance(raw, int) and len(digits) == 9:
        digits = "0" + digits
    if digits.startswith("330") and len(digits) == 12:
        digits = "0" + digits[3:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        return "", f"numéro illisible ({len(digits)} chiffres)"
    if digits[1] in "67":
        return "", "mobile"
    return "+33" + digits[1:], None


def is_nominative_email(email: str, referent: str = "") -> bool:
    """Whether an e-mail's local part names a person.

    It does when it holds a word of the referent's name, or when it reads
    like 'first.last' or 'f.last' with no word that names a service.
    """
    local = email.split("@")[0].lower()
    words = [w for w in re.split(r"[.\-_]", local) if w]
    referent_words = {
        _key(w) for w in re.split(r"[\s/\-]+", referent) if len(w) >= 3
    }
    if referent_words & {_key(w) for w in words}:
        return True
    if len(words) == 2 and not set(words) & SERVICE_MAIL_WORDS:
        return all(w.isalpha() for w in words)
    return False


def normalise_url(raw: str) -> str | None:
    """Decode HTML entities, add a scheme if missing; None if unusable."""
    url = html.unescape(raw.strip())
    if not re.match(r"https?://", url, flags=re.IGNORECASE):
        url = "https://" + url
    parts = urlsplit(url)
    if not parts.netloc or "." not in parts.netloc or " " in url:
        return None
    return url


def summarise(text: str, limit: int = SUMMARY_MAX_CHARS) -> str:
    """The text itself if short enough, else cut at a word, with '…'."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


# --------------------------------------------------------- opening hours --

_TIME = r"(\d{1,2})\s*[hH:]\s*(\d{2})?"
_RANGE = re.compile(_TIME + r"\s*(?:-|à|a)\s*" + _TIME)
_FILLER = re.compile(r"^(?:[\s\-/,;:()]|et|de)*$", flags=re.IGNORECASE)


def day_hours(text: str) -> str:
    """One day's free text as OpenStreetMap opening hours.

    '10h à 12h - 13h30 à 18h' -> '10:00-12:00,13:30-18:00';
    'Fermé' -> 'off'; text that is not a time is kept as a quoted comment.
    """
    text = " ".join(_text(text).split())
    if not text:
        return ""
    if text.lower().rstrip(".") in {"fermé", "ferme"}:
        return "off"

    ranges, comments, position = [], [], 0
    for match in _RANGE.finditer(text):
        comments.append(text[position:match.start()])
        start = _clock(match.group(1), match.group(2))
        end = _clock(match.group(3), match.group(4))
        if start is None or end is None or start >= end:
            comments.append(match.group(0))
        else:
            ranges.append(f"{start}-{end}")
        position = match.end()
    comments.append(text[position:])

    kept = [_comment(c) for c in comments if not _FILLER.match(c)]
    kept = [c for c in kept if c]
    spec = ",".join(ranges)
    if kept:
        spec = f'{spec} "{" ; ".join(kept)}"'.strip()
    return spec


def _clock(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59:
        return None
    return f"{h:02d}:{m:02d}"


def _comment(text: str) -> str:
    text = text.replace('"', "'")
    return text.strip(" -/,;:()").strip()


def opening_hours_from_days(days: dict[str, str]) -> str:
    """Join the days (Mo…Su -> text) into one opening_hours value.

    Days with the same hours are grouped ('Mo-Fr 09:00-12:00'); days left
    empty in the export are left out.
    """
    specs = [(code, day_hours(text)) for code, text in days.items()]
    rules, group = [], []
    for code, spec in specs + [("", None)]:
        if group and (spec != group[0][1] or not _consecutive(group, code)):
            first, last = group[0][0], group[-1][0]
            label = first if first == last else f"{first}-{last}"
            if len(group) == 2:
                label = f"{first},{last}"
            rules.append(f"{label} {group[0][1]}")
            group = []
        if spec:
            group.append((code, spec))
    return "; ".join(rules)


def _consecutive(group, code) -> bool:
    order = [c for _, c in DAYS]
    return code in order and order.index(code) == order.index(group[-1][0]) + 1


# ------------------------------------------------------------ geography --

def _distance_to_boundary_km(point, boundary) -> float:
    """Distance in km from a point to the nearest point of the boundary."""
    nearest = nearest_points(boundary, point)[0]
    return _haversine_km(point.y, point.x, nearest.y, nearest.x)


def _haversine_km(lat1, lon1, lat2, lon2) -> float:
    from math import asin, cos, radians, sin, sqrt

    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = (sin(dlat / 2) ** 2
         + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2)
    return 2 * 6371.0 * asin(sqrt(a))


# --------------------------------------------------------------- helpers --

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    return str(value)


def _number(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _key(text: str) -> str:
    """Lower case, no accents, letters and digits only: for matching."""
    decomposed = unicodedata.normalize("NFKD", _text(text))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def _slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# ------------------------------------------- the export as it came in --

def raw_table(records: list[dict]) -> pd.DataFrame:
    """The export put in the standard's columns, values left as they are.

    This is what a reuser would get by renaming the columns only: the
    table validated "before" cleaning.
    """
    rows = []
    for record in records:
        row = {column: "" for column in CLEAN_COLUMNS}
        row.update({
            "nom": _text(record.get("nom")),
            "commune": _text(record.get("ville")),
            "code_postal": _text(record.get("code_postal")),
            "adresse": _text(record.get("adresse")),
            "latitude": _text(record.get("latitude")),
            "longitude": _text(record.get("longitude")),
            "telephone": _text(record.get("telephone")),
            "courriels": _text(record.get("courriel")),
            "site_web": _text(record.get("site_web")),
            "horaires": " ; ".join(
                f"{day} {_text(record.get(day))}" for day, _ in DAYS
                if _text(record.get(day))
            ),
            "presentation_detail": _text(record.get("informations")),
            "date_maj": _text(record.get("date_maj")),
            "services": ",".join(
                _text(record.get(f)) for f in (
                    "a_disposition", "demarches_en_ligne",
                    "competences_de_base", "acces_aux_droits",
                    "culture_numerique",
                ) if _text(record.get(f))
            ),
            "publics_specifiquement_adresses": _text(record.get("publics")),
            "prise_en_charge_specifique": ",".join(
                _text(record.get(f)) for f in ("handicap",
                                               "publics_specifiques")
                if _text(record.get(f))
            ),
            "frais_a_charge": _text(record.get("tarifs")),
            "modalites_accompagnement": _text(
                record.get("types_accompagnement")),
        })
        rows.append(row)
    return pd.DataFrame(rows, columns=list(CLEAN_COLUMNS))


# ------------------------------------------------------- cross-check --

MATCH_DISTANCE_M = 30


def match_data_inclusion(
    table: pd.DataFrame, others: list[dict]
) -> pd.DataFrame:
    """Pair each cleaned place with the data·inclusion record of it.

    Records match on their name (case, accents and punctuation aside),
    else on a point less than 30 m away with the same postcode. Returns one
    row per cleaned place; the data·inclusion columns are empty when no
    record matches.
    """
    by_name: dict[str, list[dict]] = {}
    for other in others:
        by_name.setdefault(_key(other.get("nom")), []).append(other)
    used: set[str] = set()
    rows = []

    for place in table.itertuples(index=False):
        candidates = [o for o in by_name.get(_key(place.nom), [])
                      if str(o["id"]) not in used]
        how = "nom"
        if not candidates:
            candidates = _near(place, others, used)
            how = "position"
        match = candidates[0] if candidates else None
        if match is not None:
            used.add(str(match["id"]))
        rows.append(_pair_row(place, match, how if match else ""))

    frame = pd.DataFrame(rows)
    unmatched = [o for o in others if str(o["id"]) not in used]
    frame.attrs["unmatched"] = pd.DataFrame(
        [{"id data·inclusion": str(o["id"]), "nom": o.get("nom", ""),
          "source": o.get("source", ""),
          "code_postal": o.get("code_postal", "")} for o in unmatched]
    )
    return frame


def _near(place, others, used) -> list[dict]:
    if place.latitude is None or pd.isna(place.latitude):
        return []
    found = []
    for other in others:
        if str(other["id"]) in used or other.get("latitude") is None:
            continue
        if str(other.get("code_postal")) != place.code_postal:
            continue
        metres = 1000 * _haversine_km(
            place.latitude, place.longitude,
            float(other["latitude"]), float(other["longitude"]))
        if metres <= MATCH_DISTANCE_M:
            found.append((metres, other))
    return [other for _, other in sorted(found, key=lambda f: f[0])]


def _pair_row(place, other, how) -> dict:
    row = {"id": place.id, "nom": place.nom, "appariement": how}
    if other is None:
        return row
    row.update({
        "id data·inclusion": str(other["id"]),
        "source data·inclusion": other.get("source", ""),
        "nom data·inclusion": other.get("nom", ""),
        "pivot data·inclusion": str(other.get("pivot", "")),
        "adresse data·inclusion": " ".join(
            str(other.get("adresse", "")).split()),
        "code_postal data·inclusion": str(other.get("code_postal", "")),
        "code_insee data·inclusion": str(other.get("code_insee", "")),
    })
    lat, lon = other.get("latitude"), other.get("longitude")
    row["point data·inclusion"] = "" if lat is None else f"{lat}, {lon}"
    if lat is None or place.latitude is None or pd.isna(place.latitude):
        row["écart (m)"] = None
    else:
        row["écart (m)"] = round(1000 * _haversine_km(
            place.latitude, place.longitude, float(lat), float(lon)), 1)
    return row


def compare_with_data_inclusion(
    table: pd.DataFrame, pairs: pd.DataFrame
) -> pd.DataFrame:
    """What differs between each place and its data·inclusion record.

    One row per difference: name, street, postcode, INSEE code, or a point
    more than 30 m away (or missing on one side).
    """
    rows = []
    places = table.set_index("id")
    matched = pairs.dropna(subset=["id data·inclusion"])
    for values in matched.to_dict("records"):
        place = places.loc[values["id"]]
        for column in ("nom", "adresse", "code_postal", "code_insee"):
            ours = place[column]
            theirs = values[f"{column} data·inclusion"]
            if _key(ours) != _key(theirs):
                rows.append(_difference(values, column, ours, theirs))
        gap = values["écart (m)"]
        has_point = not pd.isna(place["latitude"])
        if gap is None or pd.isna(gap):
            if has_point:
                rows.append(_difference(values, "coordonnées",
                                        "présentes", "absentes"))
            else:
                rows.append(_difference(
                    values, "coordonnées", "retirées (hors d'Annecy)",
                    values["point data·inclusion"]))
        elif gap > MATCH_DISTANCE_M:
            rows.append(_difference(values, "coordonnées", "",
                                    f"à {gap:.0f} m"))
    return pd.DataFrame(
        rows, columns=["nom", "champ", "Hinaura nettoyé", "data·inclusion"]
    )


def _difference(values, column, ours, theirs) -> dict:
    return {"nom": values["nom"], "champ": column,
            "Hinaura nettoyé": ours, "data·inclusion": theirs}


def complete_pivots(result: CleaningResult, pairs: pd.DataFrame) -> None:
    """Fill the SIRET (``pivot``) from the matched data·inclusion record.

    The Hinaura export has no SIRET; data·inclusion has one for each of
    its records. Each value taken is logged with the record it came from.
    """
    by_id = pairs.set_index("id")
    numbers = {row["id"]: i for i, row in result.table.iterrows()}
    added = []
    for place_id, position in numbers.items():
        if place_id not in by_id.index:
            continue
        pivot = by_id.at[place_id, "pivot data·inclusion"] \
            if "pivot data·inclusion" in by_id.columns else None
        if not isinstance(pivot, str) or not pivot:
            continue
        result.table.at[position, "pivot"] = pivot
        added.append({
            "fiche": result.record_numbers.get(place_id),
            "nom": result.table.at[position, "nom"],
            "champ": "pivot", "avant": "", "après": pivot,
            "nature": "complément",
            "raison": "SIRET repris de data·inclusion (fiche "
                      f"{by_id.at[place_id, 'id data·inclusion']})",
        })
    if added:
        result.log = pd.concat([result.log, pd.DataFrame(added)],
                               ignore_index=True)


# -------------------------------------------------- the whole pipeline --

@dataclass
class InclusionBuild:
    """Everything the book shows about the inclusion places."""

    records: list[dict]
    result: CleaningResult
    others: list[dict]
    pairs: pd.DataFrame
    differences: pd.DataFrame
    schema_path: Path


def build() -> InclusionBuild:
    """Read both exports, clean Hinaura, cross-check, complete SIRETs."""
    records = read_hinaura()
    result = clean_hinaura(records)
    others = read_data_inclusion()
    pairs = match_data_inclusion(result.table, others)
    complete_pivots(result, pairs)
    differences = compare_with_data_inclusion(result.table, pairs)
    return InclusionBuild(
        records=records, result=result, others=others, pairs=pairs,
        differences=differences,
        schema_path=sources.acquire(SCHEMA_ID),
    )


PUBLISHED_STEM = "lieux-mediation-numerique-annecy"


def export_inclusion(out_dir: Path | None = None,
                     table: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write the cleaned data set as CSV (UTF-8), XLSX and GeoJSON.

    Returns the paths by format. XLSX and GeoJSON come from the shared
    writers of ``carnet.publish``. The CSV is the file that conforms to the
    national standard: its text is neutralised against spreadsheet
    formulas like every published file, except the ``telephone`` column,
    whose values the standard requires to start with "+33" and which the
    cleaning has already reduced to "+" and digits.
    """
    from carnet import publish

    out_dir = Path(out_dir) if out_dir else (
        sources.DATA_DIR / "published" / PUBLISHED_STEM
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    table = table if table is not None else build().result.table
    paths = {
        "csv": out_dir / f"{PUBLISHED_STEM}.csv",
        "xlsx": out_dir / f"{PUBLISHED_STEM}.xlsx",
        "geojson": out_dir / f"{PUBLISHED_STEM}.geojson",
    }

    phones = table["telephone"].fillna("")
    odd = sorted(set(phones[~phones.str.fullmatch(PHONE_PATTERN)]))
    if odd:
        raise InclusionError(
            "telephone: expected '+33' and digits or nothing before "
            f"writing the CSV, found {odd}"
        )
    safe = table.copy()
    for column in safe.columns:
        if column != "telephone" and not pd.api.types.is_numeric_dtype(
            safe[column]
        ):
            safe[column] = safe[column].map(publish.neutralise)
    safe.to_csv(paths["csv"], index=False, encoding="utf-8")

    publish.write_xlsx(table, paths["xlsx"], metadata=XLSX_METADATA)
    publish.write_geojson(table, paths["geojson"], "latitude", "longitude")
    log.info("Fichiers publiés : %s",
             ", ".join(p.name for p in paths.values()))
    return paths


PHONE_PATTERN = r"(?:\+33\d{6,9})?"
XLSX_METADATA = {
    "Titre": "Lieux d'inclusion numérique d'Annecy",
    "Schéma": "Standard de la médiation numérique 1.0.1 (La MedNum)",
    "Source": "Export Hinaura (hub pour un numérique inclusif, "
              "Auvergne-Rhône-Alpes), fiches d'Annecy",
    "Couverture": "Commune d'Annecy (INSEE 74010)",
    "Traitement": "Mis en qualité par le carnet de bord : chaque "
                  "changement est au journal du jour 3",
    "Données personnelles": "Noms de référents, courriels nominatifs et "
                            "numéros de mobile retirés",
}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def geojson(table: pd.DataFrame) -> dict:
    """The places with coordinates as a GeoJSON FeatureCollection."""
    features = []
    for record in table.to_dict("records"):
        if _missing(record["latitude"]) or _missing(record["longitude"]):
            continue
        properties = {k: ("" if _missing(v) else v)
                      for k, v in record.items()
                      if k not in ("latitude", "longitude")}
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [
                float(record["longitude"]), float(record["latitude"])]},
            "properties": properties,
        })
    return {"type": "FeatureCollection", "features": features}


def publics_matrix(result: CleaningResult) -> pd.DataFrame:
    """One row per place and Hinaura public it welcomes (for the chart)."""
    frame = result.publics.copy()
    frame["ordre"] = frame["public"].map(
        {p: i for i, p in enumerate(HINAURA_PUBLICS)})
    return frame.sort_values(["nom", "ordre"]).reset_index(drop=True)


PUBLIC_COLOURS = ("#a6cee3", "#1f78b4", "#b2df8a", "#33a02c", "#fb9a99")


def publics_figure(result: CleaningResult):
    """Stacked bar: the publics each place welcomes, one segment each."""
    import altair as alt

    from carnet.figures import Figure

    matrix = publics_matrix(result)
    counts = matrix.groupby("nom").size().rename("publics accueillis")
    order = counts.sort_values(ascending=False, kind="stable").index
    chart = alt.Chart(matrix).mark_bar().encode(
        y=alt.Y("nom:N", sort=list(order), title=None,
                axis=alt.Axis(labelLimit=260)),
        x=alt.X("count():Q", title="Nombre de publics accueillis",
                axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(
            "public:N", title="Public",
            scale=alt.Scale(domain=list(HINAURA_PUBLICS),
                            range=list(PUBLIC_COLOURS)),
            legend=alt.Legend(orient="bottom", columns=2, labelLimit=300),
        ),
        order=alt.Order("ordre:Q"),
        tooltip=[alt.Tooltip("nom:N", title="Lieu"),
                 alt.Tooltip("public:N", title="Public")],
    ).properties(width=360, height=alt.Step(14))

    table = (matrix.assign(oui="oui")
             .pivot_table(index="nom", columns="public", values="oui",
                          aggfunc="first", fill_value="")
             .reindex(columns=list(HINAURA_PUBLICS), fill_value="")
             .reindex(order).reset_index()
             .rename(columns={"nom": "Lieu"}))
    table.columns.name = None
    places = matrix["nom"].nunique()
    without = len(result.table) - places
    years = sorted({d[:4] for d in result.table["date_maj"] if d})
    period = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"
    none_text = (f"{without} n'en déclare aucun" if without == 1
                 else f"{without} n'en déclarent aucun")
    caption = (
        f"Publics accueillis par lieu, d'après les fiches Hinaura "
        f"({places} lieux qui déclarent au moins un public ; "
        f"{none_text}). Un segment par public déclaré ; source : export "
        f"Hinaura (fiches mises à jour en {period}), mis en qualité par "
        "le carnet."
    )
    alt_text = (
        f"Barres horizontales empilées, une par lieu ({places} lieux) : "
        "chaque barre compte de un à cinq segments, un par public accueilli "
        "parmi petite enfance, enfance, jeunesse, adultes et seniors."
    )
    return Figure(chart=chart, caption=caption, alt_text=alt_text,
                  table=table)


def map_table(result: CleaningResult) -> pd.DataFrame:
    """One row per place with the values its pop-up shows."""
    publics = (publics_matrix(result).groupby("id")["public"]
               .agg(", ".join))
    table = result.table.copy()
    table["adresse complète"] = [
        ", ".join(filter(None, [street, extra, f"{code} {town}"]))
        for street, extra, code, town in zip(
            table["adresse"], table["complement_adresse"],
            table["code_postal"], table["commune"])
    ]
    table["publics accueillis"] = table["id"].map(publics).fillna(
        "non précisé")
    table["services (standard)"] = table["services"].str.replace(
        "|", ", ", regex=False)
    return table


def places_map(result: CleaningResult):
    """The places with coordinates on a map; pop-ups are plain text."""
    from carnet.maps import point_map

    table = map_table(result)
    located = table.dropna(subset=["latitude", "longitude"])
    years = sorted({d[:4] for d in table["date_maj"] if d})
    period = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"
    missing = len(table) - len(located)
    caption = (
        f"Lieux d'inclusion numérique d'Annecy : {len(located)} lieux "
        f"placés sur {len(table)} ({missing} sans coordonnées utilisables). "
        f"Source : export Hinaura (fiches mises à jour en {period}), "
        "mis en qualité par le carnet"
    )
    alt_text = (
        f"Carte d'Annecy avec {len(located)} points, un par lieu "
        "d'inclusion numérique ; le tableau des données donne pour "
        "chacun son nom, son adresse, ses publics et ses services."
    )
    return point_map(
        located, "latitude", "longitude",
        {"Nom": "nom", "Adresse": "adresse complète",
         "Publics accueillis": "publics accueillis",
         "Services": "services (standard)"},
        caption=caption, alt_text=alt_text,
        link_field="site_web", link_label="Site web du lieu",
    )


def defect_counts(records: list[dict]) -> pd.DataFrame:
    """How many records show each known defect of the export."""
    def count(test) -> int:
        return sum(1 for record in records if test(record))

    def multi(record, pattern) -> bool:
        return any(re.search(pattern, _text(record.get(f)))
                   for f in MULTI_VALUE_FIELDS)

    rows = [
        ("code postal stocké comme un nombre",
         count(lambda r: isinstance(r.get("code_postal"), int))),
        ("code postal CEDEX",
         count(lambda r: _postcode_text(r.get("code_postal"))
               in CEDEX_POSTCODES)),
        ("téléphone stocké comme un nombre",
         count(lambda r: isinstance(r.get("telephone"), int))),
        ("guillemets cassés dans un champ à choix multiples",
         count(lambda r: multi(r, '"'))),
        ("balise HTML dans une valeur",
         count(lambda r: multi(r, "<[a-z]"))),
        ("entité HTML dans l'adresse web",
         count(lambda r: "&amp;" in _text(r.get("site_web")))),
        ("nom de référent (donnée personnelle)",
         count(lambda r: bool(_text(r.get("referent")).strip()))),
        ("champ « Etat » vide",
         count(lambda r: not _text(r.get("etat")).strip())),
        ("champ « Etat » à « Publié »",
         count(lambda r: _text(r.get("etat")).strip() == "Publié")),
        ("le contributeur accepte une licence ODbL",
         count(lambda r: "ODbL" in _text(r.get("licence")))),
        ("horaires en texte libre (au moins un jour rempli)",
         count(lambda r: any(_text(r.get(d)) for d, _ in DAYS))),
    ]
    return pd.DataFrame(rows, columns=["défaut", "fiches"])


# The 30 places of the original chart (annecy1_dataviz1.png), read off the
# image by hand, each with the name of the same place in the cleaned data
# (None: the place is not in the Hinaura export).
ORIGINAL_CHART_PLACES = {
    "Services seniors animation": "Service seniors animation",
    "Secours Populaire": "Secours populaire",
    "PMS Seynod": "PMS Seynod",
    "PMS Novel-Plaine": "PMS Novel-Plaine",
    "Médiathèque de Seynod": "Médiathèque de Seynod",
    "Médiathèque Novel": "Médiathèque Novel",
    "Médiathèque Louise Michel": "Médiathèque Louise Michel",
    "Médiathèque Les Romains": "Médiathèque Les Romains",
    "Médiathèque La Turbine": "Médiathèque La Turbine",
    "Médiathèque La Prairie": "Médiathèque La Prairie",
    "Médiathèque Bonlieu": "Médiathèque Bonlieu",
    "Mon assistant numérique Annecy": None,
    "Mission Locale Jeunes du Bassin Annécien":
        "Mission Locale Jeunes du Bassin Annécien",
    "Mairie d'Annecy-le-Vieux": "Mairie déléguée d'Annecy-le-Vieux",
    "Maison des familles du bassin annecien":
        "Maison des Familles du Bassin Annecien",
    "Le Service d'entraide ancilevien": None,
    "Le Ritz": "Le Ritz",
    "Le Mikado": "Le Mikado MJC Centre Social",
    "La Grenette": "La Grenette",
    "La Cozna": "La Cozna",
    "Lieu d'Ecoute, de Conseil et d'Orientation":
        "LECO (Lieu d'Ecoute, de Conseil et d'Orientation)",
    "Forum des Romains MJC centre social":
        "Forum des Romains-MJC Centre Social",
    "Espace Chez Nous": "Espace chez Nous",
    "Espace Emploi": "Espace Emploi",
    "ESAAA lab": "ESAAA lab",
    "Cyber Espace la Turbine": "Cyber espace La Turbine",
    "Cran Gevrier Animation": "Cran Gevrier Animation",
    "Bureau Information Jeunesse": "Info Jeunes Annecy (IJ'Annecy)",
    "Le Polyèdre": "Le Polyedre, Culture et Loisirs pour tous",
    "ALFA3A SASS74 Annecy": None,
}


def compare_with_original_chart(result: CleaningResult) -> dict:
    """Which places the original chart and the cleaned data share."""
    ours = list(result.table["nom"])
    unknown = [n for n in ORIGINAL_CHART_PLACES.values()
               if n is not None and n not in ours]
    if unknown:
        raise InclusionError(
            "ORIGINAL_CHART_PLACES names places missing from the cleaned "
            f"data: {', '.join(unknown)}"
        )
    shared = [n for n in ORIGINAL_CHART_PLACES.values() if n is not None]
    return {
        "on_original": len(ORIGINAL_CHART_PLACES),
        "shared": len(shared),
        "original_only": [k for k, v in ORIGINAL_CHART_PLACES.items()
                          if v is None],
        "ours_only": [n for n in ours if n not in shared],
    }


def published_summary(paths: dict[str, Path]) -> pd.DataFrame:
    """The published files: format, name, rows or points, size in kB."""
    rows = []
    for kind, path in paths.items():
        if kind == "geojson":
            features = json.loads(path.read_text(encoding="utf-8"))
            count = len(features["features"])
        elif kind == "xlsx":
            count = len(pd.read_excel(path, sheet_name=0))
        else:
            count = len(pd.read_csv(path, dtype=str))
        rows.append({"format": kind.upper(), "fichier": path.name,
                     "lignes ou points": count,
                     "taille (ko)": round(path.stat().st_size / 1000, 1)})
    return pd.DataFrame(rows)
