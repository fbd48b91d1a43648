"""A small evaluator of the logic our forms write: REDCap branching logic and XLSForm XPath.

Only the forms' subset: fields (`[q]`, `[q(code)]`, `${q}`), quoted strings, numbers, `=`, `<>`
or `!=`, `<`, `<=`, `>`, `>=`, `and`, `or`, parentheses, and in XPath `not(...)`,
`selected(${q}, 'code')`, `true()`, `false()`. A record maps a field to its text ('' for blank),
as the tool stores it. How a tool compares a blank with a number differs between tools (some
read it as 0), so `blank_number` says what such a comparison gives: the forms' logic must not
depend on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from spinetriage.bank.model import Questionnaire
from spinetriage.conditions.values import AnswerValue, QuestionType

TOKEN = re.compile(
    r"\s*(?:(?P<field>\[[a-z0-9_]+(?:\([a-z0-9_]+\))?\]|\$\{[a-z0-9_]+\})"
    r"|(?P<string>'[^']*'|\"[^\"]*\")|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<op><>|!=|>=|<=|=|<|>)|(?P<word>and|or|not\(|selected\(|true\(\)|false\(\))"
    r"|(?P<punct>[(),]))"
)
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        assert match is not None, f"cannot read {text[position:]!r}"
        kind = match.lastgroup
        assert kind is not None
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def holds(logic: str, record: Mapping[str, str], blank_number: bool) -> bool:
    """Whether `logic` holds for `record`."""
    reader = _Reader(tokens(logic), record, blank_number)
    value = reader.either()
    assert reader.at == len(reader.tokens), f"left over in {logic!r}"
    return value


class _Reader:
    def __init__(self, found: list[tuple[str, str]], record: Mapping[str, str], blank: bool):
        self.tokens, self.record, self.blank, self.at = found, record, blank, 0

    def take(self, text: str | None = None) -> tuple[str, str]:
        kind, value = self.tokens[self.at]
        assert text is None or value == text, f"expected {text!r}, found {value!r}"
        self.at += 1
        return kind, value

    def peek(self) -> str:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else ""

    def either(self) -> bool:
        value = self.both()
        while self.peek() == "or":
            self.take()
            value = self.both() or value  # both sides read, as a tool may
        return value

    def both(self) -> bool:
        value = self.single()
        while self.peek() == "and":
            self.take()
            value = self.single() and value
        return value

    def single(self) -> bool:
        word = self.peek()
        if word in ("true()", "false()"):
            self.take()
            return word == "true()"
        if word == "not(":
            self.take()
            value = self.either()
            self.take(")")
            return not value
        if word == "selected(":
            self.take()
            field = self.operand()
            self.take(",")
            code = self.operand()
            self.take(")")
            return code in field.split()
        if word == "(":
            self.take()
            value = self.either()
            self.take(")")
            return value
        left = self.operand()
        _, op = self.take()
        right_kind, _ = self.tokens[self.at]
        right = self.operand()
        if right_kind == "number":
            if not left.strip():
                return self.blank
            return COMPARE[op](float(left), float(right))
        assert op in ("=", "<>", "!="), f"{op} between strings"
        return COMPARE[op](left, right)  # type: ignore[arg-type]

    def operand(self) -> str:
        kind, value = self.take()
        if kind == "field":
            name = value.strip("[]${}")
            return self.record[name.replace("(", "___").rstrip(")")]
        if kind == "string":
            return value[1:-1]
        assert kind == "number", f"not an operand: {value!r}"
        return value


def _number(value: AnswerValue) -> str:
    assert isinstance(value, (int, float))
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def redcap_record(bank: Questionnaire, answers: Mapping[str, AnswerValue]) -> dict[str, str]:
    """The answers as REDCap stores them: yes/no 1/0, a checkbox `q___code` 1/0 per code."""
    record: dict[str, str] = {}
    for question in bank.questions:
        value = answers.get(question.id)
        if question.type is QuestionType.MULTI_CHOICE:
            for code in question.codes:
                ticked = isinstance(value, frozenset) and code in value
                record[f"{question.id}___{code}"] = "1" if ticked else "0"
        elif value is None:
            record[question.id] = ""
        elif question.type is QuestionType.YES_NO:
            record[question.id] = "1" if value else "0"
        else:
            record[question.id] = value if isinstance(value, str) else _number(value)
    return record


def xform_record(bank: Questionnaire, answers: Mapping[str, AnswerValue]) -> dict[str, str]:
    """The answers as an XForm holds them: yes/no as yes/no, a multiple choice space-separated."""
    record: dict[str, str] = {}
    for question in bank.questions:
        value = answers.get(question.id)
        if value is None:
            record[question.id] = ""
        elif isinstance(value, frozenset):
            record[question.id] = " ".join(sorted(value))
        elif question.type is QuestionType.YES_NO:
            record[question.id] = "yes" if value else "no"
        else:
            record[question.id] = value if isinstance(value, str) else _number(value)
    return record
