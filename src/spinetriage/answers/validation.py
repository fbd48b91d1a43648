"""Validate a whole answer set against the bank: which questions are asked, what is missing.

An answer to a question the bank would not ask given the other answers is not used; it is
returned in `AnswerSet.ignored` so the caller can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..bank.dictionary import allowed_values
from ..bank.model import Question, Questionnaire
from ..conditions.values import AnswerValue
from ..errors import AnswerError, Problem
from .values import InvalidValue, is_blank, parse_value


@dataclass(frozen=True, slots=True)
class AnswerSet:
    """Typed answers to the questions that were asked, in bank order."""

    answers: dict[str, AnswerValue]
    #: answered, but the bank would not have asked them given the other answers: not used
    ignored: tuple[str, ...] = ()


def asked_questions(bank: Questionnaire, answers: Mapping[str, AnswerValue]) -> list[Question]:
    """The questions the interview would ask given these answers, in order.

    Each `when` sees only the answers to the questions asked before it, so a left-over answer to
    a question that is no longer asked cannot keep its own follow-up questions asked.
    """
    asked: list[Question] = []
    seen: dict[str, AnswerValue] = {}
    for question in bank.questions:
        if question.asked_if is None or question.asked_if(seen):
            asked.append(question)
            if question.id in answers:
                seen[question.id] = answers[question.id]
    return asked


def validate_answers(bank: Questionnaire, raw: Mapping[str, object]) -> AnswerSet:
    """Typed answers for the questions that would be asked; AnswerError lists every problem.

    Problems: an unknown question id, a value that does not fit, a required question that would
    be asked but has no answer. Answers to questions that would not be asked are not used and are
    returned in `ignored` so the caller can report them.
    """
    problems = [
        Problem(message=f"unknown question '{key}'", field=key)
        for key in raw
        if key not in bank.by_id
    ]
    answers: dict[str, AnswerValue] = {}
    ignored: list[str] = []
    for question in bank.questions:
        value = raw.get(question.id)
        asked = question.asked_if is None or question.asked_if(answers)
        if is_blank(value):
            if asked and question.required:
                problems.append(
                    Problem.of_question(
                        question.id,
                        f"missing answer (required; allowed: {allowed_values(question)})",
                    )
                )
            continue
        if not asked:
            ignored.append(question.id)
            continue
        try:
            answers[question.id] = parse_value(question, value)
        except InvalidValue as exc:
            problems.append(Problem.of_question(question.id, str(exc)))
    if problems:
        # scoring names the red flags these valid answers hold (scoring.check_answers)
        raise AnswerError(problems, valid_answers=answers)
    return AnswerSet(answers, tuple(ignored))
