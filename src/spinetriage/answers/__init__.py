"""Answers: raw values (from a file, a CSV row, a FHIR response or the interview) made typed.

`values` parses one raw value as its question's type, forgiving where people are and strict
about meaning; `validation` checks a whole answer set against the bank (which questions are
asked, which are missing, which answers are not used); `files` reads one answer set from a
JSON or YAML file, or a FHIR QuestionnaireResponse, with the record id it carries.
"""

from __future__ import annotations

from .files import RECORD_ID_KEY, AnswerFile, RecordId, read_answer_file
from .validation import AnswerSet, asked_questions, validate_answers
from .values import NO, YES, InvalidValue, is_blank, parse_value, shown_value

__all__ = [
    "NO",
    "RECORD_ID_KEY",
    "YES",
    "AnswerFile",
    "AnswerSet",
    "InvalidValue",
    "RecordId",
    "asked_questions",
    "is_blank",
    "parse_value",
    "read_answer_file",
    "shown_value",
    "validate_answers",
]
