"""The data dictionary: one row per question, for `spinetriage questions` and analysts."""

from __future__ import annotations

from dataclasses import dataclass

from ..conditions.tree import describe
from ..conditions.values import QuestionType
from .model import Question, Questionnaire


@dataclass(frozen=True, slots=True)
class DictionaryRow:
    id: str
    section: str
    type: str
    allowed: str
    asked_when: str
    required: bool
    text: str
    sources: tuple[str, ...]
    #: (code, label) of every choice, in order (yes/no questions too): the code goes in a file,
    #: the label is what the person was shown
    choices: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "section": self.section,
            "type": self.type,
            "allowed": self.allowed,
            "asked_when": self.asked_when,
            "required": self.required,
            "text": self.text,
            "sources": list(self.sources),
            "choices": [{"code": code, "label": label} for code, label in self.choices],
        }


def _format_bound(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def allowed_values(question: Question) -> str:
    """What a valid answer looks like, in words an analyst can type into a CSV cell."""
    if question.type is QuestionType.YES_NO:
        return "yes, no"
    if question.type.is_numeric:
        unit = f" {question.unit}" if question.unit else ""
        kind = "whole number" if question.type is QuestionType.INTEGER else "number"
        return f"{kind} {_format_bound(question.minimum)}–{_format_bound(question.maximum)}{unit}"
    codes = ", ".join(question.codes)
    if question.type is QuestionType.MULTI_CHOICE:
        return f"any of: {codes} (separate with ;)"
    return f"one of: {codes}"


def choice_list(question: Question) -> tuple[tuple[str, str], ...]:
    """(code, label) of each answer a choice question offers; yes/no as the interview shows it."""
    if question.type is QuestionType.YES_NO:
        return (("yes", "Yes"), ("no", "No"))
    return tuple((c.code, c.label) for c in question.choices)


def data_dictionary(bank: Questionnaire) -> list[DictionaryRow]:
    return [
        DictionaryRow(
            id=q.id,
            section=q.section,
            type=q.type.value,
            allowed=allowed_values(q),
            asked_when=describe(q.when) if q.when is not None else "always",
            required=q.required,
            text=q.text,
            sources=q.sources,
            choices=choice_list(q),
        )
        for q in bank.questions
    ]
