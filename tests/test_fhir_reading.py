"""Reading answers from a QuestionnaireResponse, and every way one can be unusable."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import spinetriage
from spinetriage.answers import RecordId
from spinetriage.bank.model import Questionnaire
from spinetriage.conditions.tree import leaves
from spinetriage.errors import AnswerError, InputFileError
from spinetriage.fhir import answers_from_response, read_response, result_bundle
from support.answer_builders import answers, with_treatments

URL = "https://spinetriage.example/fhir/Questionnaire/spinetriage-lumbar"
SYSTEM = "https://spinetriage.example/fhir/CodeSystem/spinetriage-lumbar/"

Resource = dict[str, Any]


@pytest.fixture(scope="module")
def branching() -> Questionnaire:
    return spinetriage.load_questionnaire(Path(__file__).parent / "data" / "branching.yaml")


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
    """Flat items (no groups), each answer exactly of its item's type, codes with their system."""
    raw = answers(treatments_tried="nsaids;chiropractic")
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": URL,
        "status": "amended",
        "item": [
            {"linkId": "pain_now", "answer": [{"valueInteger": 4}]},
            {"linkId": "leg_pain", "answer": [{"valueCoding": _coding("leg_pain", "none")}]},
            {"linkId": "back_pain", "answer": [{"valueBoolean": True}]},
            {
                "linkId": "treatments_tried",
                "answer": [
                    {"valueCoding": _coding("treatments_tried", "nsaids")},
                    {
                        "valueCoding": {
                            **_coding("treatments_tried", "chiropractic"),
                            "display": "x",
                        }
                    },
                ],
            },
        ],
    }
    read = answers_from_response(bank, response)
    assert read == {
        "pain_now": 4,
        "leg_pain": "none",
        "back_pain": True,
        "treatments_tried": ["nsaids", "chiropractic"],
    }
    follow_ups = {"nsaids_weeks": 2, "nsaids_helped": "yes"}
    follow_ups |= {"chiropractic_weeks": 2, "chiropractic_helped": "yes"}
    typed = spinetriage.triage({**raw, **read, **follow_ups}, bank).answer_map
    assert (typed["pain_now"], typed["leg_pain"], typed["back_pain"]) == (4, "none", True)
    assert typed["treatments_tried"] == frozenset({"nsaids", "chiropractic"})


def _coding(question: str, code: str) -> dict[str, str]:
    return {"system": SYSTEM + question, "code": code}


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
                        "item": [
                            {
                                "linkId": "spine_levels",
                                "answer": [{"valueCoding": _coding("spine_levels", "l4_l5")}],
                            }
                        ],
                    }
                ],
            }
        ],
    }
    assert answers_from_response(bank, response) == {
        "diagnosis_known": True,
        "spine_levels": ["l4_l5"],
    }


def test_the_identifier_is_the_record_id(bank: Questionnaire, bundle: Resource) -> None:
    response = copy.deepcopy(bundle["entry"][0]["resource"])
    assert read_response(bank, response).record_id is None
    response["identifier"] = {"system": "urn:oid:1.2.3.4", "value": "R-17"}
    assert read_response(bank, response).record_id == RecordId("R-17", "urn:oid:1.2.3.4")
    response["identifier"] = {"value": "R-18"}
    assert read_response(bank, response).record_id == RecordId("R-18")


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
            _set([*QR, "status"], _DELETE),
            "the QuestionnaireResponse has no status; allowed: completed or amended (a finished "
            "form)",
            id="no-status",
        ),
        pytest.param(
            _set([*QR, "status"], "final"),
            "the QuestionnaireResponse has status 'final'; allowed: completed or amended (a "
            "finished form)",
            id="not-a-status",
        ),
        pytest.param(
            _set([*QR, "identifier"], [{"value": "R-1"}]),
            "QuestionnaireResponse.identifier is not one Identifier (an object)",
            id="identifier-list",
        ),
        pytest.param(
            _set([*QR, "identifier"], {"value": 17}),
            "QuestionnaireResponse.identifier: its system and value must be text",
            id="identifier-number",
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


def test_values_of_the_right_type_go_through_the_normal_validation(
    bank: Questionnaire, bundle: Resource
) -> None:
    broken = copy.deepcopy(bundle)
    response = broken["entry"][0]["resource"]
    item(response, "pain_now")["answer"] = [{"valueInteger": 12}]
    response["item"][0]["item"].append(
        {"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]}
    )
    with pytest.raises(AnswerError) as caught:
        spinetriage.triage(answers_from_response(bank, broken), bank)
    assert [str(p) for p in caught.value.problems] == [
        "unknown question 'favourite_colour'",
        "question 'pain_now': 12 is out of range; allowed: whole number 0–10",
    ]


TEST_URL = "https://spinetriage.example/fhir/Questionnaire/fhir-branching-test"
TEST_SYSTEM = "https://spinetriage.example/fhir/CodeSystem/fhir-branching-test/"
BOOLEAN = "valueBoolean true or false"
COLOUR = f"valueCoding from {TEST_SYSTEM}colour with code red, green or blue"
EXTRAS = f"one valueCoding per choice from {TEST_SYSTEM}extras with code salt, pepper or none"
COUNT = "valueInteger, a whole number 0–6"
AMOUNT = "valueDecimal, a number 0–3 kg"


def _answer(link_id: str, *values: dict[str, Any]) -> dict[str, Any]:
    """A response to the branching test bank with one item."""
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": TEST_URL,
        "status": "completed",
        "item": [{"linkId": link_id, "answer": list(values)}],
    }


def _colour(code: str, system: str | None = TEST_SYSTEM + "colour") -> dict[str, Any]:
    return {"valueCoding": {"code": code} if system is None else {"system": system, "code": code}}


@pytest.mark.parametrize(
    ("response", "message"),
    [
        pytest.param(
            _answer("flag", {"valueString": "yes"}),
            f"question 'flag': valueString 'yes' is not allowed; allowed: {BOOLEAN}",
            id="boolean-as-string",
        ),
        pytest.param(
            _answer("flag", {"valueInteger": 1}),
            f"question 'flag': valueInteger 1 is not allowed; allowed: {BOOLEAN}",
            id="boolean-as-integer",
        ),
        pytest.param(
            _answer("flag", {"valueCoding": {"system": "http://snomed.info/sct", "code": "yes"}}),
            f"question 'flag': valueCoding 'yes' is not allowed; allowed: {BOOLEAN}",
            id="boolean-as-coding",
        ),
        pytest.param(
            _answer("flag", {"valueBoolean": "true"}),
            f"question 'flag': valueBoolean 'true' is not allowed; allowed: {BOOLEAN}",
            id="boolean-holding-text",
        ),
        pytest.param(
            _answer("flag", {"valueDate": "2025-01-01"}),
            f"question 'flag': valueDate '2025-01-01' is not allowed; allowed: {BOOLEAN}",
            id="boolean-as-date",
        ),
        pytest.param(
            _answer("colour", _colour("red", None)),
            f"question 'colour': valueCoding 'red' without a system is not allowed; allowed: "
            f"{COLOUR}",
            id="coding-without-system",
        ),
        pytest.param(
            _answer("colour", _colour("red", "http://snomed.info/sct")),
            "question 'colour': valueCoding 'red' from system 'http://snomed.info/sct' is not "
            f"allowed; allowed: {COLOUR}",
            id="coding-from-another-system",
        ),
        pytest.param(
            _answer("colour", _colour("red", TEST_SYSTEM + "extras")),
            f"question 'colour': valueCoding 'red' from system '{TEST_SYSTEM}extras' is not "
            f"allowed; allowed: {COLOUR}",
            id="coding-from-another-question",
        ),
        pytest.param(
            _answer("colour", _colour("Red")),
            f"question 'colour': valueCoding 'Red' is not allowed; allowed: {COLOUR}",
            id="code-in-another-case",
        ),
        pytest.param(
            _answer("colour", _colour("purple")),
            f"question 'colour': valueCoding 'purple' is not allowed; allowed: {COLOUR}",
            id="unknown-code",
        ),
        pytest.param(
            _answer("colour", {"valueCoding": {"system": TEST_SYSTEM + "colour"}}),
            f"question 'colour': a valueCoding without a code is not allowed; allowed: {COLOUR}",
            id="coding-without-code",
        ),
        pytest.param(
            _answer("colour", {"valueString": "red"}),
            f"question 'colour': valueString 'red' is not allowed; allowed: {COLOUR}",
            id="choice-as-string",
        ),
        pytest.param(
            _answer(
                "extras",
                {"valueCoding": {"system": TEST_SYSTEM + "extras", "code": "salt"}},
                {"valueCoding": {"code": "pepper"}},
            ),
            f"question 'extras': valueCoding 'pepper' without a system is not allowed; allowed: "
            f"{EXTRAS}",
            id="one-of-several-choices",
        ),
        pytest.param(
            _answer("count", {"valueDecimal": 4.0}),
            f"question 'count': valueDecimal 4.0 is not allowed; allowed: {COUNT}",
            id="integer-as-decimal",
        ),
        pytest.param(
            _answer("count", {"valueInteger": 4.5}),
            f"question 'count': valueInteger 4.5 is not allowed; allowed: {COUNT}",
            id="integer-holding-a-fraction",
        ),
        pytest.param(
            _answer("count", {"valueString": "4"}),
            f"question 'count': valueString '4' is not allowed; allowed: {COUNT}",
            id="integer-as-string",
        ),
        pytest.param(
            _answer("count", {"valueInteger": True}),
            f"question 'count': valueInteger true is not allowed; allowed: {COUNT}",
            id="integer-holding-a-boolean",
        ),
        pytest.param(
            _answer("amount", {"valueInteger": 1}),
            f"question 'amount': valueInteger 1 is not allowed; allowed: {AMOUNT}",
            id="decimal-as-integer",
        ),
        pytest.param(
            _answer("amount", {"valueDecimal": "1.5"}),
            f"question 'amount': valueDecimal '1.5' is not allowed; allowed: {AMOUNT}",
            id="decimal-holding-text",
        ),
    ],
)
def test_each_wrong_value_type_is_refused(
    branching: Questionnaire, response: dict[str, Any], message: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        answers_from_response(branching, response)
    assert [str(p) for p in caught.value.problems] == [message]
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        pytest.param(_answer("flag", {"valueBoolean": False}), False, id="boolean"),
        pytest.param(_answer("colour", _colour("blue")), "blue", id="choice"),
        pytest.param(_answer("count", {"valueInteger": 6}), 6, id="integer"),
        pytest.param(_answer("amount", {"valueDecimal": 1.5}), 1.5, id="decimal"),
        pytest.param(_answer("amount", {"valueDecimal": 2}), 2, id="decimal-written-whole"),
    ],
)
def test_each_declared_value_type_is_read(
    branching: Questionnaire, response: dict[str, Any], expected: object
) -> None:
    (read,) = answers_from_response(branching, response).values()
    assert read == expected
    assert type(read) is type(expected)


@pytest.mark.parametrize("status", ["in-progress", "stopped"])
def test_an_unfinished_response_is_refused_and_its_red_flags_still_said(
    bank: Questionnaire, bundle: Resource, status: str
) -> None:
    unfinished = copy.deepcopy(bundle)
    response = unfinished["entry"][0]["resource"]
    response["status"] = status
    item(response, "rf_bladder_bowel")["answer"] = [{"valueBoolean": True}]
    with pytest.raises(AnswerError) as caught:
        answers_from_response(bank, unfinished)
    assert [str(p) for p in caught.value.problems] == [
        f"the QuestionnaireResponse has status {status}: the form is not finished, so it is not "
        "scored; allowed: completed or amended"
    ]
    emergency = [
        r
        for r in bank.rules
        if r.red_flag and "rf_bladder_bowel" in {leaf.subject for leaf in leaves(r.when)}
    ]
    assert emergency
    assert caught.value.red_flags[0].startswith(emergency[0].reason)


def test_a_wrong_type_does_not_hide_a_red_flag(bank: Questionnaire, bundle: Resource) -> None:
    broken = copy.deepcopy(bundle)
    response = broken["entry"][0]["resource"]
    item(response, "rf_bladder_bowel")["answer"] = [{"valueBoolean": True}]
    item(response, "pain_now")["answer"] = [{"valueString": "8"}]
    with pytest.raises(AnswerError) as caught:
        answers_from_response(bank, broken)
    assert len(caught.value.problems) == 1
    assert caught.value.red_flags


def test_items_without_answers_are_skipped(bank: Questionnaire, bundle: Resource) -> None:
    with_display = copy.deepcopy(bundle)
    with_display["entry"][0]["resource"]["item"][0]["item"].append(
        {"linkId": "red_flags.intro", "text": "These first questions..."}
    )
    assert answers_from_response(bank, with_display) == answers_from_response(bank, bundle)
