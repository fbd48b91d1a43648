"""A condition as another tool's logic: REDCap branching logic, XLSForm `relevant` (XPath).

One walk of the condition tree serves both. Every `not` is pushed down to the comparisons (De
Morgan: `not (a and b)` is `not a or not b`), since REDCap's logic has no `not`; each comparison
then has an exact opposite. A `Syntax` says how a tool writes the few comparisons there are.

Both keep spinetriage's meaning of "unanswered": every comparison on an unanswered question is
false, so its opposite is true. A number is tested only when there is one (`[n] <> '' and
[n] >= 7`): a tool may read a blank as 0. A multiple choice is tested one code at a time.

Constants fold away (`all: []` always holds, `any: []` never): the result is True (always),
False (never) or the text. What to do with a constant is the format's choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from ..bank.model import Question, Questionnaire
from ..conditions.tree import All, Condition, Leaf, Not, Op, Ref
from ..conditions.values import AnswerValue, QuestionType


class Text(NamedTuple):
    text: str
    #: "and" or "or" when the text joins parts with it at its top level, else None
    joiner: str | None = None
    #: those parts, when it does
    terms: tuple[Text, ...] = ()


#: True: always holds; False: never holds; or the expression
Logic = bool | Text


class Inexpressible(ValueError):
    """A condition the tool's logic cannot write; the message says why."""


@dataclass(frozen=True, slots=True)
class Syntax:
    """How one tool writes a comparison."""

    #: the answer to a question: `[pain_now]`, `${pain_now}`
    field: Callable[[str], str]
    not_equal: str
    #: the literals a yes/no answer is stored as, yes first
    yes_no: tuple[str, str]
    #: (question id, code, ticked): whether a multiple choice includes the code (or not)
    ticked: Callable[[str, str, bool], str]


def write_condition(bank: Questionnaire, condition: Condition, syntax: Syntax) -> Logic:
    """The condition in the tool's logic; Inexpressible when it names a score."""
    return _walk(bank, condition, False, syntax)


def _walk(bank: Questionnaire, condition: Condition, negated: bool, syntax: Syntax) -> Logic:
    if isinstance(condition, Leaf):
        return _leaf(bank, condition, negated, syntax)
    if isinstance(condition, Not):
        return _walk(bank, condition.item, not negated, syntax)
    if isinstance(condition, Ref):
        return _walk(bank, condition.target, negated, syntax)
    parts = [_walk(bank, item, negated, syntax) for item in condition.items]
    # De Morgan: under a negation, all becomes any and any becomes all
    return combine(parts, "and" if isinstance(condition, All) is not negated else "or")


def combine(parts: Iterable[Logic], joiner: str) -> Logic:
    """Parts joined by `and` or `or`, constants folded, a part said once (two tests of one
    number share one guard), parentheses only where needed."""
    absorbing = joiner == "or"  # one true part makes an `or` true; one false, an `and` false
    kept: list[Text] = []
    for part in parts:
        if isinstance(part, bool):
            if part is absorbing:
                return absorbing
            continue
        for piece in part.terms if part.joiner == joiner else (part,):
            if piece not in kept:
                kept.append(piece)
    if not kept:
        return not absorbing
    if len(kept) == 1:
        return kept[0]
    shown = (p.text if p.joiner is None else f"({p.text})" for p in kept)
    return Text(f" {joiner} ".join(shown), joiner, tuple(kept))


def _leaf(bank: Questionnaire, leaf: Leaf, negated: bool, syntax: Syntax) -> Logic:
    if leaf.is_score:
        raise Inexpressible(f"it tests the score '{leaf.subject}', which exists only after scoring")
    question = bank.question(leaf.subject)
    field = syntax.field(question.id)
    if leaf.op is Op.ANSWERED:
        return _answered(question, bool(leaf.value) is not negated, syntax)
    if leaf.op is Op.INCLUDES:
        return Text(syntax.ticked(question.id, str(leaf.value), not negated))
    if leaf.op in (Op.AT_LEAST, Op.AT_MOST):
        compare = (">=", "<") if leaf.op is Op.AT_LEAST else ("<=", ">")
        return _number_test(field, compare[negated], number_text(leaf.value), negated, syntax)
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    tests = [_equals(question, field, value, negated, syntax) for value in values]
    return combine(tests, "and" if negated else "or")


def _answered(question: Question, answered: bool, syntax: Syntax) -> Logic:
    if question.type is QuestionType.MULTI_CHOICE:
        ticks = [Text(syntax.ticked(question.id, code, answered)) for code in question.codes]
        return combine(ticks, "or" if answered else "and")
    field = syntax.field(question.id)
    return Text(f"{field} {syntax.not_equal if answered else '='} ''")


def _equals(
    question: Question, field: str, value: AnswerValue, negated: bool, syntax: Syntax
) -> Logic:
    if question.type.is_numeric:
        return _number_test(
            field, syntax.not_equal if negated else "=", number_text(value), negated, syntax
        )
    if question.type is QuestionType.YES_NO:
        literal = syntax.yes_no[0] if value else syntax.yes_no[1]
    else:
        literal = f"'{value}'"  # codes are snake_case: nothing to escape
    return Text(f"{field} {syntax.not_equal if negated else '='} {literal}")


def _number_test(field: str, operator: str, number: str, negated: bool, syntax: Syntax) -> Logic:
    """`n OP number` when n has a value; negated: when it has none, or `n OP number`."""
    if negated:
        return combine([Text(f"{field} = ''"), Text(f"{field} {operator} {number}")], "or")
    return combine(
        [Text(f"{field} {syntax.not_equal} ''"), Text(f"{field} {operator} {number}")], "and"
    )


def number_text(value: object) -> str:
    """A number as both tools read it: `7`, `6.5`, never `1e+20`."""
    assert isinstance(value, (int, float))
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")
