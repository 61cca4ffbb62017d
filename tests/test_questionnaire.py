"""The scoring rule of the maturity questionnaire."""

import pytest
import yaml

from carnet import questionnaire as qn


def make(tmp_path, answers):
    document = {
        "reponses_possibles": ["oui", "partiel", "non", "inconnu"],
        "regle_de_score": {"points": {"oui": 2, "partiel": 1, "non": 0},
                           "inconnu": "hors score"},
        "axes": ["A", "B"],
        "questions": [
            {"id": f"q{i}", "axe": axis, "question": "?",
             "reponse": answer, "source": "essai"}
            for i, (axis, answer) in enumerate(answers)
        ],
    }
    path = tmp_path / "q.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_score_counts_known_answers_and_brackets_unknowns(tmp_path):
    path = make(tmp_path, [("A", "oui"), ("A", "partiel"), ("A", "non"),
                           ("B", "inconnu"), ("B", "oui")])
    scores = qn.score(qn.load_questionnaire(path)).set_index("axe")
    assert scores.loc["A", "points"] == 3
    assert scores.loc["A", "score"] == pytest.approx(50.0)
    assert scores.loc["A", "bas"] == scores.loc["A", "haut"] == 50.0
    assert scores.loc["B", "score"] == 100.0
    assert scores.loc["B", "inconnues"] == 1
    assert scores.loc["B", "bas"] == 50.0
    assert scores.loc["B", "haut"] == 100.0
    assert scores.loc["Ensemble", "points"] == 5
    assert scores.loc["Ensemble", "possibles"] == 8


def test_an_axis_of_unknowns_has_no_score(tmp_path):
    path = make(tmp_path, [("A", "oui"), ("B", "inconnu")])
    scores = qn.score(qn.load_questionnaire(path)).set_index("axe")
    assert pd_isna(scores.loc["B", "score"])
    assert scores.loc["B", "bas"] == 0.0 and scores.loc["B", "haut"] == 100


def pd_isna(value):
    import pandas as pd

    return pd.isna(value)


def test_an_answer_outside_the_list_is_an_error(tmp_path):
    path = make(tmp_path, [("A", "peut-être")])
    with pytest.raises(qn.QuestionnaireError,
                       match="answer must be one of .* 'peut-être'"):
        qn.load_questionnaire(path)


def test_an_unknown_axis_is_an_error(tmp_path):
    path = make(tmp_path, [("C", "oui")])
    with pytest.raises(qn.QuestionnaireError, match="axis 'C'"):
        qn.load_questionnaire(path)


def test_the_project_questionnaire_keeps_unknowns_unknown():
    questionnaire = qn.load_questionnaire()
    answers = questionnaire.questions["reponse"]
    assert (answers == "inconnu").sum() >= 1
    assert questionnaire.questions["source"].str.len().min() > 10
    figure = qn.score_figure(questionnaire)
    assert figure.svg().startswith("<svg")
    assert "inconnue" in figure.alt_text
