"""What the FHIR renderings share: canonical URLs, code systems, extension URLs and timestamps.

spinetriage has no web home of its own, so its canonical URLs live under a reserved example
domain (RFC 2606): they name the questionnaire and its codes; nothing needs to resolve them.
`CANONICAL_BASE` is the one place that domain is written: every URL below is built from it, and
`export-fhir --definitions` writes a CodeSystem and a ValueSet for every code system named here.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from typing import Any, TypeAlias

from ..bank.model import Question, Questionnaire, Section

#: A FHIR resource or element as plain JSON data.
Resource: TypeAlias = dict[str, Any]

CANONICAL_BASE = "https://spinetriage.example/fhir"
#: the derived scores (bank.score_vocabulary): the codes of the score Observations
SCORE_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/score"
#: the extension naming the input record a refused batch row's OperationOutcome is about
RECORD_ID_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/record-id"

EXT = "http://hl7.org/fhir/StructureDefinition/"
SDC_EXT = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
ENABLE_WHEN_EXPRESSION = SDC_EXT + "sdc-questionnaire-enableWhenExpression"
UCUM = "http://unitsofmeasure.org"

_FHIR_ID = re.compile(r"[^A-Za-z0-9\-.]")
_COMPUTABLE_NAME = re.compile(r"^[A-Z][A-Za-z0-9_]{0,254}$")
#: below U+0020 only tab, LF and CR are allowed; U+FFFE and U+FFFF are not characters in XML
_NOT_FHIR_STRING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def questionnaire_url(bank: Questionnaire) -> str:
    return f"{CANONICAL_BASE}/Questionnaire/{bank.id}"


def questionnaire_canonical(bank: Questionnaire) -> str:
    """`url|version`: the exact questionnaire a response answers."""
    return f"{questionnaire_url(bank)}|{bank.version}"


def answer_system(bank: Questionnaire, question: Question) -> str:
    """One code system per question: the same code (`none`) means different things elsewhere."""
    return f"{CANONICAL_BASE}/CodeSystem/{bank.id}/{question.id}"


def tier_system(bank: Questionnaire) -> str:
    """Beside the questions' systems, not among them: a question may be called `tier`."""
    return f"{CANONICAL_BASE}/CodeSystem/{bank.id}-tier"


def score_value_system(score: str) -> str:
    """The values of a banded score (`disability_band`: minimal, moderate, ...)."""
    return f"{SCORE_SYSTEM}/{score}"


def value_set_url(system: str) -> str:
    """The canonical URL of the ValueSet holding every code of the code system `system`."""
    return system.replace("/CodeSystem/", "/ValueSet/", 1)


def fhir_id(text: str) -> str:
    """`text` as a FHIR resource id: letters, digits, '-' and '.', at most 64 characters.

    A longer text is cut and given a short hash of the whole, so two long texts that start alike
    still get different ids.
    """
    found = _FHIR_ID.sub("-", text)
    if len(found) <= 64:
        return found
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{found[:55]}-{digest}"


def computable_name(text: str) -> str | None:
    """`text` as a FHIR computable name (`LowerBackTriage`), or None when it cannot be one."""
    name = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text))
    return name if _COMPUTABLE_NAME.match(name) else None


def fhir_string(text: str) -> str:
    """`text` as a FHIR string: the control characters FHIR (and XHTML) forbid replaced by �."""
    return _NOT_FHIR_STRING.sub("\ufffd", text)


def group_link_id(bank: Questionnaire, section: Section) -> str:
    """A section's group linkId: its id, unless a question has that id too."""
    return f"{section.id}.group" if section.id in bank.by_id else section.id


def fhir_datetime(moment: datetime | None = None) -> str:
    """A FHIR dateTime in UTC to the second (now when no moment is given)."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        raise ValueError("a FHIR dateTime needs a time zone; pass an aware datetime")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
