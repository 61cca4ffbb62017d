"""No personal value of the inclusion sources reaches any output, and
values from the data are shown as text, never read as HTML."""

import copy
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from carnet import inclusion, sources
from carnet.tables import show

ROOT = Path(__file__).resolve().parent.parent
REFERENT_KEY = inclusion.HINAURA_KEYS["referent"]
EMAIL_KEY = inclusion.HINAURA_KEYS["courriel"]

# Nominative e-mails of staff present in the two exports, listed by hand
# after reading them; the test checks that each is really in a source.
NOMINATIVE_EMAILS = (
    "sophie.krzywanski@famillesrurales.org",
    "e.alioua@fol74.org",
    "clement.maurin@apf.asso.fr",
    "pierre-yves.prigent@alfa3a.org",
    "starouhit@apides.fr",
)
INCLUSION_PAGES = ("jour3/inclusion", "jour5/inclusion")


def _raw(source_id):
    return json.loads(sources.acquire(source_id).read_text("utf-8"))


@pytest.fixture(scope="module")
def personal():
    """Every personal value of the sources: names, e-mails, mobiles."""
    hinaura, others = _raw("hinaura"), _raw("data_inclusion")
    names = sorted({r[REFERENT_KEY].strip() for r in hinaura
                    if r[REFERENT_KEY].strip()})
    raw_text = json.dumps([hinaura, others], ensure_ascii=False).lower()
    for email in NOMINATIVE_EMAILS:
        assert email in raw_text, f"{email} is not in the sources"
    phones = set()
    for record in hinaura + others:
        for key in ("Téléphone", "telephone"):
            digits = re.sub(r"\D", "", str(record.get(key, "")))
            if digits.startswith("33"):
                digits = "0" + digits[2:]
            if re.fullmatch(r"0[67]\d{8}", digits):
                phones.add(digits)
    assert len(names) >= 10 and len(phones) >= 5
    return {"names": names, "emails": NOMINATIVE_EMAILS,
            "phones": sorted(phones)}


def _name_words(names):
    words = set()
    for name in names:
        words.update(w for w in re.split(r"[\s/\-]+", name) if len(w) >= 4)
    return sorted(words)


def _phone_pattern(digits):
    national = r"[\s.\-]?".join(
        [digits[0:2]] + [digits[i:i + 2] for i in range(2, 10, 2)])
    international = r"\+33\s?(?:\(0\))?\s?" + r"[\s.\-]?".join(
        [digits[1]] + [digits[i:i + 2] for i in range(2, 10, 2)])
    return re.compile(rf"(?<!\d)(?:{national}|{international})(?!\d)")


def assert_no_personal_value(text, personal, where, words=True):
    lowered = text.lower()
    for name in personal["names"]:
        assert name.lower() not in lowered, f"{where}: a referent's name"
    if words:
        for word in _name_words(personal["names"]):
            pattern = rf"(?<![\w@.]){re.escape(word.lower())}(?![\w])"
            assert not re.search(pattern, lowered), (
                f"{where}: a word of a referent's name ({word[:2]}…)")
    for email in personal["emails"]:
        assert email not in lowered, f"{where}: a nominative e-mail"
    for digits in personal["phones"]:
        assert not _phone_pattern(digits).search(text), (
            f"{where}: a mobile number")


@pytest.fixture(scope="module")
def built():
    return inclusion.build()


def file_text(path):
    """The text of a published file; for XLSX, the XML of its parts."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "".join(book.read(n).decode("utf-8")
                           for n in book.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8")


def test_the_cleaned_table_and_log_hold_no_personal_value(built, personal):
    result = built.result
    for name, frame in (("table", result.table), ("log", result.log),
                        ("set aside", result.set_aside),
                        ("differences", built.differences),
                        ("pairs", built.pairs)):
        text = frame.to_csv(index=False)
        assert_no_personal_value(text, personal, name)


def test_the_published_files_hold_no_personal_value(
        built, personal, tmp_path):
    paths = inclusion.export_inclusion(tmp_path, built.result.table)
    for path in paths.values():
        assert_no_personal_value(file_text(path), personal, path.name)


def test_files_published_by_the_build_hold_no_personal_value(personal):
    published = sorted(
        (ROOT / "data" / "published" / inclusion.PUBLISHED_STEM).glob(
            f"{inclusion.PUBLISHED_STEM}.*")
    )
    if not published:
        pytest.skip("the book has not been built here")
    for path in published:
        assert_no_personal_value(file_text(path), personal, path.name)


def test_the_built_pages_hold_no_personal_value(personal):
    pages = sorted((ROOT / "_build" / "html").rglob("*.html"))
    if not pages:
        pytest.skip("the book has not been built here")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        inclusion_page = any(p in page.as_posix() for p in INCLUSION_PAGES)
        assert_no_personal_value(text, personal, str(page),
                                 words=inclusion_page)


# -- escaping --

HOSTILE_NAMES = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def hostile_outputs():
    records = inclusion.read_hinaura()
    hostile = []
    for number, name in enumerate(HOSTILE_NAMES):
        record = copy.deepcopy(records[number])
        record["nom"] = name
        hostile.append(record)
    result = inclusion.clean_hinaura(hostile + records[2:])
    assert set(HOSTILE_NAMES) <= set(result.table["nom"])
    return {
        "map": inclusion.places_map(result)._repr_html_(),
        "chart": inclusion.publics_figure(result)._repr_html_(),
        "table": show(result.table[["nom", "adresse"]]).data,
    }


@pytest.mark.parametrize("output", ["map", "chart", "table"])
def test_hostile_names_are_never_markup(hostile_outputs, output):
    html_text = hostile_outputs[output]
    assert "<script>alert" not in html_text
    assert "<img src=x" not in html_text
    parser = _Elements()
    parser.feed(html_text)
    for tag, attrs in parser.tags:
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("type") == "application/json", attrs


def test_hostile_names_show_as_text_in_the_map(hostile_outputs):
    html_text = hostile_outputs["map"]
    points = re.search(
        r'<script type="application/json" class="carnet-map-points">'
        r"(.*?)</script>", html_text, flags=re.S).group(1)
    names = {f["properties"]["popup"]["Nom"]
             for f in json.loads(points)["features"]}
    assert set(HOSTILE_NAMES) <= names
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text


def test_hostile_names_show_as_text_in_the_chart_table(hostile_outputs):
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_outputs["chart"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_outputs["table"]
