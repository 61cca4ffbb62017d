"""National-size election files in the Ministry's layouts, for scale tests.

Our sources hold one row per file, Annecy's. To know whether the parser and
the checks hold for a whole country, this module writes files of national
size in each of the four official layouts: it takes the real header and the
real Annecy row as the template (same columns, same candidate blocks, same
number formats, separator, decimal mark and encoding) and fills each line
with new, varied counts that still add up:

* inscrits = abstentions + votants;
* votants = blancs + nuls + exprimés;
* the voix of a line add up to its exprimés;
* every printed percentage is the rounded ratio of the printed counts.

The communes are fictitious ("Commune fictive n° 123") and the files are
written to a directory of the caller's choice, never to the book.

Sizes (lines of results, header excluded):

* présidentielle 2017, both rounds: 35 719, the number of communes in the
  official files (stated in their sources' notes);
* municipales 2020, round 1: 9 800, the order of magnitude of the communes
  of 1 000 inhabitants and more, which that file covers;
* municipales 2020, round 2: 4 800, the order of magnitude of the communes
  that held a second round. Only those of 1 000 inhabitants and more are in
  the official file, about 1 500 lines in the copy we could read (446 512
  characters at about 300 a line): 4 800 overstates it on purpose.

Run ``python -m carnet.national DIRECTORY`` to write the four files.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import resource
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from carnet import elections, sources

log = logging.getLogger(__name__)

DEPARTMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]

# Each printed percentage: (numerator, denominator) of the line's counts.
SHARES = {
    "% Abs/Ins": ("abstentions", "inscrits"),
    "% Vot/Ins": ("votants", "inscrits"),
    "% Blancs/Ins": ("blancs", "inscrits"),
    "% Blancs/Vot": ("blancs", "votants"),
    "% Nuls/Ins": ("nuls", "inscrits"),
    "% Nuls/Vot": ("nuls", "votants"),
    "% Exp/Ins": ("exprimes", "inscrits"),
    "% Exp/Vot": ("exprimes", "votants"),
    "% Voix/Ins": ("voix", "inscrits"),
    "% Voix/Exp": ("voix", "exprimes"),
}


@dataclass(frozen=True)
class Layout:
    """One official layout, and the size of its national file and why."""

    source_id: str
    rows: int
    why_this_size: str
    encoding: str
    min_inscrits: int
    min_blocks: int
    two_decimals: bool = False
    pad_lines: bool = False

    @property
    def spec(self) -> elections.RoundFile:
        return next(
            s for s in elections.ROUNDS if s.source_id == self.source_id
        )


COMMUNES_2017 = "le nombre de communes des fichiers officiels de 2017"
LAYOUTS = {
    # UTF-8: the 2017 exports we hold are in UTF-8; all 11 candidates on
    # every line, shares printed without trailing zeros ("6.6").
    "pres2017_t1": Layout(
        "pres2017_t1", 35_719, COMMUNES_2017, "utf-8", 5, 11
    ),
    "pres2017_t2": Layout(
        "pres2017_t2", 35_719, COMMUNES_2017, "utf-8", 5, 2
    ),
    # The Ministry wrote the 2020 files in Windows-1252. Round 1 pads each
    # line with empty fields up to the widest line; lines have 1 list and
    # more. Round 2 prints every share with two decimals ("0,00").
    "mun2020_t1": Layout(
        "mun2020_t1", 9_800,
        "l'ordre de grandeur des communes de 1 000 habitants et plus, "
        "que couvre le fichier officiel",
        "cp1252", 700, 1, pad_lines=True,
    ),
    "mun2020_t2": Layout(
        "mun2020_t2", 4_800,
        "l'ordre de grandeur des communes qui ont eu un second tour, "
        "toutes tailles confondues (une surestimation voulue)",
        "cp1252", 700, 2, two_decimals=True,
    ),
}


@dataclass(frozen=True)
class Template:
    """The real header and Annecy row of one layout, split into parts."""

    header: list[str]
    fixed_values: dict[str, str]
    block_names: list[str]
    blocks: list[list[str]]
    pad_code: bool


def read_template(layout: Layout, path: Path | None = None) -> Template:
    """Split the real snapshot of a layout into header, fields and blocks."""
    spec = layout.spec
    path = path or sources.acquire(spec.source_id)
    text, _ = elections.read_text(path)
    header, row = list(csv.reader(io.StringIO(text), delimiter=spec.sep))[:2]
    n_fixed = header.index(elections.LAST_FIXED_COLUMN) + 1
    width = elections._block_width(header[n_fixed:], path)
    cells = row[n_fixed:]
    return Template(
        header=header,
        fixed_values=dict(zip(header[:n_fixed], row[:n_fixed])),
        block_names=header[n_fixed:n_fixed + width],
        blocks=[cells[i:i + width] for i in range(0, len(cells), width)],
        pad_code=len(row[header.index("Code de la commune")]) == 3,
    )


def _share(numerator: int, denominator: int, layout: Layout) -> str:
    """A percentage as the layout prints it: '6.6', '100', '0,00'."""
    value = 100 * numerator / denominator if denominator else 0.0
    text = f"{value:.2f}"
    if not layout.two_decimals:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", layout.spec.decimal)


def _seats(voix: np.ndarray, council: int) -> np.ndarray:
    """Seats in proportion to the voix, the remainder to the first list.

    Plausible whole numbers for the seat columns, not the legal rule: the
    parser reads them as counts and checks nothing else about them.
    """
    seats = np.floor(council * voix / max(voix.sum(), 1)).astype(int)
    seats[np.argmax(voix)] += council - seats.sum()
    return seats


class LineMaker:
    """Draws the counts of one commune and writes its line."""

    def __init__(self, layout: Layout, template: Template, seed: int):
        self.layout = layout
        self.template = template
        self.rng = np.random.default_rng(seed)

        fixed = template.fixed_values
        voix_at = template.block_names.index("Voix")
        self.base_voix = np.array(
            [int(block[voix_at]) for block in template.blocks], dtype=float
        )
        votants = int(fixed["Votants"])
        self.turnout = votants / int(fixed["Inscrits"])
        self.blanc_rate = int(fixed["Blancs"]) / votants
        self.nul_rate = int(fixed["Nuls"]) / votants

    def counts(self) -> dict:
        """Totals and voix of one fictitious commune, all consistent."""
        rng, layout = self.rng, self.layout
        median = max(400, 3 * layout.min_inscrits)
        inscrits = int(np.clip(
            rng.lognormal(np.log(median), 1.2),
            layout.min_inscrits, 1_500_000,
        ))
        turnout = float(np.clip(rng.normal(self.turnout, 0.1), 0.05, 0.98))
        votants = max(1, int(rng.binomial(inscrits, turnout)))
        blancs = int(rng.binomial(votants, self.blanc_rate))
        nuls = int(rng.binomial(votants - blancs, self.nul_rate))
        if blancs + nuls >= votants:
            blancs, nuls = 0, 0

        n_blocks = len(self.template.blocks)
        n_chosen = int(rng.integers(layout.min_blocks, n_blocks + 1))
        chosen = np.sort(rng.choice(n_blocks, n_chosen, replace=False))
        base = self.base_voix[chosen]
        weights = rng.dirichlet(20 * base / base.sum())
        exprimes = votants - blancs - nuls
        return {
            "inscrits": inscrits,
            "abstentions": inscrits - votants,
            "votants": votants,
            "blancs": blancs,
            "nuls": nuls,
            "exprimes": exprimes,
            "chosen": chosen,
            "voix": rng.multinomial(exprimes, weights / weights.sum()),
        }

    def fields(self, number: int) -> list[str]:
        """The fields of the line of the ``number``-th fictitious commune."""
        layout, template = self.layout, self.template
        counts = self.counts()
        department = DEPARTMENTS[number % len(DEPARTMENTS)]
        commune = number // len(DEPARTMENTS) + 1
        code = f"{commune:03d}" if template.pad_code else str(commune)

        fields = []
        for name in template.fixed_values:
            if name == "Code du département":
                fields.append(department)
            elif name == "Libellé du département":
                fields.append(f"Département {department}")
            elif name == "Code de la commune":
                fields.append(code)
            elif name == "Libellé de la commune":
                fields.append(f"Commune fictive n° {number + 1}")
            elif name in SHARES:
                top, bottom = SHARES[name]
                fields.append(_share(counts[top], counts[bottom], layout))
            else:
                key = elections.TOTAL_COLUMNS[name]
                fields.append(str(counts[key]))

        council = 7 + 2 * int(np.log1p(counts["inscrits"]))
        elected = counts["voix"].max() * 2 > counts["exprimes"]
        seats = (
            _seats(counts["voix"], council)
            if layout.spec.tour == 2 or elected
            else np.zeros(len(counts["voix"]), dtype=int)
        )
        for voix, seat, index in zip(counts["voix"], seats, counts["chosen"]):
            block = dict(zip(template.block_names, template.blocks[index]))
            for name in template.block_names:
                if name == "Voix":
                    block[name] = str(voix)
                elif name in SHARES:
                    block[name] = _share(
                        voix, counts[SHARES[name][1]], layout
                    )
                elif name == "Sièges / Elu":
                    block[name] = str(seat)
                elif name == "Sièges CC":
                    block[name] = str(seat // 3)
                elif name == "Sièges Secteur":
                    block[name] = "0"
            fields.extend(block[name] for name in template.block_names)
        return fields


def write_file(
    layout_id: str,
    directory: Path,
    rows: int | None = None,
    seed: int = 0,
    template_path: Path | None = None,
) -> Path:
    """Write the national-size file of one layout; return its path."""
    layout = LAYOUTS[layout_id]
    template = read_template(layout, template_path)
    maker = LineMaker(layout, template, seed)
    rows = layout.rows if rows is None else rows

    lines = [maker.fields(number) for number in range(rows)]
    if layout.pad_lines:
        widest = max(len(fields) for fields in lines)
        for fields in lines:
            fields.extend([""] * (widest - len(fields)))

    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=layout.spec.sep, lineterminator="\n"
    )
    writer.writerow(template.header)
    writer.writerows(lines)

    suffix = ".txt" if layout.spec.sep == "\t" else ".csv"
    path = Path(directory) / f"{layout_id}_national{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(layout.encoding))
    log.info(
        "%s : %d lignes au format %s (%s, %.1f Mo)",
        path.name, rows, layout_id, layout.encoding,
        path.stat().st_size / 1e6,
    )
    return path


def write_all(
    directory: Path, rows: int | None = None, seed: int = 0
) -> dict[str, Path]:
    """Write the four national-size files into ``directory``."""
    return {
        layout_id: write_file(layout_id, directory, rows, seed)
        for layout_id in LAYOUTS
    }


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Read from /proc (VmHWM), which starts afresh with each program;
    ``ru_maxrss`` would count the parent's memory before the fork.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def measure(layout_id: str, path: Path | str) -> dict:
    """Parse and check one file in this process: seconds and peak memory.

    The peak is the resident memory of the whole process (interpreter and
    libraries included), as the system counts it.
    """
    spec = LAYOUTS[layout_id].spec
    before = peak_memory_mb()
    start = time.perf_counter()
    totals, results = elections.parse_round(Path(path), spec)
    elections.check_round(totals, results, Path(path).name)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_mb": peak_memory_mb(),
        "baseline_mb": before,
        "communes": len(totals),
        "results": len(results),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m carnet.national",
        description="Write election files of national size in the "
        "Ministry's four layouts, from the real Annecy rows.",
    )
    parser.add_argument(
        "directory", type=Path, help="where to write the four files",
    )
    parser.add_argument(
        "--rows", type=int, default=None,
        help="lines per file (default: the national size of each layout)",
    )
    parser.add_argument(
        "--seed", type=int, default=0,
        help="seed of the random counts (same seed, same files)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    write_all(args.directory, args.rows, args.seed)


if __name__ == "__main__":
    main()
