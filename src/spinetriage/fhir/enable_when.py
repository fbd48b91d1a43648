"""A question's `when` as FHIR: `enableWhen` where it fits, an SDC FHIRPath expression where not.

`enableWhen` is a flat list joined by one `enableBehavior` (all or any), each entry comparing
one question with one value. So a leaf maps to one entry, `in` to one entry per value joined by
`any`, `all` and `any` of such lists (and a `ref` to one) flatten; a `not`, or `all` and `any`
mixed, does not fit. Those get the SDC extension `sdc-questionnaire-enableWhenExpression`: a
FHIRPath expression over the response (`%resource`) with the condition in words as its
description. Both forms keep spinetriage's meaning of "unanswered": every comparison on an
unanswered question is false, and an answer to a repeating question matches when any one of its
answers does.
"""

from __future__ import annotations

import math

from ..bank.model import Questionnaire
from ..conditions.tree import All, Any_, Condition, Leaf, Not, Op, describe
from ..conditions.values import AnswerValue, QuestionType
from .common import ENABLE_WHEN_EXPRESSION, Resource, answer_system

#: A flat condition: how its entries combine (None: a single entry) and the entries.
Flat = tuple[str | None, list[Resource]]

_OPERATORS = {Op.EQUALS: "=", Op.INCLUDES: "=", Op.IN: "=", Op.AT_LEAST: ">=", Op.AT_MOST: "<="}
_FHIRPATH_OPERATORS = {Op.EQUALS: "=", Op.AT_LEAST: ">=", Op.AT_MOST: "<="}


def enable_fields(bank: Questionnaire, condition: Condition) -> Resource:
    """The fields a questionnaire item needs to be enabled exactly when `condition` holds."""
    flat = _flatten(bank, condition)
    if flat is None:
        expression = {
            "description": f"Asked when {describe(condition)}",
            "language": "text/fhirpath",
            "expression": fhirpath(bank, condition),
        }
        return {"extension": [{"url": ENABLE_WHEN_EXPRESSION, "valueExpression": expression}]}
    behavior, entries = flat
    if not entries:  # `all: []` always holds
        return {}
    fields: Resource = {"enableWhen": entries}
    if len(entries) > 1:
        fields["enableBehavior"] = behavior
    return fields


def _flatten(bank: Questionnaire, condition: Condition) -> Flat | None:
    if isinstance(condition, Leaf):
        leaf_entries = _entries(bank, condition)
        return ("any" if len(leaf_entries) > 1 else None), leaf_entries
    if isinstance(condition, Not):
        return None
    if isinstance(condition, (All, Any_)):
        kind = "all" if isinstance(condition, All) else "any"
        entries: list[Resource] = []
        for item in condition.items:
            flat = _flatten(bank, item)
            if flat is None or flat[0] not in (None, kind):
                return None
            entries.extend(flat[1])
        if not entries and kind == "any":  # `any: []` never holds: no enableWhen says that
            return None
        return (kind if len(entries) > 1 else None), entries
    return _flatten(bank, condition.target)


def _entries(bank: Questionnaire, leaf: Leaf) -> list[Resource]:
    if leaf.op is Op.ANSWERED:
        return [{"question": leaf.subject, "operator": "exists", "answerBoolean": leaf.value}]
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    return [
        {"question": leaf.subject, "operator": _OPERATORS[leaf.op], **_answer(bank, leaf, value)}
        for value in values
    ]


def _answer(bank: Questionnaire, leaf: Leaf, value: AnswerValue) -> Resource:
    question = bank.question(leaf.subject)
    if question.type is QuestionType.YES_NO:
        return {"answerBoolean": value}
    if question.type.has_choices:
        choice = question.choice(str(value))
        coding = {"system": answer_system(bank, question), "code": value}
        if choice is not None:
            coding["display"] = choice.label
        return {"answerCoding": coding}
    assert isinstance(value, (int, float))
    if question.type is QuestionType.NUMBER:
        return {"answerDecimal": float(value)}
    # whole-number answers: `at least 6.5` is `at least 7`, `at most 6.5` is `at most 6`
    whole = math.ceil(value) if leaf.op is Op.AT_LEAST else math.floor(value)
    return {"answerInteger": whole}


def fhirpath(bank: Questionnaire, condition: Condition) -> str:
    """A FHIRPath expression over `%resource` (the response) that is true when `condition` is."""
    if isinstance(condition, Leaf):
        return _fhirpath_leaf(bank, condition)
    if isinstance(condition, (All, Any_)):
        joiner = " and " if isinstance(condition, All) else " or "
        parts = [fhirpath(bank, item) for item in condition.items]
        if not parts:
            return "true" if isinstance(condition, All) else "false"
        return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"
    if isinstance(condition, Not):
        return f"({fhirpath(bank, condition.item)}).not()"
    return fhirpath(bank, condition.target)


def _fhirpath_leaf(bank: Questionnaire, leaf: Leaf) -> str:
    answers = f"%resource.repeat(item).where(linkId = '{leaf.subject}').answer"
    if leaf.op is Op.ANSWERED:
        return f"{answers}.exists()" if leaf.value else f"{answers}.empty()"
    has_choices = bank.question(leaf.subject).type.has_choices
    subject = "value.code" if has_choices else "value"
    if leaf.op is Op.IN:
        assert isinstance(leaf.value, tuple)
        test = f"{subject} in (" + " | ".join(_literal(v) for v in leaf.value) + ")"
    else:
        assert not isinstance(leaf.value, tuple)
        test = f"{subject} {_FHIRPATH_OPERATORS.get(leaf.op, '=')} {_literal(leaf.value)}"
    return f"{answers}.where({test}).exists()"


def _literal(value: AnswerValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    assert not isinstance(value, frozenset)
    return repr(value)
