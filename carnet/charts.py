"""Election charts: a donut per round, grouped participation bars.

Every chart keeps one order and one colour per candidate or list across
rounds (the order of the first round's voix), labels its numbers the French
way and states the base of its percentages. Rounded shares of one whole are
computed by the largest remainder, so they add up to 100.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from carnet import elections
from carnet.figures import Figure
from carnet.frnum import fr_int, fr_percent, largest_remainder
from carnet.frnum import shares_keeping_order

SOURCE = "Ministère de l'Intérieur, résultats définitifs par commune"
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#17becf", "#8c564b", "#bcbd22",
)
ROUND_COLOURS = {"1er tour": "#4e79a7", "2d tour": "#f28e2b"}
DECIMALS_IN_WORDS = {1: "une décimale", 2: "deux décimales",
                     3: "trois décimales"}
DONUT_LABEL_MIN_SHARE = 3.0  # smaller slices are named in the legend only


def candidate_order(results: pd.DataFrame, election: str) -> list[str]:
    """Candidates of an election, by first-round voix, then second-round."""
    rows = results[results["election"] == election]
    ranked = rows.sort_values(["tour", "voix"], ascending=[True, False])
    return list(dict.fromkeys(ranked["candidat"]))


def candidate_colours(results: pd.DataFrame, election: str) -> dict[str, str]:
    """One colour per candidate or list, the same in every chart."""
    order = candidate_order(results, election)
    if len(order) > len(PALETTE):
        raise ValueError(
            f"{election}: {len(order)} candidates but only "
            f"{len(PALETTE)} distinct colours"
        )
    return dict(zip(order, PALETTE))


def round_shares(results: pd.DataFrame, election: str, tour: int):
    """The round's voix with their shares of exprimés, in the stable order.

    Returns the table and the number of decimals used: one, or more when
    one decimal would show two different scores as equal.
    """
    order = candidate_order(results, election)
    rows = results[
        (results["election"] == election) & (results["tour"] == tour)
    ].copy()
    rows["rang"] = rows["candidat"].map(order.index)
    rows = rows.sort_values("rang").reset_index(drop=True)

    shares, decimals = shares_keeping_order(rows["voix"].tolist())
    rows["part"] = shares
    rows["part_label"] = [fr_percent(s, decimals) for s in shares]
    rows["voix_label"] = rows["voix"].map(fr_int)
    return rows, decimals


def _candidate_title(row: pd.Series) -> str:
    if row["liste"]:
        return f"{row['candidat']} ({row['liste']})"
    return row["candidat"]


def donut(results: pd.DataFrame, totals: pd.DataFrame, election: str,
          tour: int) -> Figure:
    """The donut of one round: shares of exprimés per candidate or list."""
    spec = elections.round_file(election, tour)
    rows, decimals = round_shares(results, election, tour)
    colours = candidate_colours(results, election)
    exprimes = int(
        totals.query("election == @election and tour == @tour")["exprimes"]
        .iloc[0]
    )
    in_round = [c for c in colours if c in set(rows["candidat"])]
    rows["label"] = rows["part_label"].where(
        rows["part"] >= DONUT_LABEL_MIN_SHARE, ""
    )
    rows["intitule"] = rows.apply(_candidate_title, axis=1)
    title = f"{spec.label}, {_tour_label(tour)} à Annecy"

    base = alt.Chart(rows).encode(
        theta=alt.Theta("voix:Q", stack=True),
        order=alt.Order("rang:Q"),
        color=alt.Color(
            "candidat:N",
            scale=alt.Scale(
                domain=in_round, range=[colours[c] for c in in_round]
            ),
            sort=in_round,
            legend=alt.Legend(title=None, orient="bottom", columns=3),
        ),
    )
    ring = base.mark_arc(innerRadius=60, outerRadius=105).encode(
        tooltip=[
            alt.Tooltip("intitule:N", title="Candidat ou liste"),
            alt.Tooltip("voix_label:N", title="Voix"),
            alt.Tooltip("part_label:N", title="Part des exprimés"),
        ]
    )
    labels = base.mark_text(radius=127, fontSize=12).encode(
        text="label:N", color=alt.value("#222")
    )
    chart = (ring + labels).properties(
        title=alt.TitleParams(title, fontSize=13), width=280, height=280
    )

    table = pd.DataFrame({
        "Candidat ou liste": rows["intitule"],
        "Voix": rows["voix_label"],
        "Part des exprimés": rows["part_label"],
    })
    caption = (
        f"Source : {SOURCE}, {spec.label.lower()}, {_tour_label(tour)} "
        f"({spec.date}). Parts en % des {fr_int(exprimes)} suffrages "
        f"exprimés, arrondies à {DECIMALS_IN_WORDS[decimals]} par la "
        "méthode du plus fort reste : elles totalisent 100 %."
    )
    alt_text = f"Graphique en anneau, {title} : " + ", ".join(
        f"{c} {p}" for c, p in zip(rows["candidat"], rows["part_label"])
    )
    return Figure(chart, caption, alt_text, table)


def _tour_label(tour: int) -> str:
    return "1er tour" if tour == 1 else "2d tour"


def _election_label_and_dates(election: str) -> tuple[str, str]:
    """'Présidentielle 2017' and '23 avril 2017 et 7 mai 2017'."""
    rounds = [s for s in elections.ROUNDS if s.election == election]
    return rounds[0].label, " et ".join(s.date for s in rounds)


def participation_table(totals: pd.DataFrame, election: str) -> pd.DataFrame:
    """Votants, abstentions, blancs and nuls in % of inscrits, per round.

    Votants and abstentions share one whole (the inscrits): they are
    rounded together by the largest remainder and add up to 100. Blancs
    and nuls are parts of the votants, shown on the same base.
    """
    rows = []
    for _, t in totals[totals["election"] == election].iterrows():
        votants, abst = largest_remainder([t["votants"], t["abstentions"]])
        shares = {
            "Votants": votants,
            "Abstentions": abst,
            "Blancs": round(100 * t["blancs"] / t["inscrits"], 1),
            "Nuls": round(100 * t["nuls"] / t["inscrits"], 1),
        }
        counts = {
            "Votants": t["votants"], "Abstentions": t["abstentions"],
            "Blancs": t["blancs"], "Nuls": t["nuls"],
        }
        for name, share in shares.items():
            rows.append({
                "tour": _tour_label(int(t["tour"])),
                "categorie": name,
                "nombre": int(counts[name]),
                "part": share,
                "part_label": fr_percent(share),
                "nombre_label": fr_int(counts[name]),
                "inscrits_label": fr_int(t["inscrits"]),
            })
    return pd.DataFrame(rows)


def participation_bars(totals: pd.DataFrame, election: str) -> Figure:
    """Grouped bars: each category, first round beside second round."""
    label, dates = _election_label_and_dates(election)
    rows = participation_table(totals, election)
    categories = ["Votants", "Abstentions", "Blancs", "Nuls"]
    tours = list(ROUND_COLOURS)

    base = alt.Chart(rows).encode(
        x=alt.X("categorie:N", sort=categories, title=None,
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("tour:N", sort=tours),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("part:Q", title="% des inscrits",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "tour:N",
            scale=alt.Scale(domain=tours, range=list(ROUND_COLOURS.values())),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=[
            alt.Tooltip("tour:N", title="Tour"),
            alt.Tooltip("categorie:N", title="Catégorie"),
            alt.Tooltip("nombre_label:N", title="Nombre"),
            alt.Tooltip("part_label:N", title="Part des inscrits"),
            alt.Tooltip("inscrits_label:N", title="Inscrits"),
        ],
    )
    text = base.mark_text(dy=-7, fontSize=10).encode(
        y="part:Q", text="part_label:N"
    )
    title_lines = [f"{label} à Annecy", "participation aux deux tours"]
    title = " : ".join(title_lines)
    chart = (bars + text).properties(
        title=alt.TitleParams(title_lines, fontSize=13),
        width=270, height=260,
    )

    table = rows.pivot(index="categorie", columns="tour", values="part_label")
    table = table.reindex(categories).reset_index()
    table.columns.name = None
    table = table.rename(columns={"categorie": "Catégorie (% des inscrits)"})
    caption = (
        f"Source : {SOURCE}, {label.lower()} ({dates}). Parts en % des "
        "inscrits de chaque tour ; votants et abstentions sont arrondis "
        "ensemble au plus fort reste et totalisent 100 %."
    )
    alt_text = f"Barres groupées, {title} : " + "; ".join(
        f"{r.categorie} {r.tour} {r.part_label}" for r in rows.itertuples()
    )
    return Figure(chart, caption, alt_text, table)


def waffle_table(results: pd.DataFrame, election: str) -> pd.DataFrame:
    """One square per point of exprimés, per round: 100 squares a round.

    Each round's shares are rounded to whole points by the largest
    remainder, so every round fills exactly 100 squares, laid out in rows
    of ten in the stable order of the candidates.
    """
    order = candidate_order(results, election)
    squares = []
    for tour in sorted(results.loc[results["election"] == election, "tour"]
                       .unique()):
        rows, _ = round_shares(results, election, int(tour))
        points = largest_remainder(rows["voix"].tolist(), 0)
        position = 0
        for candidat, n in zip(rows["candidat"], points):
            for _ in range(int(n)):
                squares.append({
                    "tour": _tour_label(int(tour)),
                    "candidat": candidat,
                    "rang": order.index(candidat),
                    "colonne": position % 10,
                    "ligne": position // 10,
                    "points": int(n),
                })
                position += 1
    return pd.DataFrame(squares)


def waffle(results: pd.DataFrame, election: str) -> Figure:
    """Pictogram chart: both rounds side by side, a square per point."""
    label, dates = _election_label_and_dates(election)
    squares = waffle_table(results, election)
    colours = candidate_colours(results, election)
    present = [c for c in colours if c in set(squares["candidat"])]

    chart = alt.Chart(squares).mark_square(size=170).encode(
        x=alt.X("colonne:O", axis=None),
        y=alt.Y("ligne:O", axis=None),
        color=alt.Color(
            "candidat:N",
            scale=alt.Scale(domain=present,
                            range=[colours[c] for c in present]),
            sort=present,
            legend=alt.Legend(title=None, orient="bottom", columns=4),
        ),
        tooltip=[
            alt.Tooltip("tour:N", title="Tour"),
            alt.Tooltip("candidat:N", title="Candidat ou liste"),
            alt.Tooltip("points:Q", title="Carrés (points des exprimés)"),
        ],
    ).properties(width=150, height=150).facet(
        column=alt.Column("tour:N", title=None,
                          sort=list(ROUND_COLOURS)),
    ).properties(
        title=alt.TitleParams(
            [f"{label} à Annecy", "un carré par point des exprimés"],
            fontSize=13,
        )
    )

    table = squares.groupby(["candidat", "tour"])["points"].first()
    table = table.unstack("tour").reindex(present).reset_index()
    table.columns.name = None
    table = table.rename(columns={"candidat": "Candidat ou liste"})
    for tour in ROUND_COLOURS:
        if tour in table:
            table[tour] = table[tour].map(
                lambda n: "–" if pd.isna(n) else str(int(n))
            )
    caption = (
        f"Source : {SOURCE}, {label.lower()} ({dates}). Chaque carré vaut "
        "un point de pourcentage des suffrages exprimés du tour ; les parts "
        "sont arrondies à l'unité par la méthode du plus fort reste, si "
        "bien que chaque tour compte exactement 100 carrés."
    )
    alt_text = f"Graphique en pictogrammes, {label} : " + "; ".join(
        f"{r['Candidat ou liste']} "
        + ", ".join(f"{t} {r[t]}" for t in ROUND_COLOURS if t in r)
        for _, r in table.iterrows()
    )
    return Figure(chart, caption, alt_text, table)
