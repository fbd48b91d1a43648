"""Turn raw answers (from a file, a CSV row, a FHIR response or the interview) into typed answers.

Raw values are forgiving where people are (`Yes`, `yes`, `y`, `true`, `1`; codes in any case;
multiple choices as a list or as `a;b`), and strict about meaning: a value out of range, an
unknown code or a missing required answer is refused with what is allowed.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal, InvalidOperation

from ..bank.dictionary import allowed_values
from ..bank.model import Question
from ..conditions.values import AnswerValue, QuestionType

YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


class InvalidValue(ValueError):
    """One raw value that does not fit its question; the message says what is allowed."""


#: a number as people write it: digits, an optional sign and decimal point. Not `1e3`, `1_0`,
#: `0x0A`, `1:30`, `inf` or other scripts' digits, which Python's float() would read
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    # not `raw == []`: a numpy number compared with a list is an array, true or false for no one
    return isinstance(raw, (list, tuple)) and not raw


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
    if isinstance(raw, numbers.Integral) and raw in (0, 1):  # numpy's integers too
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
    if isinstance(raw, numbers.Number):
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


def _exact(question: Question, raw: object) -> Decimal:
    """A raw number's exact value: a plain decimal text, an integer or a float (numpy's too, as
    the `numbers` ABCs know them), or a Decimal; anything else is not a number."""
    if isinstance(raw, bool):
        raise _refuse(question, raw, "not a number")
    if isinstance(raw, str):
        text = raw.strip()
        if not PLAIN_NUMBER.fullmatch(text):
            raise _refuse(question, raw, "not a number")
        return Decimal(text)
    if isinstance(raw, Decimal):
        exact = raw
    elif isinstance(raw, numbers.Integral):
        exact = Decimal(int(raw))
    elif isinstance(raw, numbers.Real):
        # a float as the decimal it prints as: 0.1, not 0.1000000000000000055...
        exact = Decimal(repr(float(raw)))
    else:
        raise _refuse(question, raw, "not a number")
    if not exact.is_finite():
        raise _refuse(question, raw, "not a finite number")
    return exact


def _number(question: Question, raw: object) -> Decimal:
    exact = _exact(question, raw)
    low, high = question.minimum, question.maximum
    try:
        # the bounds as written in the bank (str of a float is its shortest decimal)
        out = (low is not None and exact < Decimal(str(low))) or (
            high is not None and exact > Decimal(str(high))
        )
    except InvalidOperation:  # pragma: no cover - finite values always compare
        out = True
    if out:
        raise _refuse(question, raw, "out of range")
    return exact


def _parse_integer(question: Question, raw: object) -> AnswerValue:
    exact = _number(question, raw)
    if exact != exact.to_integral_value():
        raise _refuse(question, raw, "not a whole number")
    return int(exact)


def _parse_number(question: Question, raw: object) -> AnswerValue:
    exact = _number(question, raw)
    value = float(exact)
    # more digits than a float keeps (9.9999999999999999 would be read as 10, 1e-400 as 0)
    if not math.isfinite(value) or Decimal(repr(value)) != exact:
        raise _refuse(question, raw, "more precise than can be kept exactly; round it")
    return value


_PARSERS = {
    QuestionType.YES_NO: _parse_yes_no,
    QuestionType.SINGLE_CHOICE: _parse_single,
    QuestionType.MULTI_CHOICE: _parse_multi,
    QuestionType.INTEGER: _parse_integer,
    QuestionType.NUMBER: _parse_number,
}
