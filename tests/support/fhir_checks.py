"""Checks for the FHIR resources spinetriage writes, beyond what the fhir.resources models check.

The models check structure and primitive formats (R4B, the FHIR 4.x release fhir.resources ships;
it has no plain R4 package), but neither required code bindings nor invariants. So this module
also checks the codes we use against their R4 value sets, the Questionnaire invariants that apply
(que-1, 2, 5, 6, 7, 12), that a response fits its Questionnaire item for item, that every
resource has a generated narrative of plain XHTML (txt-1, txt-2) and every coding a display, and
it evaluates `enableWhen` (and the SDC expressions, with fhirpathpy) the way a form renderer
would.
"""

from __future__ import annotations

import operator
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhirpathpy import evaluate as fhirpath_evaluate
from fhirpathpy.models import models as fhirpath_models

from spinetriage.fhir.common import ENABLE_WHEN_EXPRESSION

Resource = dict[str, Any]

#: required bindings of the coded fields spinetriage writes (FHIR R4 value sets)
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
ITEM_TYPES = {
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string",
    "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
}  # fmt: skip
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}
RESPONSE_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
OBSERVATION_STATUS = {
    "registered", "preliminary", "final", "amended", "corrected", "cancelled",
    "entered-in-error", "unknown",
}  # fmt: skip
ANSWER_KEYS = {
    "boolean": "valueBoolean",
    "decimal": "valueDecimal",
    "integer": "valueInteger",
    "choice": "valueCoding",
}


XHTML = "{http://www.w3.org/1999/xhtml}"
#: the elements spinetriage's narratives may use: a subset of what txt-1 allows
NARRATIVE_ELEMENTS = {"div", "p", "b", "ul", "li", "table", "tr", "th", "td"}


def validate(resource: Resource) -> Any:
    """The fhir.resources R4B model of a resource, once its narrative and codings are checked;
    pydantic raises when it does not fit."""
    if resource["resourceType"] != "Bundle":
        check_narrative(resource)
    check_codings(resource)
    check_nothing_empty(resource)
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def check_nothing_empty(value: object, where: str = "") -> None:
    """FHIR JSON has no empty arrays, objects or strings (the models do not check this)."""
    if isinstance(value, dict):
        assert value, f"{where}: an empty object"
        for key, inner in value.items():
            check_nothing_empty(inner, f"{where}.{key}")
    elif isinstance(value, list):
        assert value, f"{where}: an empty array"
        for index, inner in enumerate(value):
            check_nothing_empty(inner, f"{where}[{index}]")
    elif isinstance(value, str):
        assert value.strip(), f"{where}: an empty string"


def check_narrative(resource: Resource) -> str:
    """A generated narrative: one XHTML div of basic elements, no attributes but the namespace,
    with some text (txt-1, txt-2). Returns the text, for tests to read."""
    text = resource["text"]
    assert text["status"] == "generated"
    root = ElementTree.fromstring(text["div"])  # raises unless well-formed XML
    assert root.tag == f"{XHTML}div"
    assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    for element in root.iter():
        assert element.tag.startswith(XHTML), element.tag
        assert element.tag.removeprefix(XHTML) in NARRATIVE_ELEMENTS, element.tag
        assert not element.attrib, element.attrib
    words = "".join(root.itertext())
    assert words.strip(), "txt-2: the narrative needs some text"
    return words


def codings(value: object) -> Iterator[Resource]:
    """Every Coding in a resource (in a CodeableConcept, a valueCoding or an answerCoding)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("valueCoding", "answerCoding"):
                yield inner
            elif key == "coding":
                yield from inner
            else:
                yield from codings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from codings(inner)


def _concepts(value: object) -> Iterator[Resource]:
    if isinstance(value, dict):
        if "coding" in value:
            yield value
        for inner in value.values():
            yield from _concepts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _concepts(inner)


def check_codings(resource: Resource) -> None:
    """Every coding carries a display, and every CodeableConcept a text, for people to read."""
    for coding in codings(resource):
        assert coding.get("display"), coding
    for concept in _concepts(resource):
        assert concept.get("text"), concept


def walk(items: list[Resource]) -> Iterator[Resource]:
    """Every item, depth first (questionnaire items, or response items and answer items)."""
    for item in items:
        yield item
        yield from walk(item.get("item", []))
        for answer in item.get("answer", []):
            yield from walk(answer.get("item", []))


def check_questionnaire(questionnaire: Resource) -> dict[str, Resource]:
    """Invariants and bindings; returns the items by linkId."""
    validate(questionnaire)
    assert questionnaire["status"] in PUBLICATION_STATUS
    items = list(walk(questionnaire["item"]))
    by_link = {item["linkId"]: item for item in items}
    assert len(by_link) == len(items), "que-2: linkIds must be unique"
    for item in items:
        kind = item["type"]
        assert kind in ITEM_TYPES
        if kind == "group":
            assert item.get("item"), f"que-1: group {item['linkId']} needs items"
        if kind == "display":
            assert "item" not in item, "que-1: display items cannot have nested items"
            assert not {"required", "repeats"} & item.keys(), "que-6"
        if "answerOption" in item:
            assert kind in ("choice", "open-choice"), "que-5"
        _check_enable_when(item, by_link)
    return by_link


def _check_enable_when(item: Resource, by_link: dict[str, Resource]) -> None:
    conditions = item.get("enableWhen", [])
    if len(conditions) > 1:
        assert item.get("enableBehavior") in ("all", "any"), "que-12"
    else:
        assert "enableBehavior" not in item
    if any(e["url"] == ENABLE_WHEN_EXPRESSION for e in item.get("extension", [])):
        assert not conditions, "SDC: enableWhen and enableWhenExpression cannot both be present"
    for condition in conditions:
        target = by_link[condition["question"]]
        answer_keys = [k for k in condition if k.startswith("answer")]
        assert len(answer_keys) == 1
        if condition["operator"] == "exists":
            assert answer_keys == ["answerBoolean"], "que-7"
            continue
        assert condition["operator"] in OPERATORS
        kind = target["type"]
        assert answer_keys == [ANSWER_KEYS[kind].replace("value", "answer")]
        if kind == "choice":
            assert condition["answerCoding"] in [o["valueCoding"] for o in target["answerOption"]]


def check_response(response: Resource, questionnaire: Resource) -> None:
    """The response fits its questionnaire: same nesting, texts, answer types and options."""
    validate(response)
    assert response["status"] in RESPONSE_STATUS
    assert response["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"
    _check_response_items(response["item"], questionnaire["item"])


def _check_response_items(items: list[Resource], definitions: list[Resource]) -> None:
    by_link = {d["linkId"]: d for d in definitions}
    link_ids = [item["linkId"] for item in items]
    assert len(set(link_ids)) == len(link_ids), "qrs-2: one item per linkId"
    assert link_ids == [d["linkId"] for d in definitions if d["linkId"] in link_ids], "order"
    for item in items:
        definition = by_link[item["linkId"]]
        assert item.get("text") == definition.get("text")
        assert not ("item" in item and "answer" in item), "qrs-1"
        if definition["type"] == "group":
            assert item["item"], "an empty group is left out"
            _check_response_items(item["item"], definition["item"])
            continue
        answers = item["answer"]
        assert len(answers) == 1 or (definition.get("repeats") and answers)
        for answer in answers:
            assert list(answer) == [ANSWER_KEYS[definition["type"]]]
            if definition["type"] == "choice":
                assert answer["valueCoding"] in [
                    o["valueCoding"] for o in definition["answerOption"]
                ]


def check_bundle(bundle: Resource) -> None:
    """A collection whose references all resolve to its own entries."""
    validate(bundle)
    assert bundle["type"] == "collection"
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(urls)) == len(urls), "bdl-7"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        validate(resource)
        if resource["resourceType"] in ("Observation", "RiskAssessment"):
            assert resource["status"] in OBSERVATION_STATUS
        for reference in _references(resource):
            assert reference in urls


def _references(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            yield value["reference"]
        for inner in value.values():
            yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def enabled_questions(questionnaire: Resource, response: Resource) -> set[str]:
    """The question linkIds a form renderer enables, given the answers in `response`."""
    answers: dict[str, list[Any]] = {}
    for item in walk(response.get("item", [])):
        if "answer" in item:
            answers[item["linkId"]] = [next(iter(a.values())) for a in item["answer"]]
    return {
        item["linkId"]
        for item in walk(questionnaire["item"])
        if item["type"] not in ("group", "display") and _enabled(item, answers, response)
    }


def _enabled(item: Resource, answers: dict[str, list[Any]], response: Resource) -> bool:
    for extension in item.get("extension", []):
        if extension["url"] == ENABLE_WHEN_EXPRESSION:
            expression = extension["valueExpression"]["expression"]
            found = fhirpath_evaluate(
                response, expression, {"resource": response}, fhirpath_models["r4"]
            )
            assert found in ([True], [False]), f"{expression} gave {found}"
            return bool(found[0])
    conditions = item.get("enableWhen", [])
    if not conditions:
        return True
    results = [
        _holds(condition, answers.get(condition["question"], [])) for condition in conditions
    ]
    return all(results) if item.get("enableBehavior", "all") == "all" else any(results)


def _holds(condition: Resource, answers: list[Any]) -> bool:
    key = next(k for k in condition if k.startswith("answer"))
    expected = condition[key]
    if condition["operator"] == "exists":
        return bool(answers) is expected
    compare = OPERATORS[condition["operator"]]
    if key == "answerCoding":
        return any(
            (a["system"], a["code"]) == (expected["system"], expected["code"]) for a in answers
        )
    return any(compare(answer, expected) for answer in answers)
