"""A result as a FHIR Bundle: valid, asked items only, and back to the same result."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import spinetriage
from spinetriage.answers.validation import asked_questions
from spinetriage.bank.model import Questionnaire
from spinetriage.fhir import answers_from_response, questionnaire_resource, result_bundle
from spinetriage.scoring.result import Result
from support.answer_builders import answers, with_treatments
from support.answer_strategies import answer_sets
from support.clinical_cases import CLINICAL_CASES
from support.fhir_checks import (
    check_bundle,
    check_narrative,
    check_response,
    enabled_questions,
    walk,
)

AUTHORED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
TIER_SYSTEM = "https://spinetriage.example/fhir/CodeSystem/spinetriage-lumbar-tier"
BANK = spinetriage.load_questionnaire()
QUESTIONNAIRE = questionnaire_resource(BANK)

ROUND_TRIP = settings(
    max_examples=60,  # each validates a whole Bundle (slow); the 110 vignettes round-trip too
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def questionnaire() -> dict[str, Any]:
    return QUESTIONNAIRE


def numbered_urns() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"urn:uuid:00000000-0000-4000-8000-{next(counter):012d}"


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def answered_link_ids(response: dict[str, Any]) -> set[str]:
    return {item["linkId"] for item in walk(response["item"]) if "answer" in item}


def same_result(one: Result, other: Result) -> bool:
    return (one.tier, one.reasons, one.scores, one.answers) == (
        other.tier,
        other.reasons,
        other.scores,
        other.answers,
    )


@pytest.mark.parametrize(("raw", "accept"), CLINICAL_CASES)
def test_bundle_validates_and_round_trips(
    bank: Questionnaire, questionnaire: dict[str, Any], raw: dict[str, Any], accept: tuple[str, ...]
) -> None:
    result = spinetriage.triage(raw, bank)
    assert result.tier in accept
    assert_round_trip(bank, questionnaire, result)


@ROUND_TRIP
@given(raw=answer_sets(BANK))
def test_random_answer_sets_round_trip(raw: dict[str, Any]) -> None:
    assert_round_trip(BANK, QUESTIONNAIRE, spinetriage.triage(raw, BANK))


def assert_round_trip(bank: Questionnaire, questionnaire: dict[str, Any], result: Result) -> None:
    bundle = result_bundle(result, bank, AUTHORED)
    check_bundle(bundle)
    (response,) = resources(bundle, "QuestionnaireResponse")
    check_response(response, questionnaire)
    # the items are exactly the answers used, and a renderer enables exactly the asked questions
    asked = {q.id for q in asked_questions(bank, result.answer_map)}
    assert answered_link_ids(response) == set(result.answer_map)
    assert enabled_questions(questionnaire, response) == asked
    # through JSON text and back, as a file: the same tier, reasons, scores and answers
    again = spinetriage.triage(answers_from_response(bank, json.loads(json.dumps(bundle))), bank)
    assert same_result(again, result)
    # the response alone reads back the same way
    assert answers_from_response(bank, response) == answers_from_response(bank, bundle)


def test_risk_assessment_states_tier_reasons_and_basis(bank: Questionnaire) -> None:
    result = spinetriage.triage(answers(rf_fever="yes"), bank)
    bundle = result_bundle(result, bank, AUTHORED, numbered_urns())
    urls = [e["fullUrl"] for e in bundle["entry"]]
    (risk,) = resources(bundle, "RiskAssessment")
    assert bundle["entry"][-1]["resource"] is risk
    assert bundle["timestamp"] == risk["occurrenceDateTime"] == "2025-03-04T05:06:07Z"
    assert risk["status"] == "final"
    assert risk["prediction"] == [
        {
            "qualitativeRisk": {
                "coding": [
                    {"system": TIER_SYSTEM, "code": "urgent", "display": "Urgent assessment today"}
                ],
                "text": "Urgent assessment today",
            },
            "rationale": f"Urgency: {result.urgency}",
        }
    ]
    assert risk["mitigation"] == result.action
    assert [b["reference"] for b in risk["basis"]] == urls[:-1]
    assert risk["note"][0] == {
        "text": "Red flag: Fever with back pain can mean an infection in the spine. "
        "(rule infection_fever; tier urgent)"
    }
    assert len(risk["note"]) == len(result.reasons) + 1
    assert risk["note"][-1] == {"text": result.disclaimer}
    assert result.bank.content_hash in risk["method"]["text"]


def test_response_header(bank: Questionnaire) -> None:
    bundle = result_bundle(spinetriage.triage(answers(), bank), bank, AUTHORED)
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert bundle["entry"][0]["resource"] is response
    assert "identifier" not in bundle
    assert {k: v for k, v in response.items() if k not in ("item", "subject", "text")} == {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://spinetriage.example/fhir/Questionnaire/spinetriage-lumbar|"
        + bank.version,
        "status": "completed",
        "authored": "2025-03-04T05:06:07Z",
    }


def test_scores_are_observations_derived_from_the_response(bank: Questionnaire) -> None:
    result = spinetriage.triage(answers(), bank)
    bundle = result_bundle(result, bank, AUTHORED, numbered_urns())
    observations = resources(bundle, "Observation")
    by_code = {o["code"]["coding"][0]["code"]: o for o in observations}
    assert set(by_code) == {
        "disability_percent",
        "disability_band",
        "duration_band",
        "psychosocial_total",
        "psychosocial_distress",
        "psychosocial_risk",
        "failed_treatment_count",
    }
    assert by_code["disability_percent"]["valueQuantity"]["value"] == (
        result.scores.disability_percent
    )
    assert result.scores.psychosocial_risk == "low"
    assert by_code["psychosocial_risk"]["valueCodeableConcept"] == {
        "coding": [
            {
                "system": "https://spinetriage.example/fhir/CodeSystem/score/psychosocial_risk",
                "code": "low",
                "display": "Low risk",
            }
        ],
        "text": "Low risk",
    }
    assert check_narrative(by_code["psychosocial_risk"]) == (
        "Psychosocial risk (STarT Back method): Low risk"
    )
    assert check_narrative(by_code["disability_percent"]) == (
        f"Disability, percent (Oswestry method): {result.scores.disability_percent:g} %"
    )
    assert by_code["failed_treatment_count"]["valueInteger"] == 0
    response_url = bundle["entry"][0]["fullUrl"]
    assert all(o["derivedFrom"] == [{"reference": response_url}] for o in observations)


def test_risk_assessment_narrative_says_tier_action_and_reasons(bank: Questionnaire) -> None:
    result = spinetriage.triage(answers(rf_fever="yes"), bank)
    (risk,) = resources(result_bundle(result, bank, AUTHORED), "RiskAssessment")
    reasons = "".join(
        f"{'Red flag: ' if r.red_flag else ''}{r.text} (rule {r.rule_id}; tier {r.tier})"
        for r in result.reasons
    )
    assert check_narrative(risk) == (
        f"Triage tier: Urgent assessment today (urgency: {result.urgency})"
        f"What to do: {result.action}"
        f"Why{reasons}{result.disclaimer}"
    )
    assert "Red flag: Fever with back pain" in reasons


def test_response_narrative_is_short(bank: Questionnaire) -> None:
    result = spinetriage.triage(answers(), bank)
    (response,) = resources(result_bundle(result, bank, AUTHORED), "QuestionnaireResponse")
    assert check_narrative(response) == (
        f"Answers to {bank.title}, version {bank.version}: {len(result.answers)} questions "
        "answered; authored 2025-03-04T05:06:07Z."
    )


def test_identifier_names_the_record_in_the_bundle_and_response(bank: Questionnaire) -> None:
    identifier = {"system": "urn:oid:1.2.3.4", "value": "R-17"}
    result = spinetriage.triage(answers(), bank)
    bundle = result_bundle(result, bank, AUTHORED, identifier=identifier)
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert bundle["identifier"] == response["identifier"] == identifier
    assert "(record R-17)" in check_narrative(response)
    check_bundle(bundle)


def test_answers_not_used_are_absent_from_the_response(bank: Questionnaire) -> None:
    """Answered but not asked (no leg pain, yet below the knee): left out, like the result does."""
    result = spinetriage.triage(answers(leg_pain="none", leg_pain_below_knee="yes"), bank)
    assert result.ignored_answers == ("leg_pain_below_knee",)
    (response,) = resources(result_bundle(result, bank, AUTHORED), "QuestionnaireResponse")
    link_ids = answered_link_ids(response)
    assert "leg_pain" in link_ids
    assert "leg_pain_below_knee" not in link_ids
    assert not {"diagnoses", "surgery_procedure", "postop_walking"} & link_ids


def test_unanswered_optional_sections_are_left_out(bank: Questionnaire) -> None:
    (response,) = resources(
        result_bundle(spinetriage.triage(answers(), bank), bank, AUTHORED),
        "QuestionnaireResponse",
    )
    assert "recovery" not in [group["linkId"] for group in response["item"]]


def test_multiple_choices_in_bank_order(bank: Questionnaire) -> None:
    result = spinetriage.triage(with_treatments("mind_body", "nsaids"), bank)
    (response,) = resources(result_bundle(result, bank, AUTHORED), "QuestionnaireResponse")
    (item,) = [i for i in walk(response["item"]) if i["linkId"] == "treatments_tried"]
    assert [a["valueCoding"]["code"] for a in item["answer"]] == ["nsaids", "mind_body"]


def test_same_inputs_give_the_same_bundle(bank: Questionnaire) -> None:
    result = spinetriage.triage(answers(rf_fever="yes"), bank)
    one = result_bundle(result, bank, AUTHORED, numbered_urns())
    assert one == result_bundle(result, bank, AUTHORED, numbered_urns())
    assert one["entry"][0]["fullUrl"] == "urn:uuid:00000000-0000-4000-8000-000000000001"


def test_authored_defaults_to_when_the_result_was_made_in_utc(
    bank: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPINETRIAGE_NOW")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = spinetriage.triage(answers(), bank)
    bundle = result_bundle(result, bank)
    after = datetime.now(timezone.utc)
    stamp = datetime.strptime(bundle["timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc
    )
    assert before <= stamp <= after
    assert stamp == result.made_at
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert response["authored"] == bundle["timestamp"]
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert len(set(urls)) == len(urls)


def test_authored_in_another_zone_is_written_in_utc(bank: Questionnaire) -> None:
    local = AUTHORED.astimezone(timezone(timedelta(hours=2)))
    bundle = result_bundle(spinetriage.triage(answers(), bank), bank, local)
    assert bundle["timestamp"] == "2025-03-04T05:06:07Z"


def test_naive_authored_time_is_refused(bank: Questionnaire) -> None:
    with pytest.raises(ValueError, match="needs a time zone"):
        result_bundle(spinetriage.triage(answers(), bank), bank, datetime(2025, 1, 1))
