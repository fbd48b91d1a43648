"""A result as a FHIR Bundle (type collection): the QuestionnaireResponse, the score Observations
and the triage as a RiskAssessment.

The response holds the answers to the questions that were asked, grouped by section as in the
Questionnaire. The RiskAssessment's qualitative risk is the tier; its basis is the response and
the scores; its notes give every reason with its rule and whether it is a red flag. The person is
not identified: spinetriage collects no name, so `subject` says who answered in words only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime

from .._version import __version__
from ..bank.model import Question, Questionnaire
from ..bank.score_vocabulary import DERIVED_SCORES
from ..conditions.values import AnswerValue, QuestionType
from ..scoring.result import STOPPED_EARLY, Reason, Result
from .common import (
    CANONICAL_BASE,
    UCUM,
    Resource,
    answer_system,
    fhir_datetime,
    group_link_id,
    questionnaire_canonical,
    tier_system,
)

SUBJECT = {"display": "The person who answered the questionnaire (not identified)"}
SCORE_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/score"
LOINC = "http://loinc.org"
_SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}


def _new_urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def result_bundle(
    result: Result,
    bank: Questionnaire,
    authored: datetime | None = None,
    new_urn: Callable[[], str] = _new_urn,
) -> Resource:
    """The Bundle for one result; `authored` defaults to when the result was made (written in
    UTC), `new_urn` to random UUIDs."""
    when = fhir_datetime(authored or result.made_at)
    response_urn = new_urn()
    if result.bank.content_hash != bank.content_hash:
        raise ValueError(f"the result was scored with another bank ({result.bank.content_hash})")
    entries = [(response_urn, questionnaire_response(bank, result.answer_map, when))]
    entries.extend((new_urn(), obs) for obs in score_observations(result, response_urn, when))
    basis = [response_urn, *(urn for urn, _ in entries[1:])]
    entries.append((new_urn(), risk_assessment(result, bank, basis, when)))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": when,
        "entry": [{"fullUrl": urn, "resource": resource} for urn, resource in entries],
    }


def questionnaire_response(
    bank: Questionnaire, answers: Mapping[str, AnswerValue], authored: str
) -> Resource:
    """Validated answers (those of a result: only the questions asked) as a response."""
    groups = []
    for section in bank.sections:
        items = [
            {
                "linkId": qid,
                "text": bank.question(qid).text,
                "answer": _answers(bank, bank.question(qid), answers[qid]),
            }
            for qid in section.question_ids
            if qid in answers
        ]
        if items:
            groups.append(
                {"linkId": group_link_id(bank, section), "text": section.title, "item": items}
            )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_canonical(bank),
        "status": "completed",
        "subject": SUBJECT,
        "authored": authored,
        "item": groups,
    }


def _answers(bank: Questionnaire, question: Question, value: AnswerValue) -> list[Resource]:
    if question.type is QuestionType.YES_NO:
        return [{"valueBoolean": value}]
    if question.type is QuestionType.INTEGER:
        return [{"valueInteger": value}]
    if question.type is QuestionType.NUMBER:
        return [{"valueDecimal": value}]
    chosen = value if isinstance(value, frozenset) else {value}
    system = answer_system(bank, question)
    return [
        {"valueCoding": {"system": system, "code": c.code, "display": c.label}}
        for c in question.choices
        if c.code in chosen
    ]


def score_observations(result: Result, response_urn: str, effective: str) -> list[Resource]:
    """One Observation per derived score that has a value (bank.score_vocabulary says which)."""
    found = []
    scores = result.scores.as_dict()
    for name, score in DERIVED_SCORES.items():
        value = scores.get(name)
        if value is None:
            continue
        codings = [{"system": SCORE_SYSTEM, "code": name, "display": score.fhir_title}]
        if score.loinc is not None:
            codings.append({"system": LOINC, "code": score.loinc, "display": score.fhir_title})
        observation: Resource = {
            "resourceType": "Observation",
            "status": "final",
            "category": [_SURVEY],
            "code": {"coding": codings},
            "subject": SUBJECT,
            "effectiveDateTime": effective,
            "derivedFrom": [{"reference": response_urn}],
        }
        if isinstance(value, str):
            coding = {"system": f"{SCORE_SYSTEM}/{name}", "code": value}
            observation["valueCodeableConcept"] = {"coding": [coding], "text": value}
        elif score.unit:
            observation["valueQuantity"] = {
                "value": value,
                "unit": score.unit,
                "system": UCUM,
                "code": score.unit,
            }
        else:
            observation["valueInteger"] = value
        found.append(observation)
    return found


def risk_assessment(
    result: Result, bank: Questionnaire, basis: list[str], occurred: str
) -> Resource:
    """The triage: qualitative risk = the tier, mitigation = its action, notes = the reasons."""
    tier = {"system": tier_system(bank), "code": result.tier, "display": result.tier_title}
    method = (
        f"spinetriage {__version__} rules of {questionnaire_canonical(bank)} "
        f"({result.bank.content_hash})"
    )
    return {
        "resourceType": "RiskAssessment",
        "status": "final",
        "method": {"text": method},
        "code": {"text": bank.title},
        "subject": SUBJECT,
        "occurrenceDateTime": occurred,
        "basis": [{"reference": urn} for urn in basis],
        "prediction": [
            {
                "qualitativeRisk": {"coding": [tier], "text": result.tier_title},
                "rationale": f"Urgency: {result.urgency}",
            }
        ],
        "mitigation": result.action,
        "note": [{"text": _reason_text(r)} for r in result.reasons]
        + [{"text": STOPPED_EARLY}] * result.stopped_early
        + [{"text": result.disclaimer}],
    }


def _reason_text(reason: Reason) -> str:
    flag = "Red flag: " if reason.red_flag else ""
    return f"{flag}{reason.text} (rule {reason.rule_id}; tier {reason.tier})"
