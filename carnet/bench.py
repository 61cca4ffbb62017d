"""Benchmark: how long the book takes to build and test, and what it weighs.

``make bench`` (``python -m carnet.bench``) measures, with medians over
several runs:

* the clean build of the whole book (no site, no execution cache);
* the rebuild after editing one chapter: once after adding a markdown cell
  (prose edit: the page is rendered again, nothing is executed) and once
  after changing a code cell (code edit: that notebook is executed again);
* the rebuild with no change;
* the test suite;
* the size of the built site and of its largest page;
* the parsing and checking of an election file of national size in each
  official layout (see ``carnet.national``), with its peak memory.

Everything runs on a copy of the project in a temporary directory, so the
working tree is never touched; only the report file is written, by
default ``data/bench.json``, which the status page of the book shows.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from carnet import PROJECT_ROOT, national

log = logging.getLogger(__name__)

REPORT_FILE = PROJECT_ROOT / "data" / "bench.json"
GENERATED_INPUTS = ("data/raw", "_static/vendor")
BUILD_OUTPUTS = ("_build", "data/clean", "data/published")
MB = 1_000_000

# name: (what is measured, limit, unit); a figure at or under it meets it.
TARGETS = {
    "clean_build": ("Construction complète", 60, "s"),
    "prose_edit": ("Reconstruction après une retouche de texte", 15, "s"),
    "code_edit": ("Reconstruction après une retouche de code", 15, "s"),
    "no_change": ("Reconstruction sans changement", 8, "s"),
    "site_size": ("Taille du site", 25, "Mo"),
    "largest_page": ("Page la plus lourde", 3, "Mo"),
    "parse_seconds": ("Lecture et contrôle d'un fichier national", 3, "s"),
    "parse_memory": ("Mémoire de pointe de la lecture", 1000, "Mo"),
}


class BenchError(RuntimeError):
    """A step of the benchmark failed, so its figures would mean nothing."""


def project_files(root: Path) -> list[Path]:
    """The files of the working tree that git does not ignore."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard",
         "-z"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    return [Path(name) for name in listing.split("\0") if name]


def copy_project(root: Path, target: Path) -> Path:
    """Copy the working tree and its acquired inputs into ``target``."""
    for relative in project_files(root):
        source = root / relative
        if source.is_file():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    for relative in GENERATED_INPUTS:
        source = root / relative
        if not source.is_dir():
            raise BenchError(
                f"{source} is missing: run `make sources` before the bench"
            )
        shutil.copytree(source, target / relative, dirs_exist_ok=True)
    return target


class Workspace:
    """The copy of the project, and the commands run in it."""

    def __init__(self, root: Path):
        self.root = root
        self.bin = Path(sys.executable).parent
        self.env = dict(os.environ, PYTHONPATH=str(root))
        found = self.run(
            [sys.executable, "-c", "import carnet; print(carnet.__file__)"]
        ).stdout.strip()
        if not Path(found).is_relative_to(root):
            raise BenchError(
                f"the copy imports the package from {found}, not from "
                f"{root}: the figures would not be those of the copy"
            )

    def run(self, command: list[str], check: bool = True):
        done = subprocess.run(
            command, cwd=self.root, env=self.env,
            capture_output=True, text=True,
        )
        if check and done.returncode:
            tail = (done.stdout + done.stderr)[-3000:]
            raise BenchError(
                f"`{' '.join(map(str, command))}` failed in {self.root} "
                f"(exit {done.returncode}):\n{tail}"
            )
        return done

    def timed(self, command: list[str]) -> float:
        start = time.perf_counter()
        self.run(command)
        return time.perf_counter() - start

    def build(self) -> float:
        return self.timed([
            str(self.bin / "jupyter-book"), "build", ".",
            "--warningiserror", "--keep-going",
        ])

    def clean(self) -> None:
        for relative in BUILD_OUTPUTS:
            shutil.rmtree(self.root / relative, ignore_errors=True)

    def test(self) -> float:
        return self.timed([
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        ])


def execution_times(root: Path) -> dict[str, float]:
    """Seconds each notebook took to execute, from the execution cache."""
    from jupyter_cache import get_cache

    cache = get_cache(root / "_build" / ".jupyter_cache")
    latest = {}
    for record in cache.list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        uri = Path(record.uri)
        if seconds is None or not uri.is_relative_to(root):
            continue
        name = uri.relative_to(root).as_posix()
        if name not in latest or record.created > latest[name][0]:
            latest[name] = (record.created, seconds)
    return {name: seconds for name, (_, seconds) in sorted(latest.items())}


def add_markdown_cell(notebook: Path, text: str) -> None:
    """Prose edit: append a markdown cell (no code changes)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(nb, notebook)


def change_first_code_cell(notebook: Path, text: str) -> None:
    """Code edit: append a comment to the first code cell."""
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.source = cell.source.rstrip("\n") + f"\n# {text}"
    nbformat.write(nb, notebook)


def site_size(html: Path) -> dict:
    """Total weight of the site, its largest page and its largest file."""
    files = [p for p in html.rglob("*") if p.is_file()]
    if not files:
        raise BenchError(f"{html} holds no file: was the book built?")
    pages = [p for p in files if p.suffix == ".html"]
    page = max(pages, key=lambda p: p.stat().st_size)
    biggest = max(files, key=lambda p: p.stat().st_size)
    return {
        "files": len(files),
        "pages": len(pages),
        "total_mb": sum(p.stat().st_size for p in files) / MB,
        "largest_page": page.relative_to(html).as_posix(),
        "largest_page_mb": page.stat().st_size / MB,
        "largest_file": biggest.relative_to(html).as_posix(),
        "largest_file_mb": biggest.stat().st_size / MB,
    }


def measure_parse(layout_id: str, path: Path) -> dict:
    """Parse and check one file in this process; time and peak memory."""
    from carnet import elections

    spec = national.LAYOUTS[layout_id].spec
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    totals, results = elections.parse_round(path, spec)
    elections.check_round(totals, results, path.name)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "peak_mb": peak * 1024 / MB,
        "baseline_mb": before * 1024 / MB,
        "communes": len(totals),
        "results": len(results),
    }


def bench_elections(workspace: Workspace, runs: int) -> dict:
    """Each national file parsed and checked in a fresh process."""
    directory = workspace.root / "_bench" / "national"
    paths = national.write_all(directory)
    figures = {}
    for layout_id, path in paths.items():
        samples = [
            json.loads(workspace.run([
                sys.executable, "-m", "carnet.bench",
                "--measure-parse", layout_id, str(path),
            ]).stdout)
            for _ in range(runs)
        ]
        figures[layout_id] = {
            "file": path.name,
            "file_mb": path.stat().st_size / MB,
            "encoding": national.LAYOUTS[layout_id].encoding,
            "communes": samples[0]["communes"],
            "results": samples[0]["results"],
            "seconds": statistics.median(s["seconds"] for s in samples),
            "seconds_runs": [s["seconds"] for s in samples],
            "peak_mb": max(s["peak_mb"] for s in samples),
            "baseline_mb": samples[0]["baseline_mb"],
        }
        log.info(
            "%s : %d communes, %.2f s, %.0f Mo au plus", path.name,
            figures[layout_id]["communes"], figures[layout_id]["seconds"],
            figures[layout_id]["peak_mb"],
        )
    return figures


def bench_book(workspace: Workspace, runs: int, chapter: str | None):
    """Build, rebuild and test the copy ``runs`` times."""
    samples = {name: [] for name in
               ("clean_build", "no_change", "prose_edit", "code_edit",
                "tests")}
    executions = []
    originals = {}
    for run in range(1, runs + 1):
        for notebook, content in originals.items():
            notebook.write_bytes(content)
        workspace.clean()
        samples["clean_build"].append(workspace.build())
        executions.append(execution_times(workspace.root))
        log.info("Essai %d : construction complète en %.1f s", run,
                 samples["clean_build"][-1])

        samples["no_change"].append(workspace.build())

        edited = chapter or max(executions[-1], key=executions[-1].get)
        notebook = workspace.root / edited
        originals.setdefault(notebook, notebook.read_bytes())
        add_markdown_cell(notebook, f"Retouche de mesure n° {run}.")
        samples["prose_edit"].append(workspace.build())
        change_first_code_cell(notebook, f"retouche de mesure n° {run}")
        samples["code_edit"].append(workspace.build())

        samples["tests"].append(workspace.test())
        log.info(
            "Essai %d : sans changement %.1f s, retouche de texte %.1f s, "
            "retouche de code %.1f s, tests %.1f s", run,
            samples["no_change"][-1], samples["prose_edit"][-1],
            samples["code_edit"][-1], samples["tests"][-1],
        )

    figures = {
        name: {"median": statistics.median(values), "runs": values}
        for name, values in samples.items()
    }
    figures["edited_notebook"] = edited
    figures["execution_seconds"] = {
        name: statistics.median(run[name] for run in executions)
        for name in executions[-1]
    }
    figures["site"] = site_size(workspace.root / "_build" / "html")
    return figures


def machine() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 1e9, 1),
        "system": platform.platform(terse=True),
        "python": platform.python_version(),
    }


def commit_of(root: Path) -> str:
    """The commit measured, marked '+' when the tree had local changes."""
    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True,
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "inconnu"
    return commit + ("+" if git("status", "--porcelain") else "")


def verdicts(report: dict) -> dict:
    """Each target with the measured figure and whether it is met."""
    book, parse = report["book"], report["elections"]
    slowest = max(parse.values(), key=lambda f: f["seconds"])
    heaviest = max(parse.values(), key=lambda f: f["peak_mb"])
    measured = {
        "clean_build": book["clean_build"]["median"],
        "prose_edit": book["prose_edit"]["median"],
        "code_edit": book["code_edit"]["median"],
        "no_change": book["no_change"]["median"],
        "site_size": book["site"]["total_mb"],
        "largest_page": book["site"]["largest_page_mb"],
        "parse_seconds": slowest["seconds"],
        "parse_memory": heaviest["peak_mb"],
    }
    return {
        name: {
            "label": label, "limit": limit, "unit": unit,
            "measured": measured[name], "met": measured[name] <= limit,
        }
        for name, (label, limit, unit) in TARGETS.items()
    }


def run_bench(runs: int, chapter: str | None, keep: bool) -> dict:
    """The whole benchmark, on a temporary copy of the project."""
    scratch = Path(tempfile.mkdtemp(prefix="carnet-bench-"))
    try:
        copy = copy_project(PROJECT_ROOT, scratch / "carnet")
        workspace = Workspace(copy)
        log.info("Copie du projet dans %s", copy)
        report = {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "commit": commit_of(PROJECT_ROOT),
            "machine": machine(),
            "runs": runs,
            "elections": bench_elections(workspace, runs),
            "book": bench_book(workspace, runs, chapter),
        }
    finally:
        if keep:
            log.info("Copie gardée : %s", scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    report["targets"] = verdicts(report)
    return report


def summary(report: dict) -> str:
    """The report as lines of text, for the terminal."""
    lines = [
        f"Mesures du {report['date']} sur {report['machine']['cpu']} "
        f"({report['machine']['cores']} cœurs), commit {report['commit']}, "
        f"médianes sur {report['runs']} essai(s)",
    ]
    for target in report["targets"].values():
        lines.append(
            f"  {target['label']:<45} {target['measured']:>8.2f} "
            f"{target['unit']:<2}  (cible {target['limit']} "
            f"{target['unit']} : {'tenue' if target['met'] else 'MANQUÉE'})"
        )
    lines.append(
        f"  {'Suite de tests':<45} "
        f"{report['book']['tests']['median']:>8.2f} s"
    )
    site = report["book"]["site"]
    lines.append(
        f"  Page la plus lourde : {site['largest_page']}; fichier le plus "
        f"lourd : {site['largest_file']} ({site['largest_file_mb']:.2f} Mo)"
    )
    for layout_id, figures in report["elections"].items():
        lines.append(
            f"  {layout_id:<12} {figures['communes']:>6} communes "
            f"{figures['results']:>7} résultats {figures['seconds']:>6.2f} s "
            f"{figures['peak_mb']:>6.0f} Mo"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m carnet.bench",
        description="Time the build, the tests and the national-size "
        "election files on a temporary copy of the project.",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=REPORT_FILE)
    parser.add_argument(
        "--chapter", default=None,
        help="notebook to edit, relative to the project (default: the "
        "one that takes longest to execute)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary copy",
    )
    parser.add_argument(
        "--measure-parse", nargs=2, metavar=("LAYOUT", "FILE"),
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args(argv)

    if args.measure_parse:
        layout_id, path = args.measure_parse
        print(json.dumps(measure_parse(layout_id, Path(path))))
        return

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    report = run_bench(args.runs, args.chapter, args.keep)
    args.output.write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(summary(report))
    print(f"Rapport écrit dans {args.output}")


if __name__ == "__main__":
    main()
