"""The one condition language: branching (`when`) and scoring rules both use it.

A condition is a small tree over answers. Leaves compare one answer (or one derived score) with a
value; `all`, `any` and `not` combine them; `ref` names a shared definition. There is no code in
YAML: the vocabulary below is closed. `evaluate` is the reference evaluator; compiler.py
builds faster functions that agree with it, for scoring many answer sets.

Unanswered means "no value": a question that was skipped, not asked (its `when` was false) or left
blank. Every comparison on an unanswered question is false; only `answered: false` is true for it.
So `not: {question: fever, equals: yes}` is true when fever was not answered: write
`{question: fever, equals: no}` when "answered no" is what you mean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TypeAlias

from .values import Answers, AnswerValue

Predicate = Callable[[Answers], bool]


class Op(str, Enum):
    """The leaf comparisons: the whole vocabulary."""

    EQUALS = "equals"
    IN = "in"
    INCLUDES = "includes"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class Leaf:
    """Compare one answer (or score, when `is_score`) with `value`."""

    subject: str
    op: Op
    value: AnswerValue | tuple[AnswerValue, ...]
    is_score: bool = False


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


@dataclass(frozen=True, slots=True)
class Ref:
    """A named definition; `target` is resolved by the loader."""

    name: str
    target: Condition


Condition: TypeAlias = Leaf | All | Any_ | Not | Ref


def _is_number(value: object) -> bool:
    # bool is an int in Python; a yes/no answer is never a number here
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def leaf_holds(leaf: Leaf, answer: AnswerValue | None) -> bool:
    """Truth of one leaf for one answer (None: unanswered)."""
    if leaf.op is Op.ANSWERED:
        return (answer is not None) is leaf.value
    if answer is None:
        return False
    if leaf.op is Op.EQUALS:
        return (type(answer) is type(leaf.value) and answer == leaf.value) or (
            _is_number(answer) and _is_number(leaf.value) and answer == leaf.value
        )
    if leaf.op is Op.IN:
        assert isinstance(leaf.value, tuple)
        return any(leaf_holds(Leaf(leaf.subject, Op.EQUALS, v), answer) for v in leaf.value)
    if leaf.op is Op.INCLUDES:
        return isinstance(answer, frozenset) and leaf.value in answer
    if not _is_number(answer):
        return False
    assert isinstance(answer, (int, float))
    assert isinstance(leaf.value, (int, float))
    if leaf.op is Op.AT_LEAST:
        return answer >= leaf.value
    return answer <= leaf.value


def evaluate(condition: Condition, answers: Answers) -> bool:
    """Evaluate a condition tree directly (compiler.compile_condition is the fast path)."""
    if isinstance(condition, Leaf):
        return leaf_holds(condition, answers.get(condition.subject))
    if isinstance(condition, All):
        return all(evaluate(c, answers) for c in condition.items)
    if isinstance(condition, Any_):
        return any(evaluate(c, answers) for c in condition.items)
    if isinstance(condition, Not):
        return not evaluate(condition.item, answers)
    return evaluate(condition.target, answers)


def leaves(condition: Condition) -> Iterator[Leaf]:
    """Every leaf of a condition, following definitions."""
    if isinstance(condition, Leaf):
        yield condition
    elif isinstance(condition, (All, Any_)):
        for item in condition.items:
            yield from leaves(item)
    elif isinstance(condition, Not):
        yield from leaves(condition.item)
    else:
        yield from leaves(condition.target)


def truth(condition: Condition, leaf_truth: Callable[[Leaf], bool | None]) -> bool | None:
    """Three-valued (Kleene) truth: None when what is known so far cannot settle it.

    `leaf_truth` says what is known of each leaf: True, False, or None when its subject has not
    been decided yet (an interview still under way, a search over answer sets). `all` is False
    as soon as one part is False, `any` True as soon as one part is True, whatever is unknown.
    """
    if isinstance(condition, Leaf):
        return leaf_truth(condition)
    if isinstance(condition, (All, Any_)):
        settles = isinstance(condition, Any_)  # the value one part settles the whole with
        result: bool | None = not settles
        for item in condition.items:
            value = truth(item, leaf_truth)
            if value is settles:
                return settles
            if value is None:
                result = None
        return result
    if isinstance(condition, Not):
        value = truth(condition.item, leaf_truth)
        return None if value is None else not value
    return truth(condition.target, leaf_truth)


def evidence(condition: Condition, answers: Answers) -> dict[str, AnswerValue | None]:
    """The answers that made a true condition true: for explaining a rule to a clinician.

    Inside `all`, every part counts; inside `any`, only the parts that held. A negated question
    (`not: {question: ...}`) is a finding and shows its answer when it has one; a negated
    definition (`not: {ref: recent_surgery}`) only keeps a pathway off, so its answers are not
    shown as the reason. A None value means the question was unanswered.
    """
    found: dict[str, AnswerValue | None] = {}
    _collect_evidence(condition, answers, found)
    return found


def _collect_evidence(
    condition: Condition, answers: Answers, found: dict[str, AnswerValue | None]
) -> None:
    if isinstance(condition, Leaf):
        found[condition.subject] = answers.get(condition.subject)
    elif isinstance(condition, All):
        for item in condition.items:
            _collect_evidence(item, answers, found)
    elif isinstance(condition, Any_):
        for item in condition.items:
            if evaluate(item, answers):
                _collect_evidence(item, answers, found)
    elif isinstance(condition, Not):
        negated = condition.item
        if isinstance(negated, Leaf) and answers.get(negated.subject) is not None:
            found[negated.subject] = answers.get(negated.subject)
    else:
        _collect_evidence(condition.target, answers, found)


def describe(condition: Condition) -> str:
    """A short readable form, for the data dictionary: `pain_now ≥ 7 and fever = yes`."""
    if isinstance(condition, Leaf):
        return _describe_leaf(condition)
    if isinstance(condition, (All, Any_)):
        joiner = " and " if isinstance(condition, All) else " or "
        parts = [describe(c) for c in condition.items]
        text = joiner.join(f"({p})" if (" and " in p or " or " in p) else p for p in parts)
        return text or ("always" if isinstance(condition, All) else "never")
    if isinstance(condition, Not):
        return f"not ({describe(condition.item)})"
    return condition.name


def _format_value(value: AnswerValue | tuple[AnswerValue, ...]) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "{" + ", ".join(_format_value(v) for v in value) + "}"
    return str(value)


_SYMBOLS = {Op.EQUALS: "=", Op.IN: "in", Op.INCLUDES: "includes", Op.AT_LEAST: "≥", Op.AT_MOST: "≤"}


def _describe_leaf(leaf: Leaf) -> str:
    if leaf.op is Op.ANSWERED:
        return f"{leaf.subject} answered" if leaf.value else f"{leaf.subject} unanswered"
    return f"{leaf.subject} {_SYMBOLS[leaf.op]} {_format_value(leaf.value)}"
