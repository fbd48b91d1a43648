"""What the FHIR renderings share: canonical URLs, code systems, extension URLs and timestamps.

spinetriage has no web home of its own, so its canonical URLs live under a reserved example
domain (RFC 2606): they name the questionnaire and its codes; nothing needs to resolve them.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, TypeAlias

from ..bank.model import Question, Questionnaire, Section

#: A FHIR resource or element as plain JSON data.
Resource: TypeAlias = dict[str, Any]

CANONICAL_BASE = "https://spinetriage.example/fhir"

EXT = "http://hl7.org/fhir/StructureDefinition/"
SDC_EXT = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
ENABLE_WHEN_EXPRESSION = SDC_EXT + "sdc-questionnaire-enableWhenExpression"
UCUM = "http://unitsofmeasure.org"

_FHIR_ID = re.compile(r"[^A-Za-z0-9\-.]")


def questionnaire_url(bank: Questionnaire) -> str:
    return f"{CANONICAL_BASE}/Questionnaire/{bank.id}"


def questionnaire_canonical(bank: Questionnaire) -> str:
    """`url|version`: the exact questionnaire a response answers."""
    return f"{questionnaire_url(bank)}|{bank.version}"


def answer_system(bank: Questionnaire, question: Question) -> str:
    """One code system per question: the same code (`none`) means different things elsewhere."""
    return f"{CANONICAL_BASE}/CodeSystem/{bank.id}/{question.id}"


def tier_system(bank: Questionnaire) -> str:
    return f"{CANONICAL_BASE}/CodeSystem/{bank.id}/tier"


def fhir_id(text: str) -> str:
    """`text` as a FHIR resource id: letters, digits, '-' and '.', at most 64 characters."""
    return _FHIR_ID.sub("-", text)[:64]


def group_link_id(bank: Questionnaire, section: Section) -> str:
    """A section's group linkId: its id, unless a question has that id too."""
    return f"{section.id}.group" if section.id in bank.by_id else section.id


def fhir_datetime(moment: datetime | None = None) -> str:
    """A FHIR dateTime in UTC to the second (now when no moment is given)."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        raise ValueError("a FHIR dateTime needs a time zone; pass an aware datetime")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
