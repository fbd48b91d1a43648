"""Reading answers from a QuestionnaireResponse, and every way one can be unusable."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire
from spinetriage.errors import AnswerError, InputFileError
from spinetriage.fhir import answers_from_response, result_bundle
from support.answer_builders import answers, with_treatments

URL = "https://spinetriage.example/fhir/Questionnaire/spinetriage-lumbar"
SYSTEM = "https://spinetriage.example/fhir/CodeSystem/spinetriage-lumbar/"

Resource = dict[str, Any]


@pytest.fixture(scope="module")
def bundle(bank: Questionnaire) -> Resource:
    result = spinetriage.triage(with_treatments("injections", rf_fever="yes"), bank)
    return result_bundle(result, bank, datetime(2025, 1, 1, tzinfo=timezone.utc))


def item(response: Resource, link_id: str) -> Resource:
    found: Resource = next(
        i for group in response["item"] for i in group["item"] if i["linkId"] == link_id
    )
    return found


def test_a_form_filled_elsewhere_is_read(bank: Questionnaire) -> None:
    """Flat items, no groups, codes without systems, strings and decimals for numbers."""
    raw = answers(treatments_tried="nsaids;chiropractic")
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": URL,
        "status": "completed",
        "item": [
            {"linkId": "pain_now", "answer": [{"valueDecimal": 4.0}]},
            {"linkId": "leg_pain", "answer": [{"valueString": "None"}]},
            {"linkId": "back_pain", "answer": [{"valueCoding": {"code": "yes"}}]},
            {
                "linkId": "treatments_tried",
                "answer": [
                    {"valueCoding": {"system": SYSTEM + "treatments_tried", "code": "nsaids"}},
                    {"valueCoding": {"code": "chiropractic"}},
                ],
            },
        ],
    }
    read = answers_from_response(bank, response)
    assert read == {
        "pain_now": 4.0,
        "leg_pain": "None",
        "back_pain": "yes",
        "treatments_tried": ["nsaids", "chiropractic"],
    }
    follow_ups = {"nsaids_weeks": 2, "nsaids_helped": "yes"}
    follow_ups |= {"chiropractic_weeks": 2, "chiropractic_helped": "yes"}
    typed = spinetriage.triage({**raw, **read, **follow_ups}, bank).answer_map
    assert (typed["pain_now"], typed["leg_pain"], typed["back_pain"]) == (4, "none", True)
    assert typed["treatments_tried"] == frozenset({"nsaids", "chiropractic"})


def test_nested_answer_items_are_read(bank: Questionnaire) -> None:
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{URL}|{bank.version}",
        "status": "completed",
        "item": [
            {
                "linkId": "diagnosis_known",
                "answer": [
                    {
                        "valueBoolean": True,
                        "item": [{"linkId": "spine_levels", "answer": [{"valueString": "l4_l5"}]}],
                    }
                ],
            }
        ],
    }
    assert answers_from_response(bank, response) == {
        "diagnosis_known": True,
        "spine_levels": ["l4_l5"],
    }


def _set(path: list[Any], value: Any) -> Callable[[Resource], None]:
    def change(bundle: Resource) -> None:
        target = bundle
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


_DELETE = object()
QR = ["entry", 0, "resource"]
FIRST_ITEM = [*QR, "item", 0, "item", 1]  # rf_bladder_bowel (after age)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            _set(["resourceType"], "Patient"),
            "a FHIR Patient resource; expected a QuestionnaireResponse or a Bundle with one",
            id="other-resource",
        ),
        pytest.param(
            _set([*QR, "resourceType"], "Questionnaire"),
            "the Bundle holds 0 QuestionnaireResponse resources; expected one",
            id="bundle-without-response",
        ),
        pytest.param(
            lambda b: b["entry"].append(copy.deepcopy(b["entry"][0])),
            "the Bundle holds 2 QuestionnaireResponse resources; expected one",
            id="bundle-with-two",
        ),
        pytest.param(
            _set(["entry"], {"resource": {}}), "Bundle.entry is not a list", id="entry-not-list"
        ),
        pytest.param(
            _set([*QR, "questionnaire"], _DELETE),
            f"the QuestionnaireResponse does not name its questionnaire; expected {URL}",
            id="no-questionnaire",
        ),
        pytest.param(
            _set([*QR, "questionnaire"], "http://example.org/Questionnaire/phq-9|1"),
            "the QuestionnaireResponse answers questionnaire http://example.org/Questionnaire/"
            f"phq-9, not this bank's {URL}",
            id="other-questionnaire",
        ),
        pytest.param(
            _set([*QR, "questionnaire"], f"{URL}|0.9"),
            "the QuestionnaireResponse answers version 0.9 of the questionnaire; this bank is "
            "version 2.0.0 (use --questions with the bank of version 0.9)",
            id="other-version",
        ),
        pytest.param(
            _set([*QR, "status"], "entered-in-error"),
            "the QuestionnaireResponse has status entered-in-error",
            id="entered-in-error",
        ),
        pytest.param(
            _set([*QR, "item"], {"linkId": "x"}),
            "QuestionnaireResponse.item is not a list",
            id="items-not-list",
        ),
        pytest.param(
            _set([*QR, "item", 0, "item", 0], "yes"),
            "QuestionnaireResponse.item[0] ('red_flags').item[0] is not an item with a linkId",
            id="item-not-object",
        ),
        pytest.param(
            _set([*FIRST_ITEM, "answer"], {"valueBoolean": False}),
            "QuestionnaireResponse.item[0] ('red_flags').item[1] ('rf_bladder_bowel').answer "
            "is not a list",
            id="answer-not-list",
        ),
        pytest.param(
            _set([*FIRST_ITEM, "answer", 0], {"item": []}),
            "QuestionnaireResponse.item[0] ('red_flags').item[1] ('rf_bladder_bowel')"
            ".answer[0]: an answer needs exactly one value[x]",
            id="answer-without-value",
        ),
        pytest.param(
            _set([*FIRST_ITEM, "answer", 0], {"valueDate": "2025-01-01"}),
            "QuestionnaireResponse.item[0] ('red_flags').item[1] ('rf_bladder_bowel')"
            ".answer[0]: valueDate is not an answer spinetriage reads (use valueBoolean, "
            "valueCoding, valueInteger, valueDecimal or valueString)",
            id="unsupported-value-type",
        ),
    ],
)
def test_unusable_resources_are_input_file_errors(
    bank: Questionnaire, bundle: Resource, change: Callable[[Resource], None], message: str
) -> None:
    broken = copy.deepcopy(bundle)
    change(broken)
    with pytest.raises(InputFileError) as caught:
        answers_from_response(bank, broken)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        pytest.param(
            _set([*FIRST_ITEM, "answer"], [{"valueBoolean": False}, {"valueBoolean": True}]),
            ["question 'rf_bladder_bowel': 2 answers; it takes one"],
            id="two-answers-to-one-question",
        ),
        pytest.param(
            lambda b: b["entry"][0]["resource"]["item"][1]["item"].append(
                {"linkId": "rf_bladder_bowel", "answer": [{"valueBoolean": True}]}
            ),
            [
                "question 'rf_bladder_bowel': answered twice (again at QuestionnaireResponse"
                ".item[1] ('surgery').item[1] ('rf_bladder_bowel'))"
            ],
            id="answered-twice",
        ),
        pytest.param(
            _set(
                [*QR, "item", 0, "item", 12, "answer", 0, "valueCoding", "system"],
                "http://snomed.info/sct",
            ),
            [
                "question 'rf_trauma': code system http://snomed.info/sct is not this "
                f"questionnaire's ({SYSTEM}rf_trauma)"
            ],
            id="other-code-system",
        ),
        pytest.param(
            _set([*QR, "item", 0, "item", 12, "answer", 0, "valueCoding"], {"display": "No"}),
            ["question 'rf_trauma': a coding without a code"],
            id="coding-without-code",
        ),
    ],
)
def test_answers_that_do_not_fit_are_answer_errors(
    bank: Questionnaire,
    bundle: Resource,
    change: Callable[[Resource], None],
    problems: list[str],
) -> None:
    broken = copy.deepcopy(bundle)
    change(broken)
    with pytest.raises(AnswerError) as caught:
        answers_from_response(bank, broken)
    assert [str(p) for p in caught.value.problems] == problems
    assert caught.value.exit_code == 1


def test_bad_values_go_through_the_normal_validation(bank: Questionnaire, bundle: Resource) -> None:
    broken = copy.deepcopy(bundle)
    response = broken["entry"][0]["resource"]
    item(response, "pain_now")["answer"] = [{"valueInteger": 12}]
    item(response, "rf_fever")["answer"] = [{"valueString": "maybe"}]
    response["item"][0]["item"].append(
        {"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]}
    )
    with pytest.raises(AnswerError) as caught:
        spinetriage.triage(answers_from_response(bank, broken), bank)
    assert [str(p) for p in caught.value.problems] == [
        "unknown question 'favourite_colour'",
        "question 'rf_fever': 'maybe' is not allowed; allowed: yes, no",
        "question 'pain_now': 12 is out of range; allowed: whole number 0–10",
    ]


def test_items_without_answers_are_skipped(bank: Questionnaire, bundle: Resource) -> None:
    with_display = copy.deepcopy(bundle)
    with_display["entry"][0]["resource"]["item"][0]["item"].append(
        {"linkId": "red_flags.intro", "text": "These first questions..."}
    )
    assert answers_from_response(bank, with_display) == answers_from_response(bank, bundle)
