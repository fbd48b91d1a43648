"""Read answers back from a FHIR QuestionnaireResponse (alone or inside a Bundle), strictly.

The response must be for this bank's Questionnaire (its canonical URL, and the same version when
it names one), and each answer exactly of the type the Questionnaire declares for its item:
valueBoolean for a boolean item, a valueCoding from the item's code system with one of its codes
(exact case) for a choice item, valueInteger for an integer item and valueDecimal for a decimal
one. Anything else is refused, naming the question (its linkId) and what is allowed: a form
system that wrote `valueString "yes"` has a bug worth hearing about, not an answer to guess at.

Only a finished form is scored: status `completed` or `amended`. An `in-progress` or `stopped`
response is refused (exit 1) like an answer set with missing answers, and, like one, still
reports any red flag its answers hold. A resource of the wrong shape is an InputFileError (exit
2); answers that do not fit are an AnswerError (exit 1). The answers then go through the normal
validation like any answer file, so a value out of range or a missing answer is reported the
same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..answers.files import AnswerFile, RecordId
from ..answers.values import shown_value
from ..bank.dictionary import allowed_values
from ..bank.model import Question, Questionnaire
from ..conditions.values import AnswerValue, QuestionType
from ..errors import AnswerError, InputFileError, Problem
from ..scoring.decision import red_flags_among
from .common import Resource, answer_system, questionnaire_url

RESPONSE = "QuestionnaireResponse"
#: a finished form: its answers are read
FINISHED = ("completed", "amended")
#: a form not finished (`stopped`: abandoned): refused, its red flags still reported
NOT_FINISHED = ("in-progress", "stopped")
#: a code system in a message is quoted whole up to this length (a URL is long; its end matters)
SYSTEM_SHOWN_LIMIT = 300
#: the value[x] an item of each question type takes
VALUE_KEYS = {
    QuestionType.YES_NO: "valueBoolean",
    QuestionType.SINGLE_CHOICE: "valueCoding",
    QuestionType.MULTI_CHOICE: "valueCoding",
    QuestionType.INTEGER: "valueInteger",
    QuestionType.NUMBER: "valueDecimal",
}


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
    status = response.get("status")
    if status == "entered-in-error":
        raise InputFileError(f"the {RESPONSE} has status entered-in-error")
    if status not in (*FINISHED, *NOT_FINISHED):
        shown = "no status" if status is None else f"status {shown_value(status)}"
        raise InputFileError(
            f"the {RESPONSE} has {shown}; allowed: {' or '.join(FINISHED)} (a finished form)"
        )


def read_response(bank: Questionnaire, resource: Resource) -> AnswerFile:
    """The answers (question id to value or list of values) of a response or a Bundle holding
    one, with its identifier as the record id."""
    response = find_response(resource)
    check_questionnaire(bank, response)
    record_id = _record_id(response)
    raw: dict[str, object] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for link_id, answers, where in _answered_items(response.get("item", []), RESPONSE):
        values = [_value(answer, f"{where}.answer[{i}]") for i, answer in enumerate(answers)]
        question = bank.by_id.get(link_id)
        if link_id in seen:
            problems.append(Problem.of_question(link_id, f"answered twice (again at {where})"))
        elif question is None:  # validation reports it as an unknown question
            raw[link_id] = [value for _, value in values]
        elif question.type is not QuestionType.MULTI_CHOICE and len(values) != 1:
            problems.append(Problem.of_question(link_id, f"{len(values)} answers; it takes one"))
        else:
            typed = _typed(bank, question, values, problems)
            if typed is not None:
                raw[link_id] = typed
        seen.add(link_id)
    status = response["status"]
    if status in NOT_FINISHED:
        problems.insert(
            0,
            Problem(
                message=f"the {RESPONSE} has status {status}: the form is not finished, so it "
                f"is not scored; allowed: {' or '.join(FINISHED)}"
            ),
        )
    if problems:
        raise AnswerError(problems, red_flags_among(bank, raw))
    return AnswerFile(raw, record_id)


def answers_from_response(bank: Questionnaire, resource: Resource) -> dict[str, object]:
    """The answers alone (see `read_response`)."""
    return read_response(bank, resource).answers


def _record_id(response: Resource) -> RecordId | None:
    found = response.get("identifier")
    if found is None:
        return None
    if not isinstance(found, dict):
        raise InputFileError(f"{RESPONSE}.identifier is not one Identifier (an object)")
    value, system = found.get("value"), found.get("system")
    if not isinstance(value, (str, type(None))) or not isinstance(system, (str, type(None))):
        raise InputFileError(f"{RESPONSE}.identifier: its system and value must be text")
    return RecordId(value, system) if value and value.strip() else None


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


def _value(answer: object, where: str) -> tuple[str, object]:
    """An answer's value[x]: its key and its value."""
    if isinstance(answer, dict):
        kinds = [key for key in answer if key.startswith("value")]
        if len(kinds) == 1:
            return kinds[0], answer[kinds[0]]
    raise InputFileError(f"{where}: an answer needs exactly one value[x]")


class _NotAllowed(ValueError):
    """An answer of the wrong type for its item; the message says what was given."""


def _typed(
    bank: Questionnaire,
    question: Question,
    values: list[tuple[str, object]],
    problems: list[Problem],
) -> AnswerValue | list[AnswerValue] | None:
    """The answer(s) to `question` exactly as its item declares them, or None (with problems)."""
    typed: list[AnswerValue] = []
    for kind, value in values:
        try:
            typed.append(_typed_value(bank, question, kind, value))
        except _NotAllowed as given:
            problems.append(
                Problem.of_question(
                    question.id, f"{given} is not allowed; allowed: {_allowed(bank, question)}"
                )
            )
            return None
    return typed if question.type is QuestionType.MULTI_CHOICE else typed[0]


def _typed_value(bank: Questionnaire, question: Question, kind: str, value: object) -> AnswerValue:
    if kind != VALUE_KEYS[question.type]:
        raise _NotAllowed(f"{kind} {_shown(value)}")
    if question.type is QuestionType.YES_NO and isinstance(value, bool):
        return value
    if question.type is QuestionType.INTEGER and type(value) is int:
        return value
    if question.type is QuestionType.NUMBER and type(value) in (int, float):
        return value  # type: ignore[return-value]
    if question.type.has_choices:
        return _code(bank, question, value)
    raise _NotAllowed(f"{kind} {_shown(value)}")


def _code(bank: Questionnaire, question: Question, coding: object) -> str:
    """The code of a coding from the question's own system, in its exact case."""
    if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
        raise _NotAllowed("a valueCoding without a code")
    code, system = coding["code"], coding.get("system")
    if system is None:
        raise _NotAllowed(f"valueCoding {shown_value(code)} without a system")
    if system != answer_system(bank, question):
        raise _NotAllowed(f"valueCoding {shown_value(code)} from system {_shown_system(system)}")
    if code not in question.codes:
        raise _NotAllowed(f"valueCoding {shown_value(code)}")
    return str(code)


def _shown_system(system: object) -> str:
    """A code system as a message quotes it: whole, unless it is far longer than a URL."""
    if isinstance(system, str) and len(system) <= SYSTEM_SHOWN_LIMIT:
        return repr(system)
    return shown_value(system)


def _shown(value: object) -> str:
    """A value as a message quotes it: a coding by its code, true and false as JSON has them."""
    if isinstance(value, dict) and "code" in value:
        value = value["code"]
    if isinstance(value, bool):
        return "true" if value else "false"
    return shown_value(value)


def _allowed(bank: Questionnaire, question: Question) -> str:
    """What the item takes, in FHIR's terms."""
    kind = VALUE_KEYS[question.type]
    if question.type is QuestionType.YES_NO:
        return f"{kind} true or false"
    if question.type.has_choices:
        codes = question.codes
        listed = ", ".join(codes[:-1]) + f" or {codes[-1]}" if len(codes) > 1 else codes[0]
        each = "one valueCoding per choice" if question.type is QuestionType.MULTI_CHOICE else kind
        return f"{each} from {answer_system(bank, question)} with code {listed}"
    return f"{kind}, a {allowed_values(question)}"
