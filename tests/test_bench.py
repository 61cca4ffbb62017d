"""The benchmark's copy, edits, sizes and verdicts (no timing asserted)."""

import subprocess

import nbformat
import pytest

from carnet import PROJECT_ROOT, bench


def _report(clean=30.0, code_edit=10.0, peak=400.0):
    figures = {"median": 1.0, "runs": [1.0]}
    return {
        "date": "2026-12-04T16:05:00+00:00",
        "commit": "abc1234",
        "runs": 1,
        "load_before": 0.5,
        "load_after": 1.5,
        "machine": {"cpu": "CPU", "cores": 2, "memory_gb": 8.0,
                    "system": "Linux", "python": "3.11.7"},
        "book": {
            "clean_build": {"median": clean, "runs": [clean],
                            "preparation": 5.0},
            "no_change": figures,
            "prose_edit": figures,
            "code_edit": {"median": code_edit, "runs": [code_edit],
                          "preparation": 5.0},
            "tests": figures,
            "edited_notebook": "chapters/a.ipynb",
            "execution_seconds": {"chapters/a.ipynb": 6.0,
                                  "chapters/b.ipynb": 3.0},
            "site": {"files": 3, "pages": 2, "total_mb": 2.0,
                     "largest_page": "a.html", "largest_page_mb": 0.5,
                     "largest_file": "x.js", "largest_file_mb": 1.0},
        },
        "elections": {
            "pres2017_t1": {"file": "f.csv", "file_mb": 16.6,
                            "encoding": "utf-8", "communes": 35719,
                            "results": 392909, "seconds": 1.5,
                            "seconds_runs": [1.5], "peak_mb": peak,
                            "baseline_mb": 70.0},
        },
    }


def test_verdicts_compare_each_figure_with_its_limit():
    verdicts = bench.verdicts(_report(clean=75.0, peak=1200.0))

    assert not verdicts["clean_build"]["met"]
    assert verdicts["clean_build"]["measured"] == 75.0
    assert not verdicts["parse_memory"]["met"]
    assert verdicts["code_edit"]["met"] and verdicts["site_size"]["met"]
    assert set(verdicts) == set(bench.TARGETS)


def test_gaps_text_gives_the_gap_and_the_remedy():
    report = _report(code_edit=18.0)
    report["targets"] = bench.verdicts(report)

    text = bench.gaps_text(report)
    assert "retouche de code" in text
    assert "3,00\u00a0s" in text and "(20\u00a0%)" in text
    assert bench.REMEDIES["code_edit"] in text


def test_gaps_text_when_all_targets_are_met():
    report = _report()
    report["targets"] = bench.verdicts(report)

    text = bench.gaps_text(report)
    assert "`chapters/a.ipynb`" in text
    assert "Toutes les cibles sont tenues" in text


def test_tables_for_the_book():
    report = _report()
    report["targets"] = bench.verdicts(report)

    targets = bench.targets_table(report)
    executions = bench.executions_table(report)
    parse = bench.elections_table(report)

    assert len(targets) == len(bench.TARGETS) + 1
    assert targets.loc[0, "dont préparation"] == "5,00\u00a0s"
    assert list(executions["Notebook"]) == ["chapters/a.ipynb",
                                            "chapters/b.ipynb"]
    assert executions.iloc[0, 2] == pytest.approx(20.0)
    assert parse.loc[0, "Communes"] == 35719
    assert "4 décembre 2026 à 16 h 05" in bench.when_and_where(report)


def test_site_size_finds_the_heaviest_page(tmp_path):
    (tmp_path / "a.html").write_bytes(b"x" * 3000)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_bytes(b"x" * 5000)
    (tmp_path / "sub" / "c.js").write_bytes(b"x" * 9000)

    site = bench.site_size(tmp_path)
    assert site["files"] == 3 and site["pages"] == 2
    assert site["total_mb"] == pytest.approx(0.017)
    assert site["largest_page"] == "sub/b.html"
    assert site["largest_file"] == "sub/c.js"


def test_edits_change_one_notebook_as_announced(tmp_path):
    path = tmp_path / "page.ipynb"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Titre"),
        nbformat.v4.new_code_cell("x = 1"),
    ])
    nbformat.write(nb, path)

    bench.add_markdown_cell(path, "Retouche.")
    bench.change_first_code_cell(path, "retouche")

    edited = nbformat.read(path, as_version=4)
    assert [c.cell_type for c in edited.cells] == [
        "markdown", "code", "markdown"]
    assert edited.cells[1].source == "x = 1\n# retouche"
    assert edited.cells[2].source == "Retouche."


def test_copy_takes_what_git_keeps_and_the_acquired_inputs(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".gitignore").write_text("data/raw/\nassets/vendor/\n*.log\n")
    (root / "kept.py").write_text("tracked")
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    (root / "new.md").write_text("not yet committed")
    (root / "noise.log").write_text("ignored")
    for generated in bench.GENERATED_INPUTS:
        (root / generated).mkdir(parents=True)
        (root / generated / "file").write_text("acquired")

    copy = bench.copy_project(root, tmp_path / "copy")

    assert (copy / "kept.py").read_text() == "tracked"
    assert (copy / "new.md").exists()
    assert not (copy / "noise.log").exists()
    for generated in bench.GENERATED_INPUTS:
        assert (copy / generated / "file").read_text() == "acquired"


def test_copy_needs_the_acquired_inputs(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)

    with pytest.raises(bench.BenchError, match="make sources"):
        bench.copy_project(tmp_path, tmp_path / "copy")


def test_the_committed_report_feeds_the_status_page():
    report = bench.load_report()

    assert set(report["targets"]) == set(bench.TARGETS)
    assert set(report["elections"]) == set(bench.national.LAYOUTS)
    assert report["runs"] >= 1
    assert bench.targets_table(report)["Verdict"].str.len().iloc[0] > 0


def test_execution_times_come_from_the_build_cache():
    times = bench.execution_times(PROJECT_ROOT)

    assert "chapters/bench.ipynb" in times
    assert all(seconds > 0 for seconds in times.values())


def _recipe(makefile: str, target: str) -> list[str]:
    lines = makefile.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_the_bench_builds_as_make_book_does():
    makefile = (PROJECT_ROOT / "Makefile").read_text()

    prepare = _recipe(makefile, "sources") + _recipe(makefile, "published")
    assert prepare == [
        f"$(BIN)/python -m {module}" for module in bench.PREPARE_MODULES
    ]
    assert "book: published" in makefile
    assert "published: sources" in makefile
    assert _recipe(makefile, "book") == [
        "$(BIN)/jupyter-book " + " ".join(bench.BUILD_ARGUMENTS)
    ]


def test_a_failed_test_run_is_reported_not_hidden():
    report = _report()
    report["targets"] = bench.verdicts(report)
    report["book"]["tests"] = {"median": 1.0, "runs": [1.0],
                               "failures": ["FAILED tests/x.py::y"]}

    table = bench.targets_table(report)
    assert table.iloc[-1]["Verdict"] == "en échec dans 1 essai(s)"
    assert "FAILED tests/x.py::y" in bench.summary(report)
