"""Source registry and acquisition: mirror, download, checksum errors."""

import hashlib
import http.server
import threading
from functools import partial

import pytest

from carnet import sources

CONTENT = b"Code;Inscrits\n74010;81502\n"
SHA = hashlib.sha256(CONTENT).hexdigest()


def registry_with(download_url=None, sha256=SHA):
    return {
        "demo": sources.Source(
            id="demo", title="t", producer="p", page="https://example.org",
            official_url="https://example.org/x.csv",
            download_url=download_url, licence="Licence Ouverte 2.0",
            role="data", file="elections/demo.csv", sha256=sha256,
        )
    }


@pytest.fixture()
def mirror(tmp_path):
    folder = tmp_path / "mirror"
    (folder / "elections").mkdir(parents=True)
    (folder / "elections" / "demo.csv").write_bytes(CONTENT)
    return folder


@pytest.fixture()
def http_server(tmp_path):
    """A local HTTP server serving tmp_path/www on 127.0.0.1."""
    root = tmp_path / "www"
    root.mkdir()
    handler = partial(
        http.server.SimpleHTTPRequestHandler, directory=str(root)
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_registry_lists_every_mirror_file_with_its_checksum():
    registry = sources.load_registry()
    mirror = sources.mirror_dir()
    if mirror is None:
        pytest.skip("no mirror directory on this machine")
    for source in registry.values():
        path = mirror / source.file
        assert path.is_file(), f"{source.id}: {path} missing"
        assert sources.sha256_of(path) == source.sha256, source.id


def test_registry_rejects_an_entry_without_a_field(tmp_path):
    path = tmp_path / "sources.yml"
    path.write_text("- id: x\n  title: t\n", encoding="utf-8")
    with pytest.raises(sources.SourceError, match="x.*lacks.*producer"):
        sources.load_registry(path)


def test_acquire_copies_from_the_mirror_and_verifies(tmp_path, mirror):
    raw = tmp_path / "raw"
    path = sources.acquire(
        "demo", raw_dir=raw, mirror=mirror, registry=registry_with()
    )
    assert path.read_bytes() == CONTENT


def test_a_checksum_mismatch_names_the_source_and_both_sums(tmp_path, mirror):
    wrong = "0" * 64
    with pytest.raises(sources.SourceError) as error:
        sources.acquire(
            "demo", raw_dir=tmp_path / "raw", mirror=mirror,
            registry=registry_with(sha256=wrong),
        )
    message = str(error.value)
    assert "'demo'" in message and wrong in message and SHA in message
    assert not (tmp_path / "raw" / "elections" / "demo.csv").exists()


def test_a_file_missing_from_the_mirror_is_an_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(sources.SourceError, match="missing from the mirror"):
        sources.acquire(
            "demo", raw_dir=tmp_path / "raw", mirror=empty,
            registry=registry_with(),
        )


def test_download_from_a_local_server(tmp_path, http_server, monkeypatch):
    root, url = http_server
    (root / "demo.csv").write_bytes(CONTENT)
    monkeypatch.setattr(sources, "mirror_dir", lambda: None)
    path = sources.acquire(
        "demo", raw_dir=tmp_path / "raw",
        registry=registry_with(download_url=f"{url}/demo.csv"),
    )
    assert path.read_bytes() == CONTENT


def test_a_downloaded_file_with_other_bytes_is_rejected(
    tmp_path, http_server, monkeypatch
):
    root, url = http_server
    (root / "demo.csv").write_bytes(CONTENT + b"74011;1\n")
    monkeypatch.setattr(sources, "mirror_dir", lambda: None)
    with pytest.raises(sources.SourceError, match="sha256 mismatch"):
        sources.acquire(
            "demo", raw_dir=tmp_path / "raw",
            registry=registry_with(download_url=f"{url}/demo.csv"),
        )


def test_a_failed_download_names_the_address(
    tmp_path, http_server, monkeypatch
):
    _, url = http_server
    monkeypatch.setattr(sources, "mirror_dir", lambda: None)
    with pytest.raises(sources.SourceError, match="download from .*absent"):
        sources.acquire(
            "demo", raw_dir=tmp_path / "raw",
            registry=registry_with(download_url=f"{url}/absent.csv"),
        )


def test_an_extract_without_mirror_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "mirror_dir", lambda: None)
    with pytest.raises(sources.SourceError, match="CARNET_MIRROR"):
        sources.acquire(
            "demo", raw_dir=tmp_path / "raw", registry=registry_with()
        )


def test_the_mirror_can_be_set_by_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(sources.MIRROR_ENV, str(tmp_path))
    assert sources.mirror_dir() == tmp_path


def test_a_mirror_that_does_not_exist_is_named(tmp_path):
    absent = tmp_path / "nowhere"
    with pytest.raises(sources.SourceError, match="nowhere does not exist"):
        sources.acquire(
            "demo", raw_dir=tmp_path / "raw", mirror=absent,
            registry=registry_with(),
        )
