"""REDCap branching logic and XLSForm `relevant` mean exactly what each `when` means.

Checked by evaluating what the forms write (tests/support/form_logic.py) against the condition
language's own evaluator, for every conditional question of the packaged bank and of a small
bank holding every kind of condition, over generated answers, answered or not. A tool may read
a blank as 0 when it compares it with a number: the forms' logic must hold either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinetriage
from spinetriage.bank.model import Questionnaire
from spinetriage.conditions.tree import evaluate
from spinetriage.conditions.values import AnswerValue
from spinetriage.forms.logic import Text, combine, number_text
from spinetriage.forms.redcap import branching_logic
from spinetriage.forms.xlsform import relevant
from support.answer_strategies import any_answers
from support.form_logic import holds, redcap_record, xform_record

BRANCHING_BANK = Path(__file__).parent / "data" / "branching.yaml"
#: the one `when` REDCap cannot write (a condition that never holds); refused, see test_forms_redcap
NEVER = "if_any_empty"


@pytest.fixture(scope="module")
def branching() -> Questionnaire:
    return spinetriage.load_questionnaire(BRANCHING_BANK)


def _check_every_when(bank: Questionnaire, answers: dict[str, AnswerValue]) -> None:
    redcap, xform = redcap_record(bank, answers), xform_record(bank, answers)
    for question in bank.questions:
        if question.when is None:
            continue
        asked = evaluate(question.when, answers)
        xpath = relevant(bank, question)
        logic = branching_logic(bank, question) if question.id != NEVER else None
        for blank_number in (False, True):
            assert (holds(xpath, xform, blank_number) if xpath else True) is asked, question.id
            if logic is not None:
                got = holds(logic, redcap, blank_number) if logic else True
                assert got is asked, question.id


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_kind_of_condition_means_the_same_in_redcap_and_xlsform(
    branching: Questionnaire, data: st.DataObject
) -> None:
    _check_every_when(branching, data.draw(any_answers(branching)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_packaged_banks_conditions_mean_the_same_in_redcap_and_xlsform(
    bank: Questionnaire, data: st.DataObject
) -> None:
    _check_every_when(bank, data.draw(any_answers(bank)))


AND_B_C = Text("b and c", "and", (Text("b"), Text("c")))
B_OR_C = Text("b or c", "or", (Text("b"), Text("c")))


@pytest.mark.parametrize(
    ("parts", "joiner", "expected"),
    [
        pytest.param([], "and", True, id="empty-and-always"),
        pytest.param([], "or", False, id="empty-or-never"),
        pytest.param([True, Text("a")], "and", "a", id="true-drops-from-and"),
        pytest.param([False, Text("a")], "and", False, id="false-absorbs-and"),
        pytest.param([True, Text("a")], "or", True, id="true-absorbs-or"),
        pytest.param([Text("a"), B_OR_C], "and", "a and (b or c)", id="parens"),
        pytest.param([Text("a"), AND_B_C], "and", "a and b and c", id="flat"),
        pytest.param([Text("b"), AND_B_C, Text("b")], "and", "b and c", id="said-once"),
        pytest.param([B_OR_C], "and", "b or c", id="alone-as-it-was"),
    ],
)
def test_constants_fold_and_parentheses_only_where_needed(
    parts: list[bool | Text], joiner: str, expected: bool | str
) -> None:
    logic = combine(parts, joiner)
    assert (logic if isinstance(logic, bool) else logic.text) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (7, "7"),
        (7.0, "7"),
        (6.5, "6.5"),
        (-2, "-2"),
        (1e20, "100000000000000000000"),
        (1e-7, "0.0000001"),
    ],
)
def test_numbers_are_written_without_exponents(value: float, text: str) -> None:
    assert number_text(value) == text
