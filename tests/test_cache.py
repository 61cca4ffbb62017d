"""The execution cache is cleared when the code or the data change."""

from carnet import cache


def test_cache_cleared_only_when_inputs_change(tmp_path, monkeypatch):
    (tmp_path / "carnet").mkdir()
    module = tmp_path / "carnet" / "x.py"
    module.write_text("A = 1\n")
    saved = (tmp_path / "_build" / ".jupyter_cache",
             tmp_path / "_build" / ".doctrees")
    monkeypatch.setattr(cache, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(cache, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(cache, "SAVED_STATE", saved)
    monkeypatch.setattr(cache, "STAMP", tmp_path / "_build" / "stamp")

    cache.refresh()
    for path in saved:
        path.mkdir(parents=True)
    assert cache.refresh() is False
    assert all(path.exists() for path in saved)

    module.write_text("A = 2\n")
    assert cache.refresh() is True
    assert not any(path.exists() for path in saved)
