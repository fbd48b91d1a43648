"""Turn raw answers (from a file, a CSV row, a FHIR response or the interview) into typed answers.

Raw values are forgiving where people are (`Yes`, `yes`, `y`, `true`, `1`; codes in any case;
multiple choices as a list or as `a;b`), and strict about meaning: a value out of range, an
unknown code or a missing required answer is refused with what is allowed.
"""

from __future__ import annotations

import math

from ..bank.dictionary import allowed_values
from ..bank.model import Question
from ..conditions.values import AnswerValue, QuestionType

YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


class InvalidValue(ValueError):
    """One raw value that does not fit its question; the message says what is allowed."""


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == [] or raw == ()


def parse_value(question: Question, raw: object) -> AnswerValue:
    """One raw value as the question's type; InvalidValue says why not and what is allowed."""
    return _PARSERS[question.type](question, raw)


#: a value longer than this is shortened in messages, which must stay one readable line
SHOWN_LIMIT = 60


def shown_value(raw: object) -> str:
    """A raw value as a message quotes it: text in quotes, yes/no for booleans, long ones cut."""
    shown = (
        "yes"
        if raw is True
        else "no"
        if raw is False
        else repr(raw)
        if isinstance(raw, str)
        else str(raw)
    )
    if len(shown) > SHOWN_LIMIT:
        shown = f"{shown[: SHOWN_LIMIT - 3]}… ({len(shown):,} characters)"
    return shown


def _refuse(question: Question, raw: object, why: str = "") -> InvalidValue:
    return InvalidValue(
        f"{shown_value(raw)} is {why or 'not allowed'}; allowed: {allowed_values(question)}"
    )


def _parse_yes_no(question: Question, raw: object) -> AnswerValue:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
    raise _refuse(question, raw)


def _code(question: Question, raw: object) -> str:
    # YAML reads a bare yes/no as a boolean; for a choice question it means the code
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        for code in question.codes:
            if code.lower() == word:
                return code
    raise _refuse(question, raw, "not a choice")


def _parse_single(question: Question, raw: object) -> AnswerValue:
    return _code(question, raw)


def _parse_multi(question: Question, raw: object) -> AnswerValue:
    if isinstance(raw, str):
        items: list[object] = [part for part in raw.split(";") if part.strip()]
    elif isinstance(raw, (list, tuple, set, frozenset)):
        items = list(raw)
    else:
        raise _refuse(question, raw, "not a list of choices")
    codes = frozenset(_code(question, item) for item in items)
    exclusive = [c for c in question.choices if c.exclusive and c.code in codes]
    if exclusive and len(codes) > 1:
        raise InvalidValue(
            f"'{exclusive[0].code}' cannot be combined with other choices; "
            f"allowed: {allowed_values(question)}"
        )
    return codes


def _number(question: Question, raw: object) -> float:
    if isinstance(raw, bool):
        raise _refuse(question, raw, "not a number")
    if isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:  # an integer beyond any float: far out of any range
            raise _refuse(question, raw, "out of range") from None
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise _refuse(question, raw, "not a number") from None
    else:
        raise _refuse(question, raw, "not a number")
    if not math.isfinite(value):
        raise _refuse(question, raw, "not a finite number")
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise _refuse(question, raw, "out of range")
    return value


def _parse_integer(question: Question, raw: object) -> AnswerValue:
    value = _number(question, raw)
    if not value.is_integer():
        raise _refuse(question, raw, "not a whole number")
    return int(value)


def _parse_number(question: Question, raw: object) -> AnswerValue:
    return _number(question, raw)


_PARSERS = {
    QuestionType.YES_NO: _parse_yes_no,
    QuestionType.SINGLE_CHOICE: _parse_single,
    QuestionType.MULTI_CHOICE: _parse_multi,
    QuestionType.INTEGER: _parse_integer,
    QuestionType.NUMBER: _parse_number,
}
