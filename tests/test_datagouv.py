"""The data.gouv.fr client, against a local stand-in of the API."""

import io

import pytest

from carnet import catalogue, datagouv
from tests.fake_datagouv import GOOD_KEY, FakeDataGouv


@pytest.fixture(scope="module", autouse=True)
def published():
    catalogue.build()


@pytest.fixture
def fake():
    with FakeDataGouv() as server:
        yield server


def run(fake, *args, key=GOOD_KEY, monkeypatch=None):
    if key is None:
        monkeypatch.delenv(datagouv.API_KEY_ENV, raising=False)
    else:
        monkeypatch.setenv(datagouv.API_KEY_ENV, key)
    out = io.StringIO()
    status = datagouv.main(["--api-url", fake.api_url, *args], out=out)
    return status, out.getvalue()


def n_files():
    return sum(
        len(catalogue.published_files(catalogue.PUBLISHED_DIR / d.id))
        for d in catalogue.DATASETS
    )


def test_dry_run_sends_nothing(fake, monkeypatch):
    status, text = run(fake, monkeypatch=monkeypatch)
    assert status == 0
    assert fake.requests == []
    assert "Essai à blanc" in text and '"license": "lov2"' in text
    for dataset in catalogue.DATASETS:
        assert f"== {dataset.id}" in text


def test_publishing_needs_the_key(fake, monkeypatch):
    status, text = run(fake, "--publier", key=None,
                       monkeypatch=monkeypatch)
    assert status == 2
    assert datagouv.API_KEY_ENV in text and "rien n'a été envoyé" in text
    assert fake.requests == []


def test_publication_creates_then_updates(fake, monkeypatch):
    status, text = run(fake, "--publier", monkeypatch=monkeypatch)
    assert status == 0, text
    assert len(fake.datasets) == len(catalogue.DATASETS)
    assert sum(len(d["resources"]) for d in fake.datasets.values()) \
        == n_files()
    assert text.count(" créé ") == len(catalogue.DATASETS)

    status, text = run(fake, "--publier", "--organisation", "org1",
                       monkeypatch=monkeypatch)
    assert status == 0, text
    assert len(fake.datasets) == len(catalogue.DATASETS)
    assert sum(len(d["resources"]) for d in fake.datasets.values()) \
        == n_files()
    assert text.count(" remplacé ") == n_files()


def test_a_refused_key_gives_the_clear_message(fake, monkeypatch):
    status, text = run(fake, "--publier", key="mauvaise",
                       monkeypatch=monkeypatch)
    assert status == 1
    assert "clé d'API refusée (401)" in text
    assert datagouv.API_KEY_ENV in text
    assert "Rien n'a été publié." in text
    assert fake.datasets == {}


def test_an_unknown_organisation_is_a_404(fake, monkeypatch):
    fake.datasets["x"] = {"id": "x", "title": "autre", "resources": []}
    monkeypatch.setattr(datagouv.Client, "owned_datasets",
                        lambda self, org: [{"id": "absent",
                                            "title": _first_title()}])
    status, text = run(fake, "--publier", monkeypatch=monkeypatch)
    assert status == 1
    assert "introuvable (404)" in text


def _first_title():
    return catalogue.load_metadata(catalogue.DATASETS[0].id)["title"]


def test_a_file_too_large_is_named(fake, monkeypatch):
    fake.upload_status = 413
    status, text = run(fake, "--publier", monkeypatch=monkeypatch)
    assert status == 1
    assert "fichier trop gros pour le serveur (413)" in text
    first = catalogue.DATASETS[0].id
    assert f"{first}." in text
    assert "PUBLICATION INCOMPLÈTE" in text
    assert "créé" in text and "Étapes non faites" in text


def test_a_server_error_midway_lists_done_and_pending(fake, monkeypatch):
    fake.fail_after_uploads = 1
    status, text = run(fake, "--publier", monkeypatch=monkeypatch)
    assert status == 1
    assert "erreur du serveur (503)" in text
    done, pending = text.split("Étapes non faites :")
    assert done.count(" ajouté ") == 1
    assert pending.count("déposer") == n_files() - 1


def test_a_timeout_is_reported(fake, monkeypatch):
    fake.delay_s = 1.5
    status, text = run(fake, "--publier", "--delai", "0.3",
                       monkeypatch=monkeypatch)
    assert status == 1
    assert "délai dépassé" in text and "Rien n'a été publié." in text


def test_targets_default_to_the_demo_server():
    assert datagouv.DEFAULT_TARGET == "demo"
    assert datagouv.TARGETS["production"].startswith(
        "https://www.data.gouv.fr/"
    )


def test_an_unknown_frequency_is_named():
    sheet = catalogue.load_metadata(catalogue.DATASETS[0].id)
    with pytest.raises(datagouv.PublicationError, match="frequency"):
        datagouv.frequency_code(sheet | {"frequency": "parfois"})
