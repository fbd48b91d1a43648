"""The values conditions compare: a question's type (the kind of its answer) and typed answers.

The lowest layer of the package: the condition language, the bank's model, validation and
scoring all speak of answers in these terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeAlias

#: A validated answer: yes/no → bool, single choice → code, multiple choice → frozenset of codes,
#: integer → int, number → float.
AnswerValue: TypeAlias = bool | int | float | str | frozenset[str]
Answers = Mapping[str, AnswerValue]


class QuestionType(str, Enum):
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    INTEGER = "integer"
    NUMBER = "number"

    @property
    def has_choices(self) -> bool:
        return self in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE)

    @property
    def is_numeric(self) -> bool:
        return self in (QuestionType.INTEGER, QuestionType.NUMBER)
