"""Hypothesis strategies: random, valid answer sets that follow the bank's branching."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from spinetriage.answers.validation import asked_questions
from spinetriage.answers.values import parse_value
from spinetriage.bank.model import Question, Questionnaire
from spinetriage.conditions.values import AnswerValue, QuestionType


def _raw_value(draw: st.DrawFn, question: Question) -> Any:
    if question.type is QuestionType.YES_NO:
        return draw(st.sampled_from(["yes", "no"]))
    if question.type is QuestionType.SINGLE_CHOICE:
        return draw(st.sampled_from(question.codes))
    if question.type is QuestionType.MULTI_CHOICE:
        exclusive = [c.code for c in question.choices if c.exclusive]
        others = [c.code for c in question.choices if not c.exclusive]
        if exclusive and draw(st.booleans()):
            return draw(st.sampled_from(exclusive))
        picked = draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
        return ";".join(picked)
    low, high = int(question.minimum or 0), int(question.maximum or 0)
    # bias towards the clinically interesting low end of long ranges (weeks)
    return draw(st.integers(low, min(high, low + 60)) | st.integers(low, high))


def blank_answers(bank: Questionnaire, raw: dict[str, Any]) -> frozenset[str]:
    """The questions asked of this complete answer set that it leaves blank."""
    typed = {q.id: parse_value(q, raw[q.id]) for q in bank.questions if q.id in raw}
    path = asked_questions(bank, typed)
    return frozenset(q.id for q in path if q.id not in raw)


@st.composite
def answer_sets(draw: st.DrawFn, bank: Questionnaire) -> dict[str, Any]:
    """A complete raw answer set: every question the bank would ask gets a valid answer (one
    that is not required is sometimes left blank, as a form may leave it)."""
    return completed(draw, bank, {})


def completed(
    draw: st.DrawFn,
    bank: Questionnaire,
    given: dict[str, Any],
    left_blank: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """`given` made a complete, valid answer set: its answers to questions the bank asks are
    kept, questions it no longer asks are dropped, and new follow-ups get drawn answers.
    `left_blank`: questions (not required) the person had left blank, which stay blank."""
    raw: dict[str, Any] = {}
    typed: dict[str, AnswerValue] = {}
    for question in bank.questions:
        if question.asked_if is not None and not question.asked_if(typed):
            continue
        if question.id in given:
            raw[question.id] = given[question.id]
        elif not question.required and (question.id in left_blank or draw(st.booleans())):
            continue
        else:
            raw[question.id] = _raw_value(draw, question)
        typed[question.id] = parse_value(question, raw[question.id])
    return raw


@st.composite
def any_answers(draw: st.DrawFn, bank: Questionnaire) -> dict[str, AnswerValue]:
    """Typed answers to any questions, asked or not: every condition meets answered and
    unanswered questions alike. Numbers take fractions and the ends of their range too."""
    typed: dict[str, AnswerValue] = {}
    for question in bank.questions:
        if not draw(st.booleans()):
            continue
        if question.type is QuestionType.NUMBER and draw(st.booleans()):
            low, high = question.minimum or 0.0, question.maximum or 0.0
            typed[question.id] = draw(st.sampled_from([low, high]) | st.floats(low, high))
        else:
            typed[question.id] = parse_value(question, _raw_value(draw, question))
    return typed
