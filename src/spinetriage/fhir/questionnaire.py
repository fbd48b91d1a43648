"""The question bank as a FHIR R4 Questionnaire (valid under R4B too), built as plain data.

One group item per section, holding one item per question: linkId = the question id, the FHIR
type, answer options as codings in the question's code system, `required`, `repeats` for a
multiple choice, and the `when` condition as `enableWhen` (or an SDC expression, see
enable_when.py). Core FHIR extensions carry the rest a form renderer can use: bounds and unit of
numbers, exclusive options ("none"), scoring points, and help text.
"""

from __future__ import annotations

from ..bank.model import Choice, Question, Questionnaire, Section
from ..conditions.values import QuestionType
from .common import (
    EXT,
    UCUM,
    Resource,
    answer_system,
    computable_name,
    fhir_id,
    group_link_id,
    questionnaire_url,
)
from .enable_when import enable_fields
from .narrative import bullets, narrative, paragraph

FHIR_TYPES = {
    QuestionType.YES_NO: "boolean",
    QuestionType.SINGLE_CHOICE: "choice",
    QuestionType.MULTI_CHOICE: "choice",
    QuestionType.INTEGER: "integer",
    QuestionType.NUMBER: "decimal",
}
#: UCUM codes for the units a bank may name; another unit is shown by its name only
UCUM_UNITS = {
    "minutes": "min",
    "hours": "h",
    "days": "d",
    "weeks": "wk",
    "months": "mo",
    "years": "a",
    "kg": "kg",
    "cm": "cm",
}
_ITEM_CONTROL = "http://hl7.org/fhir/questionnaire-item-control"


def questionnaire_resource(bank: Questionnaire) -> Resource:
    """The bank as a Questionnaire resource (JSON-ready dict)."""
    resource: Resource = {
        "resourceType": "Questionnaire",
        "id": fhir_id(bank.id),
        "text": _narrative(bank),
        "url": questionnaire_url(bank),
        "version": bank.version,
    }
    name = computable_name(bank.id)
    if name is not None:
        resource["name"] = name
    resource.update(
        {
            "title": bank.title,
            "status": "active",
            "subjectType": ["Patient"],
            "description": bank.disclaimer,
            "item": [_group(bank, section) for section in bank.sections],
        }
    )
    return resource


def _narrative(bank: Questionnaire) -> Resource:
    """The title and version, then each section with its number of questions."""
    count = len(bank.questions)
    return narrative(
        paragraph(
            f"version {bank.version}: {count} question{'s' if count != 1 else ''} in "
            f"{len(bank.sections)} sections; some are asked only after certain answers.",
            label=bank.title,
        ),
        bullets(f"{s.title}: {len(s.question_ids)} questions" for s in bank.sections),
    )


def _group(bank: Questionnaire, section: Section) -> Resource:
    items = []
    if section.intro:
        items.append({"linkId": f"{section.id}.intro", "type": "display", "text": section.intro})
    items.extend(_question(bank, bank.question(qid)) for qid in section.question_ids)
    return {
        "linkId": group_link_id(bank, section),
        "text": section.title,
        "type": "group",
        "item": items,
    }


def _question(bank: Questionnaire, question: Question) -> Resource:
    item: Resource = {
        "linkId": question.id,
        "text": question.text,
        "type": FHIR_TYPES[question.type],
        "required": question.required,
    }
    extensions = _number_extensions(question)
    if question.when is not None:
        enable = enable_fields(bank, question.when)
        extensions.extend(enable.pop("extension", []))
        item.update(enable)
    if question.type is QuestionType.MULTI_CHOICE:
        item["repeats"] = True
    if question.choices:
        item["answerOption"] = [_option(bank, question, c) for c in question.choices]
    if question.help:
        item["item"] = [_help(question)]
    if extensions:
        item = {"extension": extensions, **item}
    return item


def _number_extensions(question: Question) -> list[Resource]:
    if not question.type.is_numeric:
        return []
    kind = "valueInteger" if question.type is QuestionType.INTEGER else "valueDecimal"
    cast = int if question.type is QuestionType.INTEGER else float
    found: list[Resource] = []
    if question.minimum is not None:
        found.append({"url": EXT + "minValue", kind: cast(question.minimum)})
    if question.maximum is not None:
        found.append({"url": EXT + "maxValue", kind: cast(question.maximum)})
    if question.unit:
        unit: Resource = {"display": question.unit}
        if question.unit in UCUM_UNITS:
            unit = {"system": UCUM, "code": UCUM_UNITS[question.unit], **unit}
        found.append({"url": EXT + "questionnaire-unit", "valueCoding": unit})
    return found


def _option(bank: Questionnaire, question: Question, choice: Choice) -> Resource:
    coding = {"system": answer_system(bank, question), "code": choice.code, "display": choice.label}
    extensions: list[Resource] = []
    if choice.points is not None:
        extensions.append({"url": EXT + "ordinalValue", "valueDecimal": choice.points})
    if choice.exclusive:
        extensions.append({"url": EXT + "questionnaire-optionExclusive", "valueBoolean": True})
    option: Resource = {"valueCoding": coding}
    if extensions:
        option = {"extension": extensions, **option}
    return option


def _help(question: Question) -> Resource:
    control = {
        "coding": [{"system": _ITEM_CONTROL, "code": "help", "display": "Help-Button"}],
        "text": "Help-Button",
    }
    return {
        "extension": [{"url": EXT + "questionnaire-itemControl", "valueCodeableConcept": control}],
        "linkId": f"{question.id}.help",
        "type": "display",
        "text": question.help,
    }
