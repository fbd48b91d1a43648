"""The definitions behind spinetriage's FHIR codes, for a server to validate against.

`definitions_bundle(bank)` is a collection Bundle holding, for every code system the output
names, a CodeSystem (every code with its display) and a ValueSet of all its codes:

- each choice question's answers (the bank's version): the Questionnaire's answer options, the
  response's answers and `enableWhen` use them;
- the bank's tiers: the RiskAssessment's qualitative risk;
- the derived scores, and the values of each banded score (this spinetriage's version, since
  bank.score_vocabulary defines them): the Observations' codes and values;

and a StructureDefinition for the one extension of spinetriage's own (a refused row's record
id). Everything is derived from the bank and the score table, with the canonical URLs of
fhir.common, so the definitions and the output cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .._version import __version__
from ..bank.model import Questionnaire
from ..bank.score_vocabulary import DERIVED_SCORES
from .common import (
    CANONICAL_BASE,
    RECORD_ID_EXTENSION,
    SCORE_SYSTEM,
    Resource,
    answer_system,
    computable_name,
    fhir_id,
    score_value_system,
    tier_system,
    value_set_url,
)
from .narrative import narrative, paragraph, row, table

#: the FHIR release the definitions are written for (valid under R4B too)
FHIR_VERSION = "4.0.1"


@dataclass(frozen=True, slots=True)
class CodeList:
    """One code system: its canonical URL, version, title, what it is for, and its codes."""

    system: str
    version: str
    title: str
    description: str
    #: (code, display, definition or "")
    codes: tuple[tuple[str, str, str], ...]


def code_lists(bank: Questionnaire) -> Iterator[CodeList]:
    """Every code system of spinetriage's own that the FHIR output of `bank` uses."""
    for question in bank.questions:
        if question.choices:
            yield CodeList(
                answer_system(bank, question),
                bank.version,
                f"{bank.title}: answers to {question.id}",
                f"The answers to the question '{question.text}'",
                tuple((c.code, c.label, "") for c in question.choices),
            )
    yield CodeList(
        tier_system(bank),
        bank.version,
        f"{bank.title}: triage tiers",
        "The treatment tiers, most urgent first",
        tuple((t.id, t.title, f"Urgency: {t.urgency}. {t.action}") for t in bank.tiers),
    )
    yield CodeList(
        SCORE_SYSTEM,
        __version__,
        "spinetriage derived scores",
        "The scores spinetriage works out from the answers",
        tuple((name, spec.fhir_title, spec.label) for name, spec in DERIVED_SCORES.items()),
    )
    for name, spec in DERIVED_SCORES.items():
        if spec.values:
            yield CodeList(
                score_value_system(name),
                __version__,
                f"{spec.fhir_title}: values",
                f"The values of the score '{spec.fhir_title}'",
                tuple((v, spec.display(v), "") for v in spec.values),
            )


def definitions_bundle(bank: Questionnaire) -> Resource:
    """The CodeSystems, ValueSets and StructureDefinition as one collection Bundle."""
    resources: list[Resource] = []
    for codes in code_lists(bank):
        resources.append(code_system(codes))
        resources.append(value_set(codes))
    resources.append(record_id_extension())
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"{CANONICAL_BASE}/{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }


def _header(kind: str, url: str, version: str, title: str, description: str) -> Resource:
    """What every definition starts with; the id is the canonical URL's path, made an id."""
    path = url.split(f"/{kind}/", 1)[1]
    header: Resource = {
        "resourceType": kind,
        "id": fhir_id(path.replace("/", ".").replace("_", "-")),
        "url": url,
        "version": version,
    }
    name = computable_name(title)
    if name is not None:
        header["name"] = name
    header.update({"title": title, "status": "active", "description": description})
    return header


def code_system(codes: CodeList) -> Resource:
    resource = _header("CodeSystem", codes.system, codes.version, codes.title, codes.description)
    rows = [row(code, display) for code, display, _ in codes.codes]
    resource["text"] = narrative(
        paragraph(f"{codes.description}: {len(rows)} codes.", label=codes.title),
        table(("Code", "Display"), rows),
    )
    concepts = []
    for code, display, definition in codes.codes:
        concept = {"code": code, "display": display}
        if definition:
            concept["definition"] = definition
        concepts.append(concept)
    resource.update(
        {
            "caseSensitive": True,
            "valueSet": value_set_url(codes.system),
            "content": "complete",
            "count": len(concepts),
            "concept": concepts,
        }
    )
    return resource


def value_set(codes: CodeList) -> Resource:
    url = value_set_url(codes.system)
    resource = _header("ValueSet", url, codes.version, codes.title, codes.description)
    resource["text"] = narrative(
        paragraph(f"Every code of {codes.system} (version {codes.version}).", label=codes.title)
    )
    resource["compose"] = {"include": [{"system": codes.system, "version": codes.version}]}
    return resource


def record_id_extension() -> Resource:
    """The extension a refused batch row's OperationOutcome names its record with."""
    what = "The id of the input record (a batch row) this resource is about"
    resource = _header(
        "StructureDefinition", RECORD_ID_EXTENSION, __version__, "spinetriage record id", what
    )
    resource["text"] = narrative(
        paragraph(f"{what}: an Identifier, on an OperationOutcome.", label="Extension")
    )
    resource.update(
        {
            "fhirVersion": FHIR_VERSION,
            "kind": "complex-type",
            "abstract": False,
            "context": [{"type": "element", "expression": "OperationOutcome"}],
            "type": "Extension",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
            "derivation": "constraint",
            "differential": {
                "element": [
                    {"id": "Extension", "path": "Extension", "short": what, "max": "1"},
                    {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
                    {
                        "id": "Extension.url",
                        "path": "Extension.url",
                        "fixedUri": RECORD_ID_EXTENSION,
                    },
                    {
                        "id": "Extension.value[x]",
                        "path": "Extension.value[x]",
                        "min": 1,
                        "type": [{"code": "Identifier"}],
                    },
                ]
            },
        }
    )
    return resource
