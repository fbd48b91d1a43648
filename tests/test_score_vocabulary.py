"""The one table of scores: everything that names a score agrees with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

import spinetriage
from spinetriage.bank import Questionnaire, QuestionType
from spinetriage.bank.score_vocabulary import DERIVED_SCORES, SCORE_NAMES, SCORES, ScoreSpec
from spinetriage.fhir import bundle
from spinetriage.scoring import Scores
from spinetriage.scoring.scores import disability_band, duration_band, psychosocial_risk
from support.answer_builders import answers, with_treatments

PYTHON_TYPES = {
    QuestionType.INTEGER: int,
    QuestionType.NUMBER: float,
    QuestionType.SINGLE_CHOICE: str,
}


def test_the_scores_fields_are_the_table_in_order() -> None:
    assert Scores._fields == SCORE_NAMES
    assert len(set(SCORE_NAMES)) == len(SCORES)


@pytest.mark.parametrize("spec", SCORES, ids=SCORE_NAMES)
def test_derived_scores_have_words_and_copies_of_answers_have_none(spec: ScoreSpec) -> None:
    named = (spec.label, spec.fhir_title)
    assert all(named) if spec.derived else not any(named)


def test_banded_scores_give_only_the_values_the_table_allows() -> None:
    allowed = {name: set(spec.values) for name, spec in DERIVED_SCORES.items() if spec.values}
    assert {disability_band(p / 2) for p in range(201)} == allowed["disability_band"]
    assert {duration_band(w) for w in range(60)} == allowed["duration_band"]
    risks = {psychosocial_risk(t, d) for t in range(10) for d in range(min(t, 5) + 1)}
    assert risks == allowed["psychosocial_risk"]


def test_every_score_value_is_of_its_kind(bank: Questionnaire) -> None:
    raw = with_treatments("physical_therapy", symptom_weeks=10, ps_worry="yes")
    scores = spinetriage.triage(raw, bank).scores.as_dict()
    for spec in SCORES:
        value = scores[spec.name]
        assert value is not None, spec.name
        assert type(value) is PYTHON_TYPES[spec.kind], spec.name
        assert not spec.values or value in spec.values


def test_a_loinc_code_is_a_second_coding_of_its_observation(
    bank: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    coded = {
        **DERIVED_SCORES,
        "duration_band": replace(DERIVED_SCORES["duration_band"], loinc="0-0"),
    }
    monkeypatch.setattr(bundle, "DERIVED_SCORES", coded)
    result = spinetriage.triage(answers(), bank)
    moment = datetime(2025, 1, 1, tzinfo=timezone.utc)
    observations = bundle.score_observations(result, "urn:uuid:x", bundle.fhir_datetime(moment))
    codings = {o["code"]["coding"][0]["code"]: o["code"]["coding"] for o in observations}
    assert codings["duration_band"][1] == {
        "system": "http://loinc.org",
        "code": "0-0",
        "display": "Duration of symptoms (ACP 2017 bands)",
    }
    assert all(len(c) == 1 for name, c in codings.items() if name != "duration_band")
