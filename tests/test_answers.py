"""Answer validation: forgiving about form, strict about meaning, every problem named."""

from __future__ import annotations

from typing import Any

import pytest

from spinetriage.answers.validation import validate_answers
from spinetriage.bank.model import Questionnaire
from spinetriage.errors import AnswerError
from support.answer_builders import answers


@pytest.mark.parametrize(
    ("question_id", "raw", "typed"),
    [
        pytest.param("rf_fever", "Yes", True, id="yes-any-case"),
        pytest.param("rf_fever", " n ", False, id="n-with-spaces"),
        pytest.param("rf_fever", True, True, id="json-true"),
        pytest.param("rf_fever", 0, False, id="zero-is-no"),
        pytest.param("ps_bothered", "Very_Much", "very_much", id="code-any-case"),
        pytest.param("pain_now", "7", 7, id="integer-from-text"),
        pytest.param("pain_now", 7.0, 7, id="integer-from-whole-float"),
        pytest.param("imaging_done", "MRI;xray", frozenset({"mri", "xray"}), id="multi-from-text"),
        pytest.param("imaging_done", ["ct", "ct"], frozenset({"ct"}), id="multi-from-list"),
    ],
)
def test_values_are_read_forgivingly(
    bank: Questionnaire, question_id: str, raw: Any, typed: Any
) -> None:
    # imaging_matches follows any scan; it is ignored (not an error) for the other cases
    validated = validate_answers(bank, answers(**{question_id: raw}, imaging_matches="yes"))
    assert validated.answers[question_id] == typed
    assert type(validated.answers[question_id]) is type(typed)


def test_yaml_booleans_are_read_as_yes_no_codes(bank: Questionnaire) -> None:
    raw = answers(
        treatments_tried="physical_therapy",
        physical_therapy_weeks=8,
        physical_therapy_response=False,
    )
    assert validate_answers(bank, raw).answers["physical_therapy_response"] == "no"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"pain_now": 11},
            "question 'pain_now': 11 is out of range; allowed: whole number 0–10",
            id="out-of-range",
        ),
        pytest.param(
            {"pain_now": "6.5"},
            "question 'pain_now': '6.5' is not a whole number; allowed: whole number 0–10",
            id="not-whole",
        ),
        pytest.param(
            {"pain_now": "lots"},
            "question 'pain_now': 'lots' is not a number; allowed: whole number 0–10",
            id="not-a-number",
        ),
        pytest.param(
            {"pain_now": "nan"},
            "question 'pain_now': 'nan' is not a number; allowed: whole number 0–10",
            id="nan",
        ),
        pytest.param(
            {"pain_now": float("nan")},
            "question 'pain_now': nan is not a finite number; allowed: whole number 0–10",
            id="float-nan",
        ),
        pytest.param(
            {"rf_fever": "maybe"},
            "question 'rf_fever': 'maybe' is not allowed; allowed: yes, no",
            id="yes-no",
        ),
        pytest.param(
            {"leg_weakness": "severe"},
            "question 'leg_weakness': 'severe' is not a "
            "choice; allowed: one of: none, mild, significant",
            id="unknown-code",
        ),
        pytest.param(
            {"imaging_done": "none;mri"},
            "question 'imaging_done': 'none' cannot be "
            "combined with other choices; allowed: any of: xray, mri, ct, none "
            "(separate with ;)",
            id="exclusive-choice",
        ),
        pytest.param(
            {"rf_fever": None},
            "question 'rf_fever': missing answer (required; allowed: yes, no)",
            id="missing-required",
        ),
        pytest.param(
            {"pain_now": 10**400},
            "question 'pain_now': 1" + "0" * 56 + "… (401 characters) is out of range; "
            "allowed: whole number 0–10",
            id="integer-too-large-for-a-float",
        ),
        pytest.param(
            {"leg_weakness": "x" * 5000},
            "question 'leg_weakness': '" + "x" * 56 + "… (5,002 characters) is not a choice; "
            "allowed: one of: none, mild, significant",
            id="long-value-shortened",
        ),
        pytest.param({"shoe_size": 9}, "unknown question 'shoe_size'", id="unknown-question"),
    ],
)
def test_each_problem_is_named_with_what_is_allowed(
    bank: Questionnaire, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_answers(bank, answers(**changes))
    assert [str(p) for p in caught.value.problems] == [message]


def test_every_problem_is_reported_at_once(bank: Questionnaire) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_answers(bank, answers(pain_now=99, rf_fever=None, leg_pain="left"))
    assert [str(p).split(":")[0] for p in caught.value.problems] == [
        "question 'rf_fever'",
        "question 'leg_pain'",
        "question 'pain_now'",
    ]


def test_a_follow_up_is_required_only_when_asked(bank: Questionnaire) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_answers(bank, answers(leg_pain="one_side"))
    assert [str(p) for p in caught.value.problems] == [
        "question 'leg_pain_below_knee': missing answer (required; allowed: yes, no)",
    ]
    assert "leg_pain_below_knee" not in validate_answers(bank, answers()).answers


def test_blank_values_are_unanswered(bank: Questionnaire) -> None:
    validated = validate_answers(bank, answers(fusion_level="  "))
    assert "fusion_level" not in validated.answers
    assert validated.ignored == ()
