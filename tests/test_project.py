"""Project conventions: one dependency list, clean notebooks, pins."""

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_environment_installs_the_one_requirements_list():
    environment = yaml.safe_load(
        (ROOT / "environment.yml").read_text(encoding="utf-8")
    )
    pip_section = next(
        d["pip"] for d in environment["dependencies"] if isinstance(d, dict)
    )
    assert "-r requirements.txt" in pip_section
    conda_packages = [
        d for d in environment["dependencies"] if isinstance(d, str)
    ]
    assert all(p.split("=")[0] in ("python", "pip") for p in conda_packages)


def test_jupyter_book_is_pinned_to_version_1():
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "jupyter-book>=1.0.4.post1,<2" in requirements


def test_notebooks_are_stored_without_outputs():
    notebooks = [
        p for p in ROOT.rglob("*.ipynb")
        if not {"_build", ".venv", ".ipynb_checkpoints"} & set(p.parts)
    ]
    assert notebooks
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], f"{path}: outputs"
                assert cell.get("execution_count") is None, f"{path}: count"


def test_notebooks_are_valid_nbformat():
    import nbformat

    for path in ROOT.rglob("*.ipynb"):
        if {"_build", ".venv", ".ipynb_checkpoints"} & set(path.parts):
            continue
        stored = json.loads(path.read_text(encoding="utf-8"))
        assert all("id" in cell for cell in stored["cells"]), path
        nbformat.validate(nbformat.from_dict(stored))


def test_every_toc_entry_exists():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    walk(toc.get("parts", []))
    for name in files:
        candidates = [ROOT / f"{name}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.exists() for c in candidates), name
