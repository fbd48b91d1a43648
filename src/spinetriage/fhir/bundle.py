"""A result as a FHIR Bundle (type collection): the QuestionnaireResponse, the score Observations
and the triage as a RiskAssessment.

The response holds the answers to the questions that were asked, grouped by section as in the
Questionnaire. The RiskAssessment's qualitative risk is the tier; its basis is the response and
the scores; its notes give every reason with its rule and whether it is a red flag. The person is
not identified: spinetriage collects no name, so `subject` says who answered in words only. The
record the answers come from, when it has an id, is the Bundle's and the response's identifier.
Every resource has a short narrative saying what it holds in words.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime

from .._version import __version__
from ..bank.model import Question, Questionnaire, Section
from ..bank.score_vocabulary import DERIVED_SCORES, ScoreSpec
from ..conditions.values import AnswerValue, QuestionType
from ..scoring.result import STOPPED_EARLY, Reason, Result
from .common import (
    SCORE_SYSTEM,
    UCUM,
    Resource,
    answer_system,
    fhir_datetime,
    group_link_id,
    questionnaire_canonical,
    score_value_system,
    tier_system,
)
from .narrative import bullets, heading, narrative, paragraph

SUBJECT = {"display": "The person who answered the questionnaire (not identified)"}
LOINC = "http://loinc.org"
_SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ],
    "text": "Survey",
}


def _new_urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def result_bundle(
    result: Result,
    bank: Questionnaire,
    authored: datetime | None = None,
    new_urn: Callable[[], str] = _new_urn,
    identifier: Resource | None = None,
) -> Resource:
    """The Bundle for one result; `authored` defaults to when the result was made (written in
    UTC), `new_urn` to random UUIDs.

    `identifier` (fhir.identity) names the record the answers come from.
    """
    when = fhir_datetime(authored or result.made_at)
    response_urn = new_urn()
    if result.bank.content_hash != bank.content_hash:
        raise ValueError(f"the result was scored with another bank ({result.bank.content_hash})")
    response = questionnaire_response(bank, result.answer_map, when, identifier)
    entries = [(response_urn, response)]
    entries.extend((new_urn(), obs) for obs in score_observations(result, response_urn, when))
    basis = [response_urn, *(urn for urn, _ in entries[1:])]
    entries.append((new_urn(), risk_assessment(result, bank, basis, when)))
    bundle: Resource = {"resourceType": "Bundle"}
    if identifier is not None:
        bundle["identifier"] = identifier
    bundle.update(
        {
            "type": "collection",
            "timestamp": when,
            "entry": [{"fullUrl": urn, "resource": resource} for urn, resource in entries],
        }
    )
    return bundle


def questionnaire_response(
    bank: Questionnaire,
    answers: Mapping[str, AnswerValue],
    authored: str,
    identifier: Resource | None = None,
) -> Resource:
    """Validated answers (those of a result: only the questions asked) as a response."""
    groups = []
    for section in bank.sections:
        items = [
            response_item(bank, qid, answers[qid]) for qid in section.question_ids if qid in answers
        ]
        if items:
            groups.append({**response_group(bank, section), "item": items})
    response = response_without_items(bank, len(answers), authored, identifier)
    if groups:  # a bank of optional questions may have none answered; FHIR has no empty lists
        response["item"] = groups
    return response


def response_without_items(
    bank: Questionnaire, count: int, authored: str, identifier: Resource | None
) -> Resource:
    """The response to `count` questions up to its items (`item`, the last key, left out)."""
    # short: the answers themselves are in the items, which any FHIR viewer shows
    record = f" (record {identifier['value']})" if identifier is not None else ""
    summary = (
        f"Answers to {bank.title}, version {bank.version}{record}: {count} "
        f"question{'s' if count != 1 else ''} answered; authored {authored}."
    )
    response: Resource = {
        "resourceType": "QuestionnaireResponse",
        "text": narrative(paragraph(summary)),
    }
    if identifier is not None:
        response["identifier"] = identifier
    response.update(
        {
            "questionnaire": questionnaire_canonical(bank),
            "status": "completed",
            "subject": SUBJECT,
            "authored": authored,
        }
    )
    return response


def response_group(bank: Questionnaire, section: Section) -> Resource:
    """A section's group of items, up to its items (`item`, the last key, left out)."""
    return {"linkId": group_link_id(bank, section), "text": section.title}


def response_item(bank: Questionnaire, question_id: str, value: AnswerValue) -> Resource:
    """One answered question as a response item."""
    question = bank.question(question_id)
    return {
        "linkId": question_id,
        "text": question.text,
        "answer": _answers(bank, question, value),
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


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def score_observations(result: Result, response_urn: str, effective: str) -> list[Resource]:
    """One Observation per derived score that has a value (bank.score_vocabulary says which)."""
    found = []
    scores = result.scores.as_dict()
    for name, score in DERIVED_SCORES.items():
        value = scores.get(name)
        if value is not None:
            found.append(score_observation(score, value, response_urn, effective))
    return found


def score_observation(
    score: ScoreSpec, value: object, response_urn: str, effective: str
) -> Resource:
    """The Observation of one derived score's value."""
    codings = [{"system": SCORE_SYSTEM, "code": score.name, "display": score.fhir_title}]
    if score.loinc is not None:
        codings.append({"system": LOINC, "code": score.loinc, "display": score.fhir_title})
    kind, fhir_value, shown = _score_value(score, value)
    return {
        "resourceType": "Observation",
        "text": narrative(paragraph(shown, label=score.fhir_title)),
        "status": "final",
        "category": [_SURVEY],
        "code": {"coding": codings, "text": score.fhir_title},
        "subject": SUBJECT,
        "effectiveDateTime": effective,
        "derivedFrom": [{"reference": response_urn}],
        kind: fhir_value,
    }


def _score_value(score: ScoreSpec, value: object) -> tuple[str, object, str]:
    """The Observation's value[x] key, its value, and the value in words."""
    if isinstance(value, str):
        display = score.display(value)
        coding = {"system": score_value_system(score.name), "code": value, "display": display}
        return "valueCodeableConcept", {"coding": [coding], "text": display}, display
    assert isinstance(value, (int, float))
    if score.unit:
        quantity = {"value": value, "unit": score.unit, "system": UCUM, "code": score.unit}
        return "valueQuantity", quantity, f"{_number(value)} {score.unit}"
    return "valueInteger", value, _number(value)


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
        "text": _risk_narrative(result, bank),
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
        "mitigation": " ".join((result.action, *result.actions)),
        "note": [{"text": reason_text(r)} for r in result.reasons]
        + [{"text": STOPPED_EARLY}] * result.stopped_early
        + [{"text": result.disclaimer}],
    }


def _risk_narrative(result: Result, bank: Questionnaire) -> Resource:
    """The tier, what to do, and why, in words."""
    return narrative(
        paragraph(f"{result.tier_title} (urgency: {result.urgency})", label="Triage tier"),
        paragraph(" ".join((result.action, *result.actions)), label="What to do"),
        paragraph(
            ", ".join(result.set_aside_tiers),
            label="Also matched, if the person changes their mind",
        )
        if result.set_aside_tiers
        else "",
        heading("Why") if result.reasons else "",
        bullets(reason_text(r) for r in result.reasons),
        paragraph(STOPPED_EARLY) if result.stopped_early else "",
        paragraph(result.disclaimer),
    )


def reason_text(reason: Reason) -> str:
    flag = "Red flag: " if reason.red_flag else ""
    note = f" Evidence note: {reason.evidence_note}" if reason.evidence_note else ""
    return f"{flag}{reason.text} (rule {reason.rule_id}; tier {reason.tier}){note}"
