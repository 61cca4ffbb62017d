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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pandas as pd

from carnet import PROJECT_ROOT, national, site, sources
from carnet.frnum import NBSP, fr_decimal, fr_int

log = logging.getLogger(__name__)

REPORT_FILE = PROJECT_ROOT / "data" / "bench.json"
# The steps of `make book` after the installation, as in the Makefile (a
# test keeps the two in step): run in the copy with the installed tools.
PREPARE_MODULES = (
    "carnet.sources", "carnet.site", "carnet.cache", "carnet.catalogue",
)
BUILD_ARGUMENTS = ("build", ".", "--warningiserror", "--keep-going")
BUILD_OUTPUTS = ("_build", "data/clean", "data/published")
# Written by `make sources` and ignored by git, but needed by a build.
GENERATED_INPUTS = (
    sources.RAW_DIR.relative_to(PROJECT_ROOT),
    site.VENDOR_DIR.relative_to(PROJECT_ROOT),
)
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

    def run(self, command: list[str]):
        """Run a command in the copy; stop the bench if it fails."""
        done = subprocess.run(
            command, cwd=self.root, env=self.env,
            capture_output=True, text=True,
        )
        if done.returncode:
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

    def build(self) -> tuple[float, float]:
        """What `make book` does once installed: (total, preparation) s."""
        start = time.perf_counter()
        for module in PREPARE_MODULES:
            self.run([sys.executable, "-m", module])
        prepared = time.perf_counter()
        self.run([str(self.bin / "jupyter-book"), *BUILD_ARGUMENTS])
        return time.perf_counter() - start, prepared - start

    def clean(self) -> None:
        for relative in BUILD_OUTPUTS:
            shutil.rmtree(self.root / relative, ignore_errors=True)

    def test(self) -> tuple[float, str | None]:
        """Time the test suite; the failure summary, if any, is kept."""
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=self.root, env=self.env, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - start
        if not done.returncode:
            return seconds, None
        lines = done.stdout.strip().splitlines() or ["(no output)"]
        failed = [line for line in lines if line.startswith("FAILED")]
        return seconds, "; ".join(failed + lines[-1:])


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


# Run in a fresh process that imports only what parsing needs, so that its
# peak memory is that of the parser, the interpreter and its libraries.
MEASURE_PARSE = (
    "import json, sys; from carnet import national; "
    "print(json.dumps(national.measure(sys.argv[1], sys.argv[2])))"
)


def bench_elections(workspace: Workspace, runs: int) -> dict:
    """Each national file parsed and checked in a fresh process."""
    directory = workspace.root.parent / "national"
    paths = national.write_all(directory)
    figures = {}
    for layout_id, path in paths.items():
        samples = [
            json.loads(workspace.run([
                sys.executable, "-c", MEASURE_PARSE, layout_id, str(path),
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
    """Build, rebuild and test the copy ``runs`` times.

    First the clean builds, each followed by a rebuild with no change;
    then the edits, on the notebook given or else on the one whose
    execution is the slowest (median of the clean builds); then the tests.
    """
    builds = ("clean_build", "no_change", "prose_edit", "code_edit")
    samples = {name: [] for name in builds + ("tests",)}
    preparation = {name: [] for name in builds}
    executions = []

    def build(name):
        total, prepared = workspace.build()
        samples[name].append(total)
        preparation[name].append(prepared)
        log.info("%s, essai %d : %.1f s", TARGETS[name][0],
                 len(samples[name]), total)

    for _ in range(runs):
        workspace.clean()
        build("clean_build")
        executions.append(execution_times(workspace.root))
        build("no_change")
    site = site_size(workspace.root / "_build" / "html")

    execution_seconds = {
        name: statistics.median(run.get(name, 0.0) for run in executions)
        for name in executions[-1]
    }
    edited = chapter or max(execution_seconds, key=execution_seconds.get)
    notebook = workspace.root / edited
    for run in range(1, runs + 1):
        add_markdown_cell(notebook, f"Retouche de mesure n° {run}.")
        build("prose_edit")
        change_first_code_cell(notebook, f"retouche de mesure n° {run}")
        build("code_edit")

    failures = []
    for run in range(1, runs + 1):
        seconds, failure = workspace.test()
        samples["tests"].append(seconds)
        if failure:
            failures.append(failure)
            log.warning("Suite de tests, essai %d : échec : %s", run, failure)
        log.info("Suite de tests, essai %d : %.1f s", run, seconds)

    figures = {
        name: {"median": statistics.median(values), "runs": values}
        for name, values in samples.items()
    }
    for name in builds:
        figures[name]["preparation"] = statistics.median(preparation[name])
    figures["tests"]["failures"] = failures
    figures["edited_notebook"] = edited
    figures["execution_seconds"] = execution_seconds
    figures["site"] = site
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
            "load_before": os.getloadavg()[0],
            "runs": runs,
            "elections": bench_elections(workspace, runs),
            "book": bench_book(workspace, runs, chapter),
            "load_after": os.getloadavg()[0],
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
    for failure in report["book"]["tests"].get("failures", []):
        lines.append(f"  Tests en échec : {failure}")
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


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
    "août", "septembre", "octobre", "novembre", "décembre",
)


# Why each target can be missed and what it would take; shown only when
# the last measure misses it.
REMEDIES = {
    "clean_build": (
        "une construction complète est surtout faite de l'exécution des "
        "notebooks, l'un après l'autre (voir le tableau suivant) : il "
        "faudrait remplir le cache d'exécution en parallèle avant la mise "
        "en forme (jupyter-cache a un exécuteur « local-parallel », un "
        "notebook par cœur) ou alléger les plus lents."
    ),
    "prose_edit": (
        "même sans rien exécuter, Sphinx relit l'environnement du livre et "
        "réécrit les pages liées à celle qui change : il faudrait moins de "
        "pages ou un thème plus léger."
    ),
    "code_edit": (
        "retoucher le code d'un notebook le réexécute en entier, démarrage "
        "du noyau et imports compris : découper le notebook le plus long en "
        "pages plus courtes réduirait ce temps."
    ),
    "no_change": (
        "sans changement, le temps est celui du démarrage de Sphinx et de "
        "la vérification du cache : il ne baisse qu'avec moins de pages ou "
        "d'extensions."
    ),
    "site_size": (
        "le poids vient surtout des scripts tiers servis localement et des "
        "graphiques (SVG et données intégrés aux pages) : il faudrait "
        "partager les données des graphiques entre les pages."
    ),
    "largest_page": (
        "une page lourde porte trop de graphiques intégrés : il faudrait "
        "la découper ou servir les données des graphiques à part."
    ),
    "parse_seconds": (
        "la lecture découpe chaque ligne avec le module csv de Python avant "
        "de convertir les colonnes d'un coup : le lecteur en C de pandas, "
        "plus rapide, demanderait de compter autrement les champs de "
        "chaque ligne."
    ),
    "parse_memory": (
        "le fichier est tenu en mémoire sous forme de texte puis de "
        "tableau : il faudrait le lire par morceaux de lignes."
    ),
}


def _amount(value: float, decimals: int, unit: str) -> str:
    """'12,30 s': a French number and its unit, kept on one line."""
    return f"{fr_decimal(value, decimals)}{NBSP}{unit}"


def load_report(path: Path = REPORT_FILE) -> dict:
    """The last benchmark report, as written by ``make bench``."""
    if not path.exists():
        raise BenchError(
            f"{path} does not exist: run `make bench` to measure the book"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def when_and_where(report: dict) -> str:
    """'le 4 décembre 2026 à 16 h 05 (UTC), sur ...', in French."""
    moment = datetime.fromisoformat(report["date"]).astimezone(timezone.utc)
    box = report["machine"]
    return (
        f"le {moment.day} {MONTHS[moment.month - 1]} {moment.year} à "
        f"{moment.hour} h {moment.minute:02d} (UTC), sur une machine à "
        f"{box['cores']} cœurs ({box['cpu']}) et "
        f"{_amount(box['memory_gb'], 0, 'Go')} de mémoire, sous "
        f"{box['system']} avec Python {box['python']} ; version du projet "
        f"{report['commit']} ; médianes sur {report['runs']} essai(s) ; "
        f"charge moyenne sur une minute : "
        f"{fr_decimal(report['load_before'], 1)} au début, "
        f"{fr_decimal(report['load_after'], 1)} à la fin"
    )


def targets_table(report: dict) -> pd.DataFrame:
    """One row per target: measured figure, limit, and the verdict."""
    rows = []
    for name, target in report["targets"].items():
        unit = target["unit"]
        gap = target["measured"] - target["limit"]
        prepared = report["book"].get(name, {}).get("preparation")
        rows.append({
            "Mesure": target["label"],
            "Valeur": _amount(target["measured"], 2, unit),
            "dont préparation": "" if prepared is None
            else _amount(prepared, 2, unit),
            "Cible": f"≤ {_amount(target['limit'], 0, unit)}",
            "Verdict": "tenue" if target["met"] else
            f"manquée de {_amount(gap, 2, unit)}",
        })
    failures = report["book"]["tests"].get("failures", [])
    rows.append({
        "Mesure": "Suite de tests",
        "Valeur": _amount(report["book"]["tests"]["median"], 2, "s"),
        "dont préparation": "",
        "Cible": "",
        "Verdict": f"en échec dans {len(failures)} essai(s)"
        if failures else "",
    })
    return pd.DataFrame(rows)


def gaps_text(report: dict) -> str:
    """Each missed target with its gap, its cause and its remedy."""
    edited = (
        "Notebook retouché pour les mesures de retouche : "
        f"`{report['book']['edited_notebook']}`.\n\n"
    )
    missed = {
        name: target for name, target in report["targets"].items()
        if not target["met"]
    }
    if not missed:
        closest = max(
            report["targets"].values(),
            key=lambda t: t["measured"] / t["limit"],
        )
        return edited + (
            "Toutes les cibles sont tenues. La plus proche de sa limite : "
            f"« {closest['label']} », à "
            f"{_amount(100 * closest['measured'] / closest['limit'], 0, '%')}"
            " de sa cible."
        )
    lines = []
    for name, target in missed.items():
        gap = target["measured"] - target["limit"]
        lines.append(
            f"- « {target['label']} » dépasse sa cible de "
            f"{_amount(gap, 2, target['unit'])} "
            f"({_amount(100 * gap / target['limit'], 0, '%')}) : "
            f"{REMEDIES[name]}"
        )
    return edited + "Cibles manquées :\n\n" + "\n".join(lines)


def site_text(report: dict) -> str:
    """The weight of the built site, in a sentence."""
    site = report["book"]["site"]
    return (
        f"Le site pèse {_amount(site['total_mb'], 1, 'Mo')} en "
        f"{fr_int(site['files'])} fichiers, dont {fr_int(site['pages'])} "
        f"pages HTML. La page la plus lourde est `{site['largest_page']}` "
        f"({_amount(site['largest_page_mb'], 2, 'Mo')}) ; le plus gros "
        f"fichier est `{site['largest_file']}` "
        f"({_amount(site['largest_file_mb'], 2, 'Mo')})."
    )


def national_sizes_text() -> str:
    """The number of lines of each national file, and why."""
    lines = [
        f"- `{layout_id}` : {fr_int(layout.rows)} lignes, "
        f"{layout.why_this_size} ;"
        for layout_id, layout in national.LAYOUTS.items()
    ]
    lines[-1] = lines[-1][:-2] + "."
    return "Tailles retenues :\n\n" + "\n".join(lines)


def executions_table(report: dict) -> pd.DataFrame:
    """Execution time of each notebook during a clean build."""
    seconds = report["book"]["execution_seconds"]
    table = pd.DataFrame({
        "Notebook": list(seconds),
        "Exécution (s)": list(seconds.values()),
    }).sort_values("Exécution (s)", ascending=False)
    clean = report["book"]["clean_build"]["median"]
    table["Part de la construction complète (%)"] = (
        100 * table["Exécution (s)"] / clean
    )
    return table


def elections_table(report: dict) -> pd.DataFrame:
    """The national-size files: size, time to parse and check, memory."""
    rows = []
    for layout_id, figures in report["elections"].items():
        rows.append({
            "Format": layout_id,
            "Encodage": figures["encoding"],
            "Communes": figures["communes"],
            "Résultats": figures["results"],
            "Taille (Mo)": figures["file_mb"],
            "Lecture et contrôle (s)": fr_decimal(figures["seconds"], 2),
            "Mémoire de pointe (Mo)": figures["peak_mb"],
            "dont interpréteur et bibliothèques (Mo)":
                figures["baseline_mb"],
        })
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m carnet.bench",
        description="Time the build, the tests and the national-size "
        "election files on a temporary copy of the project.",
    )
    parser.add_argument(
        "--runs", type=int, default=3,
        help="runs of each measure; the report gives their median",
    )
    parser.add_argument(
        "--output", type=Path, default=REPORT_FILE,
        help="where to write the report (default: data/bench.json)",
    )
    parser.add_argument(
        "--chapter", default=None,
        help="notebook to edit, relative to the project (default: the "
        "one that takes longest to execute)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary copy",
    )
    args = parser.parse_args(argv)
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
