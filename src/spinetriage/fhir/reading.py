"""Read raw answers back from a FHIR QuestionnaireResponse (alone or inside a Bundle).

The response must be for this bank's Questionnaire (its canonical URL, and the same version when
it names one). A resource of the wrong shape is an InputFileError (exit 2); answers that do not
fit their question (an unknown code system, two answers to a single-answer question) are an
AnswerError (exit 1). The raw answers then go through the normal validation like any answer
file, so a value out of range or a missing answer is reported the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..bank.model import Question, Questionnaire
from ..conditions.values import QuestionType
from ..errors import AnswerError, InputFileError, Problem
from .common import Resource, answer_system, questionnaire_url

RESPONSE = "QuestionnaireResponse"
#: answer value types that carry a plain value; valueCoding is read as its code
_PLAIN_VALUES = ("valueBoolean", "valueInteger", "valueDecimal", "valueString")


def find_response(resource: Resource) -> Resource:
    """The QuestionnaireResponse itself, or the one inside a Bundle."""
    kind = resource.get("resourceType")
    if kind == RESPONSE:
        return resource
    if kind != "Bundle":
        raise InputFileError(f"a FHIR {kind} resource; expected a {RESPONSE} or a Bundle with one")
    entries = resource.get("entry", [])
    if not isinstance(entries, list):
        raise InputFileError("Bundle.entry is not a list")
    found = [
        entry["resource"]
        for entry in entries
        if isinstance(entry, dict)
        and isinstance(entry.get("resource"), dict)
        and entry["resource"].get("resourceType") == RESPONSE
    ]
    if len(found) != 1:
        raise InputFileError(f"the Bundle holds {len(found)} {RESPONSE} resources; expected one")
    response: Resource = found[0]
    return response


def check_questionnaire(bank: Questionnaire, response: Resource) -> None:
    """The response must answer this bank's Questionnaire, in this version if it names one."""
    expected = questionnaire_url(bank)
    canonical = response.get("questionnaire")
    if not isinstance(canonical, str) or not canonical:
        raise InputFileError(f"the {RESPONSE} does not name its questionnaire; expected {expected}")
    url, _, version = canonical.partition("|")
    if url != expected:
        raise InputFileError(
            f"the {RESPONSE} answers questionnaire {url}, not this bank's {expected}"
        )
    if version and version != bank.version:
        raise InputFileError(
            f"the {RESPONSE} answers version {version} of the questionnaire; this bank is "
            f"version {bank.version} (use --questions with the bank of version {version})"
        )
    if response.get("status") == "entered-in-error":
        raise InputFileError(f"the {RESPONSE} has status entered-in-error")


def answers_from_response(bank: Questionnaire, resource: Resource) -> dict[str, object]:
    """Raw answers (question id to value or list of values) from a response or a Bundle."""
    response = find_response(resource)
    check_questionnaire(bank, response)
    raw: dict[str, object] = {}
    problems: list[Problem] = []
    for link_id, answers, where in _answered_items(response.get("item", []), RESPONSE):
        values = [_value(answer, f"{where}.answer[{i}]") for i, answer in enumerate(answers)]
        question = bank.by_id.get(link_id)
        if link_id in raw:
            problems.append(Problem.of_question(link_id, f"answered twice (again at {where})"))
        elif question is None:  # validation reports it as an unknown question
            raw[link_id] = values[0] if len(values) == 1 else values
        elif question.type is QuestionType.MULTI_CHOICE:
            raw[link_id] = [_code(bank, question, v, problems) for v in values]
        elif len(values) != 1:
            problems.append(Problem.of_question(link_id, f"{len(values)} answers; it takes one"))
        else:
            raw[link_id] = _code(bank, question, values[0], problems)
    if problems:
        raise AnswerError(problems)
    return raw


def _answered_items(items: object, where: str) -> Iterator[tuple[str, list[Any], str]]:
    """(linkId, answers, location) of every item with answers, at any depth."""
    if not isinstance(items, list):
        raise InputFileError(f"{where}.item is not a list")
    for index, item in enumerate(items):
        here = f"{where}.item[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("linkId"), str):
            raise InputFileError(f"{here} is not an item with a linkId")
        here = f"{here} ('{item['linkId']}')"
        answers = item.get("answer", [])
        if not isinstance(answers, list):
            raise InputFileError(f"{here}.answer is not a list")
        if answers:
            yield item["linkId"], answers, here
        yield from _answered_items(item.get("item", []), here)
        for answer in answers:
            if isinstance(answer, dict):
                yield from _answered_items(answer.get("item", []), here)


def _value(answer: object, where: str) -> object:
    if isinstance(answer, dict):
        kinds = [key for key in answer if key.startswith("value")]
        if len(kinds) == 1 and (kinds[0] in _PLAIN_VALUES or kinds[0] == "valueCoding"):
            return answer[kinds[0]]
        if len(kinds) == 1:
            raise InputFileError(
                f"{where}: {kinds[0]} is not an answer spinetriage reads (use valueBoolean, "
                "valueCoding, valueInteger, valueDecimal or valueString)"
            )
    raise InputFileError(f"{where}: an answer needs exactly one value[x]")


def _code(
    bank: Questionnaire, question: Question, value: object, problems: list[Problem]
) -> object:
    """A coding's code, after checking its system; other values are left to validation."""
    if not isinstance(value, dict):
        return value
    code, system = value.get("code"), value.get("system")
    expected = answer_system(bank, question)
    if not isinstance(code, str) or not code:
        problems.append(Problem.of_question(question.id, "a coding without a code"))
    elif question.choices and system is not None and system != expected:
        problems.append(
            Problem.of_question(
                question.id, f"code system {system} is not this questionnaire's ({expected})"
            )
        )
    return code
