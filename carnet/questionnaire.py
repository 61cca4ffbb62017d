"""The maturity questionnaire of day 1: reading, scoring and charting.

``data/questionnaire.yml`` holds the questions, the answers the logbooks
report and the scoring rule. An unknown answer is kept unknown: it counts
for no point, and the score of an axis is given with the range that the
unknown answers leave open.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import yaml

from carnet import DATA_DIR
from carnet.figures import Figure
from carnet.frnum import fr_decimal, fr_int

QUESTIONNAIRE_FILE = DATA_DIR / "questionnaire.yml"
UNKNOWN = "inconnu"


class QuestionnaireError(ValueError):
    """The questionnaire file is not as the scoring rule needs it."""


@dataclass(frozen=True)
class Questionnaire:
    """Questions with their answers, and the points of each answer."""

    axes: tuple[str, ...]
    points: dict[str, int]
    rule: str
    questions: pd.DataFrame


def load_questionnaire(path: Path = QUESTIONNAIRE_FILE) -> Questionnaire:
    """Read and check the questionnaire file."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    allowed = document["reponses_possibles"]
    points = document["regle_de_score"]["points"]
    if set(points) | {UNKNOWN} != set(allowed):
        raise QuestionnaireError(
            f"{path}: regle_de_score.points must give points to every "
            f"answer of {allowed} except {UNKNOWN!r}, found {sorted(points)}"
        )
    axes = tuple(document["axes"])

    for position, q in enumerate(document["questions"], start=1):
        where = f"{path}: question {position} ({q.get('id', '?')})"
        for field in ("id", "axe", "question", "reponse", "source"):
            if not q.get(field):
                raise QuestionnaireError(f"{where}: missing field {field}")
        if q["axe"] not in axes:
            raise QuestionnaireError(
                f"{where}: axis {q['axe']!r} is not one of {list(axes)}")
        if q["reponse"] not in allowed:
            raise QuestionnaireError(
                f"{where}: answer must be one of {allowed}, "
                f"found {q['reponse']!r}")

    questions = pd.DataFrame(document["questions"])
    return Questionnaire(axes, dict(points), document["regle_de_score"][
        "inconnu"], questions)


def score(questionnaire: Questionnaire) -> pd.DataFrame:
    """Score per axis and overall: points, unknowns and the open range.

    Columns: questions, known, unknown, points, possible (over known
    answers), score (points / possible, in percent), low and high (the
    score over all questions if every unknown were the lowest or the
    highest answer).
    """
    best = max(questionnaire.points.values())
    worst = min(questionnaire.points.values())
    table = questionnaire.questions
    rows = []
    groups = [(axis, table[table["axe"] == axis])
              for axis in questionnaire.axes]
    groups.append(("Ensemble", table))

    for axis, answers in groups:
        known = answers[answers["reponse"] != UNKNOWN]
        unknown = len(answers) - len(known)
        points = int(sum(questionnaire.points[a] for a in known["reponse"]))
        possible = best * len(known)
        full = best * len(answers)
        rows.append({
            "axe": axis,
            "questions": len(answers),
            "connues": len(known),
            "inconnues": unknown,
            "points": points,
            "possibles": possible,
            "score": 100 * points / possible if possible else None,
            "bas": 100 * (points + worst * unknown) / full,
            "haut": 100 * (points + best * unknown) / full,
        })
    return pd.DataFrame(rows)


def answers_table(questionnaire: Questionnaire) -> pd.DataFrame:
    """The questions and answers, in French, for the book."""
    table = questionnaire.questions
    return pd.DataFrame({
        "Axe": table["axe"],
        "Question": table["question"],
        "Réponse": table["reponse"],
        "Points": [
            "" if a == UNKNOWN else questionnaire.points[a]
            for a in table["reponse"]
        ],
        "D'après": table["source"],
    })


def score_figure(questionnaire: Questionnaire) -> Figure:
    """Stacked bars per axis: points obtained, left open, missed."""
    scores = score(questionnaire)
    best = max(questionnaire.points.values())
    rows = []
    for _, s in scores.iterrows():
        full = best * s["questions"]
        open_points = best * s["inconnues"]
        missed = full - s["points"] - open_points
        for part, value in (("obtenus", s["points"]),
                            ("réponse inconnue", open_points),
                            ("manqués", missed)):
            rows.append({"axe": s["axe"], "part": part,
                         "points": int(value),
                         "pourcentage": 100 * value / full})
    data = pd.DataFrame(rows)
    order = ["obtenus", "réponse inconnue", "manqués"]

    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("axe:N", sort=list(scores["axe"]), title=None),
        x=alt.X("pourcentage:Q", stack="zero",
                title="part des points possibles (toutes questions)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "part:N", sort=order, title=None,
            scale=alt.Scale(domain=order,
                            range=["#2e7d32", "#b0b0b0", "#f3d2c1"]),
            legend=alt.Legend(orient="bottom"),
        ),
        order=alt.Order("rang:Q"),
        tooltip=["axe", "part", "points",
                 alt.Tooltip("pourcentage:Q", format=".0f")],
    ).transform_calculate(
        rang="indexof(['obtenus', 'réponse inconnue', 'manqués'], "
             "datum.part)"
    ).properties(width=420, height=170)

    overall = scores.iloc[-1]
    caption = (
        "Questionnaire de maturité du jour 1 : points par axe. Source : "
        "réponses rapportées par les deux carnets de la semaine "
        "(data/questionnaire.yml). Base : 2 points par question ; en gris, "
        f"les {fr_int(overall['inconnues'])} questions dont aucun carnet "
        "ne donne la réponse."
    )
    alt_text = "; ".join(
        f"{r['axe']} : {r['points']} points sur {best * r['questions']}, "
        f"{r['inconnues']} réponse(s) inconnue(s)"
        for _, r in scores.iterrows()
    )
    table = data.rename(columns={"axe": "Axe", "part": "Points",
                                 "points": "Nombre",
                                 "pourcentage": "% des points possibles"})
    table["% des points possibles"] = table[
        "% des points possibles"].map(fr_decimal)
    return Figure(chart, caption, alt_text, table)
