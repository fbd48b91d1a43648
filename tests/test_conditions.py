"""The condition language: a truth table for every operator, and properties over any answers.

Conditions are written as in questions.yaml and parsed by the real parser, so each row reads
like the bank. Every row is checked through both evaluators: the tree walk and the compiled one.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.bank.loader import SCORE_SUBJECTS
from spinetriage.bank.model import Questionnaire
from spinetriage.bank.node_reader import NodeReader
from spinetriage.conditions.compiler import compile_condition
from spinetriage.conditions.parser import ConditionParser, Subject
from spinetriage.conditions.tree import (
    All,
    Any_,
    Condition,
    Not,
    Op,
    Ref,
    describe,
    evaluate,
    evidence,
    leaves,
)
from spinetriage.conditions.values import QuestionType

SUBJECTS = {
    "fever": Subject(QuestionType.YES_NO),
    "side": Subject(QuestionType.SINGLE_CHOICE, ("left", "right", "both")),
    "tried": Subject(QuestionType.MULTI_CHOICE, ("pt", "nsaids", "none")),
    "pain": Subject(QuestionType.INTEGER),
    "weeks": Subject(QuestionType.NUMBER),
}
DEFINITIONS: dict[str, Condition] = {}


def cond(text: str) -> Condition:
    """Parse one condition written as in the bank; the test fails on any parse problem."""
    reader = NodeReader("test")
    parser = ConditionParser(reader, SUBJECTS, SCORE_SUBJECTS, DEFINITIONS)
    condition = parser.parse(yaml.compose(text, Loader=yaml.SafeLoader), "test")
    assert not reader.problems, [str(p) for p in reader.problems]
    assert condition is not None
    return condition


DEFINITIONS["feverish"] = cond("{question: fever, equals: yes}")
DEFINITIONS["bad_pain"] = cond("{question: pain, at_least: 7}")

NOTHING: dict[str, Any] = {}
FULL = {
    "fever": True,
    "side": "left",
    "tried": frozenset({"pt", "nsaids"}),
    "pain": 8,
    "weeks": 12.5,
}


def row(text: str, answers: dict[str, Any], expected: bool, case: str) -> Any:
    return pytest.param(text, answers, expected, id=f"{case}: {text}")


TRUTH_TABLE = [
    # equals
    row("{question: fever, equals: yes}", {"fever": True}, True, "answered, same"),
    row("{question: fever, equals: yes}", {"fever": False}, False, "answered, other"),
    row("{question: fever, equals: yes}", NOTHING, False, "unanswered"),
    row("{question: fever, equals: no}", NOTHING, False, "unanswered is not no"),
    row("{question: fever, equals: yes}", {"fever": 1}, False, "int 1 is not yes"),
    row("{question: fever, equals: yes}", {"fever": "yes"}, False, "text is not yes"),
    row("{question: pain, equals: 1}", {"pain": True}, False, "yes is not int 1"),
    row("{question: pain, equals: 7}", {"pain": 7}, True, "int, same"),
    row("{question: pain, equals: 7}", {"pain": 7.0}, True, "float equal to int"),
    row("{question: pain, equals: 7}", {"pain": 6}, False, "int, other"),
    row("{question: pain, equals: 7}", {"pain": "7"}, False, "text is not a number"),
    row("{question: side, equals: left}", {"side": "left"}, True, "code, same"),
    row("{question: side, equals: left}", {"side": "right"}, False, "code, other"),
    row("{question: side, equals: left}", NOTHING, False, "unanswered"),
    # in
    row("{question: side, in: [left, both]}", {"side": "both"}, True, "in the list"),
    row("{question: side, in: [left, both]}", {"side": "right"}, False, "not in the list"),
    row("{question: side, in: [left, both]}", NOTHING, False, "unanswered"),
    row("{question: pain, in: [1, 2]}", {"pain": True}, False, "yes is not 1"),
    row("{question: pain, in: [1, 2]}", {"pain": 2}, True, "number in the list"),
    # includes
    row("{question: tried, includes: pt}", {"tried": frozenset({"pt"})}, True, "included"),
    row("{question: tried, includes: pt}", {"tried": frozenset({"nsaids"})}, False, "other"),
    row("{question: tried, includes: pt}", {"tried": frozenset()}, False, "empty set"),
    row("{question: tried, includes: pt}", NOTHING, False, "unanswered"),
    row("{question: tried, includes: pt}", {"tried": "pt"}, False, "text is not a set"),
    # at_least / at_most
    row("{question: pain, at_least: 7}", {"pain": 7}, True, "on the bound"),
    row("{question: pain, at_least: 7}", {"pain": 6}, False, "below"),
    row("{question: pain, at_least: 7}", NOTHING, False, "unanswered"),
    row("{question: pain, at_least: 1}", {"pain": True}, False, "yes is not a number"),
    row("{question: pain, at_least: 7}", {"pain": "9"}, False, "text is not a number"),
    row("{question: weeks, at_least: 12}", {"weeks": 12.5}, True, "float above"),
    row("{question: pain, at_most: 3}", {"pain": 3}, True, "on the bound"),
    row("{question: pain, at_most: 3}", {"pain": 4}, False, "above"),
    row("{question: pain, at_most: 3}", NOTHING, False, "unanswered is not low"),
    row("{question: pain, at_most: 3}", {"pain": False}, False, "no is not 0"),
    row("{question: weeks, at_most: 0.5}", {"weeks": 0.25}, True, "float below"),
    # answered
    row("{question: pain, answered: yes}", {"pain": 0}, True, "answered zero"),
    row("{question: pain, answered: yes}", NOTHING, False, "unanswered"),
    row("{question: pain, answered: no}", NOTHING, True, "unanswered"),
    row("{question: pain, answered: no}", {"pain": 0}, False, "answered zero"),
    row("{question: fever, answered: no}", {"fever": False}, False, "answered no"),
    row("{question: fever, answered: yes}", {"fever": None}, False, "None is unanswered"),
    # not: a comparison on an unanswered question is false, so its negation is true
    row("{not: {question: fever, equals: yes}}", NOTHING, True, "unanswered"),
    row("{not: {question: fever, equals: yes}}", {"fever": True}, False, "answered yes"),
    row("{not: {question: fever, equals: yes}}", {"fever": False}, True, "answered no"),
    row("{not: {question: pain, at_least: 7}}", NOTHING, True, "unanswered"),
    row("{not: {question: pain, answered: no}}", NOTHING, False, "unanswered"),
    row("{not: {not: {question: fever, equals: yes}}}", NOTHING, False, "double negation"),
    # all / any
    row(
        "{all: [{question: fever, equals: yes}, {question: pain, at_least: 7}]}", FULL, True, "both"
    ),
    row(
        "{all: [{question: fever, equals: yes}, {question: pain, at_least: 9}]}", FULL, False, "one"
    ),
    row(
        "{all: [{question: fever, equals: yes}, {question: pain, at_least: 7}]}",
        {"fever": True},
        False,
        "one unanswered",
    ),
    row("{any: [{question: fever, equals: no}, {question: pain, at_least: 7}]}", FULL, True, "one"),
    row(
        "{any: [{question: fever, equals: no}, {question: pain, at_least: 9}]}", FULL, False, "none"
    ),
    row(
        "{any: [{question: fever, equals: no}, {question: pain, at_most: 3}]}",
        NOTHING,
        False,
        "all unanswered",
    ),
    row("{all: []}", NOTHING, True, "empty all"),
    row("{any: []}", FULL, False, "empty any"),
    row(
        "{any: [{all: [{question: side, equals: left}, {question: tried, includes: pt}]}, "
        "{question: weeks, at_least: 100}]}",
        FULL,
        True,
        "nested",
    ),
    # ref
    row("{ref: feverish}", {"fever": True}, True, "answered yes"),
    row("{ref: feverish}", NOTHING, False, "unanswered"),
    row("{not: {ref: feverish}}", NOTHING, True, "not, unanswered"),
    row("{all: [{ref: feverish}, {ref: bad_pain}]}", FULL, True, "two refs"),
    row("{all: [{ref: feverish}, {not: {ref: bad_pain}}]}", FULL, False, "ref and not ref"),
]


@pytest.mark.parametrize(("text", "answers", "expected"), TRUTH_TABLE)
def test_truth_table(text: str, answers: dict[str, Any], expected: bool) -> None:
    condition = cond(text)
    assert evaluate(condition, answers) is expected
    assert compile_condition(condition)(answers) is expected


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        pytest.param(
            "{all: [{question: pain, at_least: 7}, {question: fever, equals: yes}]}",
            FULL,
            {"pain": 8, "fever": True},
            id="all: every part",
        ),
        pytest.param(
            "{any: [{question: side, equals: right}, {question: tried, includes: pt}]}",
            FULL,
            {"tried": frozenset({"pt", "nsaids"})},
            id="any: only parts that held",
        ),
        pytest.param(
            "{not: {question: fever, equals: yes}}",
            NOTHING,
            {},
            id="not: an unanswered question is not evidence",
        ),
        pytest.param(
            "{not: {question: fever, equals: yes}}",
            {"fever": False},
            {"fever": False},
            id="not: an answered question is",
        ),
        pytest.param(
            "{all: [{ref: feverish}, {question: weeks, answered: yes}]}",
            FULL,
            {"fever": True, "weeks": 12.5},
            id="ref: followed",
        ),
    ],
)
def test_evidence(text: str, answers: dict[str, Any], expected: dict[str, Any]) -> None:
    assert evidence(cond(text), answers) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "{all: [{question: pain, at_least: 7}, {question: fever, equals: yes}]}",
            "pain ≥ 7 and fever = yes",
        ),
        (
            "{any: [{question: weeks, at_most: 0.5}, {question: fever, equals: no}]}",
            "weeks ≤ 0.5 or fever = no",
        ),
        (
            "{all: [{any: [{question: side, in: [left, both]}, {question: tried, includes: pt}]}, "
            "{not: {question: fever, equals: yes}}]}",
            "(side in {left, both} or tried includes pt) and not (fever = yes)",
        ),
        (
            "{all: [{ref: feverish}, {question: pain, answered: no}]}",
            "feverish and pain unanswered",
        ),
        ("{question: pain, answered: yes}", "pain answered"),
        ("{score: psychosocial_risk, equals: high}", "psychosocial_risk = high"),
        ("{all: []}", "always"),
        ("{any: []}", "never"),
    ],
)
def test_describe(text: str, expected: str) -> None:
    assert describe(cond(text)) == expected


# -- properties over the shipped bank: any answers, of any type, never crash ---------------------

ANY_VALUE = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.frozensets(st.text(max_size=12), max_size=4)
)


@st.composite
def wild_answers(draw: st.DrawFn, bank: Questionnaire) -> dict[str, Any]:
    """A random subset of the bank's questions (and scores), with values of any type.

    Each subject's own codes are mixed in, so that conditions also hold, not only fail.
    """
    codes = {q.id: q.codes for q in bank.questions}
    codes |= {name: s.codes for name, s in {**SCORE_SUBJECTS, **SUBJECTS}.items()}
    answers = {}
    for subject in sorted(codes):
        if not draw(st.booleans()):
            continue  # unanswered
        own = st.sampled_from(codes[subject]) if codes[subject] else st.integers(0, 60)
        answers[subject] = draw(ANY_VALUE | own | st.frozensets(own, max_size=4))
    return answers


#: the truth table's conditions join the bank's in the property, so `answered` (which the bank
#: does not use yet) and empty all/any are exercised too
TABLE_CONDITIONS = [cond(text) for text in dict.fromkeys(p.values[0] for p in TRUTH_TABLE)]


def test_the_property_covers_the_whole_language(bank: Questionnaire) -> None:
    conditions = [q.when for q in bank.questions if q.when is not None]
    conditions += [r.when for r in bank.rules]
    assert {leaf.op for c in conditions for leaf in leaves(c)} == set(Op) - {Op.ANSWERED}
    conditions += TABLE_CONDITIONS
    assert {leaf.op for c in conditions for leaf in leaves(c)} == set(Op)
    kinds = set()
    for condition in conditions:
        stack = [condition]
        while stack:
            node = stack.pop()
            kinds.add(type(node).__name__)
            if isinstance(node, (All, Any_)):
                stack.extend(node.items)
            elif isinstance(node, Not):
                stack.append(node.item)
            elif isinstance(node, Ref):
                stack.append(node.target)
    assert kinds == {"Leaf", "All", "Any_", "Not", "Ref"}


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_answers_evaluate_the_same_both_ways(bank: Questionnaire, data: st.DataObject) -> None:
    answers = data.draw(wild_answers(bank))
    for question in bank.questions:
        if question.when is not None:
            assert question.asked_if is not None
            expected = evaluate(question.when, answers)
            assert isinstance(expected, bool)
            assert compile_condition(question.when)(answers) is expected, question.id
            assert question.asked_if(answers) is expected, question.id
    for rule in bank.rules:
        assert rule.matches is not None
        expected = evaluate(rule.when, answers)
        assert isinstance(expected, bool)
        assert compile_condition(rule.when)(answers) is expected, rule.id
        assert rule.matches(answers) is expected, rule.id
        if expected:  # evidence shows the answers as given (None: unanswered)
            found = evidence(rule.when, answers)
            assert all(value is answers.get(key) for key, value in found.items()), rule.id
    for condition in TABLE_CONDITIONS:
        assert compile_condition(condition)(answers) is evaluate(condition, answers)
