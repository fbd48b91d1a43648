"""The bank as a FHIR Questionnaire: valid R4B, faithful to the bank, and branching the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinetriage
from spinetriage.bank.model import Questionnaire
from spinetriage.conditions.tree import evaluate
from spinetriage.conditions.values import AnswerValue
from spinetriage.fhir import questionnaire_canonical, questionnaire_resource
from spinetriage.fhir.bundle import questionnaire_response
from spinetriage.fhir.common import ENABLE_WHEN_EXPRESSION
from support.fhir_checks import check_narrative, check_questionnaire, enabled_questions, validate

BRANCHING_BANK = Path(__file__).parent / "data" / "branching.yaml"
EXT = "http://hl7.org/fhir/StructureDefinition/"
URL = "https://spinetriage.example/fhir/Questionnaire/spinetriage-lumbar"
SYSTEM = "https://spinetriage.example/fhir/CodeSystem/spinetriage-lumbar/"
TEST_SYSTEM = "https://spinetriage.example/fhir/CodeSystem/fhir-branching-test/"


@pytest.fixture(scope="module")
def items(bank: Questionnaire) -> dict[str, dict[str, Any]]:
    return check_questionnaire(questionnaire_resource(bank))


@pytest.fixture(scope="module")
def branching() -> Questionnaire:
    return spinetriage.load_questionnaire(BRANCHING_BANK)


def test_header_names_the_bank_and_its_version(bank: Questionnaire) -> None:
    resource = questionnaire_resource(bank)
    header = {k: v for k, v in resource.items() if k not in ("item", "text")}
    assert header == {
        "resourceType": "Questionnaire",
        "id": "spinetriage-lumbar",
        "url": URL,
        "version": bank.version,
        "name": "SpinetriageLumbar",
        "title": "Lower back (lumbar spine) triage",
        "status": "active",
        "subjectType": ["Patient"],
        "description": bank.disclaimer,
    }
    assert questionnaire_canonical(bank) == f"{URL}|{bank.version}"
    sections = "".join(f"{s.title}: {len(s.question_ids)} questions" for s in bank.sections)
    assert check_narrative(resource) == (
        f"Lower back (lumbar spine) triage: version {bank.version}: {len(bank.questions)} "
        f"questions in {len(bank.sections)} sections; some are asked only after certain "
        f"answers.{sections}"
    )


def test_one_group_per_section_with_its_questions_in_order(bank: Questionnaire) -> None:
    groups = questionnaire_resource(bank)["item"]
    assert [g["linkId"] for g in groups] == [s.id for s in bank.sections]
    for group, section in zip(groups, bank.sections, strict=True):
        assert group["type"] == "group"
        assert group["text"] == section.title
        questions = [i["linkId"] for i in group["item"] if i["type"] != "display"]
        assert questions == list(section.question_ids)


def test_every_question_keeps_its_text_type_options_and_required(
    bank: Questionnaire, items: dict[str, dict[str, Any]]
) -> None:
    types = {
        "yes_no": "boolean",
        "single_choice": "choice",
        "multi_choice": "choice",
        "integer": "integer",
        "number": "decimal",
    }
    for question in bank.questions:
        item = items[question.id]
        assert item["text"] == question.text
        assert item["type"] == types[question.type.value]
        assert item["required"] is question.required
        assert item.get("repeats", False) is (question.type.value == "multi_choice")
        options = [o["valueCoding"] for o in item.get("answerOption", [])]
        assert options == [
            {"system": SYSTEM + question.id, "code": c.code, "display": c.label}
            for c in question.choices
        ]


def test_shipped_bank_needs_the_expression_extension_only_where_asked_again(
    items: dict[str, dict[str, Any]],
) -> None:
    """Plain enableWhen, which every renderer reads, except the two questions asked again when
    answers disagree: their `when` (an `any` of `all`s) needs the SDC FHIRPath expression."""
    expressed = {
        link_id
        for link_id, item in items.items()
        if ENABLE_WHEN_EXPRESSION in [e["url"] for e in item.get("extension", [])]
    }
    assert expressed == {"both_legs_onset", "pain_worst_recheck"}


@pytest.mark.parametrize(
    ("link_id", "expected"),
    [
        pytest.param(
            "leg_pain_below_knee",
            {
                "enableWhen": [
                    {
                        "question": "leg_pain",
                        "operator": "=",
                        "answerCoding": {
                            "system": SYSTEM + "leg_pain",
                            "code": code,
                            "display": display,
                        },
                    }
                    for code, display in (
                        ("one_side", "Yes, one leg"),
                        ("both_sides", "Yes, both legs"),
                    )
                ],
                "enableBehavior": "any",
            },
            id="in-becomes-any",
        ),
        pytest.param(
            "diagnoses",
            {
                "enableWhen": [
                    {"question": "diagnosis_known", "operator": "=", "answerBoolean": True}
                ]
            },
            id="equals-yes",
        ),
        pytest.param(
            "imaging_matches",
            {
                "enableWhen": [
                    {
                        "question": "imaging_done",
                        "operator": "=",
                        "answerCoding": {
                            "system": SYSTEM + "imaging_done",
                            "code": code,
                            "display": display,
                        },
                    }
                    for code, display in (("xray", "X-ray"), ("mri", "MRI"), ("ct", "CT"))
                ],
                "enableBehavior": "any",
            },
            id="any-of-includes",
        ),
        pytest.param(
            "postop_walking",
            {
                "enableWhen": [
                    {"question": "had_spine_surgery", "operator": "=", "answerBoolean": True},
                    {"question": "weeks_since_surgery", "operator": "<=", "answerInteger": 52},
                ],
                "enableBehavior": "all",
            },
            id="ref-to-all",
        ),
        pytest.param("back_pain", {}, id="always-asked"),
    ],
)
def test_enable_when_of_the_shipped_bank(
    items: dict[str, dict[str, Any]], link_id: str, expected: dict[str, Any]
) -> None:
    item = items[link_id]
    assert {k: item[k] for k in ("enableWhen", "enableBehavior") if k in item} == expected


def test_numbers_carry_bounds_and_unit(items: dict[str, dict[str, Any]]) -> None:
    assert items["symptom_weeks"]["extension"] == [
        {"url": EXT + "minValue", "valueInteger": 0},
        {"url": EXT + "maxValue", "valueInteger": 2600},
        {
            "url": EXT + "questionnaire-unit",
            "valueCoding": {
                "system": "http://unitsofmeasure.org",
                "code": "wk",
                "display": "weeks",
            },
        },
    ]


def test_exclusive_options_points_and_help(items: dict[str, dict[str, Any]]) -> None:
    none = items["treatments_tried"]["answerOption"][-1]
    assert none["valueCoding"]["code"] == "none"
    assert none["extension"] == [
        {"url": EXT + "questionnaire-optionExclusive", "valueBoolean": True}
    ]
    severe = items["dis_walking"]["answerOption"][4]
    assert severe["extension"] == [{"url": EXT + "ordinalValue", "valueDecimal": 4}]
    (help_item,) = items["rf_weight_loss"]["item"]
    assert help_item["linkId"] == "rf_weight_loss.help"
    assert help_item["type"] == "display"
    assert help_item["text"].startswith("For example about 5 kg")


def _expression(item: dict[str, Any]) -> dict[str, Any]:
    (extension,) = [e for e in item["extension"] if e["url"] == ENABLE_WHEN_EXPRESSION]
    expression: dict[str, Any] = extension["valueExpression"]
    return expression


def _coding(question: str, code: str) -> dict[str, Any]:
    return {"system": TEST_SYSTEM + question, "code": code, "display": code.capitalize()}


@pytest.mark.parametrize(
    ("link_id", "enable_when", "behavior"),
    [
        pytest.param("if_not_flag", [("flag", "=", "answerBoolean", False)], None, id="equals-no"),
        pytest.param(
            "if_count_at_least",
            [("count", ">=", "answerInteger", 3)],
            None,
            id="whole-numbers-round-up-for-at-least",
        ),
        pytest.param(
            "if_count_at_most",
            [("count", "<=", "answerInteger", 2)],
            None,
            id="whole-numbers-round-down-for-at-most",
        ),
        pytest.param(
            "if_count_in",
            [("count", "=", "answerInteger", 1), ("count", "=", "answerInteger", 3)],
            "any",
            id="numbers-in",
        ),
        pytest.param(
            "if_amount_equals", [("amount", "=", "answerDecimal", 1.5)], None, id="decimal"
        ),
        pytest.param(
            "if_answered", [("count", "exists", "answerBoolean", True)], None, id="answered"
        ),
        pytest.param(
            "if_unanswered", [("colour", "exists", "answerBoolean", False)], None, id="unanswered"
        ),
        pytest.param(
            "if_all_flat",
            [
                ("flag", "=", "answerBoolean", True),
                ("count", ">=", "answerInteger", 1),
                ("extras", "=", "answerCoding", _coding("extras", "pepper")),
            ],
            "all",
            id="nested-all-and-ref-flatten",
        ),
        pytest.param(
            "if_any_flat",
            [
                ("colour", "=", "answerCoding", _coding("colour", "red")),
                ("colour", "=", "answerCoding", _coding("colour", "green")),
                ("extras", "=", "answerCoding", _coding("extras", "pepper")),
                ("flag", "=", "answerBoolean", False),
            ],
            "any",
            id="nested-any-in-and-ref-flatten",
        ),
    ],
)
def test_enable_when_for_each_kind_of_condition(
    branching: Questionnaire,
    link_id: str,
    enable_when: list[tuple[str, str, str, Any]],
    behavior: str | None,
) -> None:
    items = check_questionnaire(questionnaire_resource(branching))
    item = items[link_id]
    assert item["enableWhen"] == [
        {"question": q, "operator": op, key: value} for q, op, key, value in enable_when
    ]
    assert item.get("enableBehavior") == behavior
    assert "extension" not in item


@pytest.mark.parametrize(
    ("link_id", "description", "expression"),
    [
        pytest.param(
            "if_not",
            "Asked when not (flag = yes)",
            "(%resource.repeat(item).where(linkId = 'flag').answer.where(value = true)"
            ".exists()).not()",
            id="not",
        ),
        pytest.param(
            "if_mixed",
            "Asked when flag = yes and colour in {red, green}",
            "(%resource.repeat(item).where(linkId = 'flag').answer.where(value = true).exists()"
            " and %resource.repeat(item).where(linkId = 'colour').answer"
            ".where(value.code in ('red' | 'green')).exists())",
            id="all-with-in",
        ),
        pytest.param("if_any_empty", "Asked when never", "false", id="empty-any-is-never"),
    ],
)
def test_conditions_enable_when_cannot_express_become_fhirpath(
    branching: Questionnaire, link_id: str, description: str, expression: str
) -> None:
    items = check_questionnaire(questionnaire_resource(branching))
    assert "enableWhen" not in items[link_id]
    assert _expression(items[link_id]) == {
        "description": description,
        "language": "text/fhirpath",
        "expression": expression,
    }


def test_nested_mix_with_not_and_ref_is_described_by_name(branching: Questionnaire) -> None:
    items = check_questionnaire(questionnaire_resource(branching))
    expression = _expression(items["if_nested"])
    assert expression["description"] == (
        "Asked when (extras includes salt and amount ≥ 1) or not (salty_flag)"
    )
    assert ".not()" in expression["expression"]


def test_empty_all_is_always_asked(branching: Questionnaire) -> None:
    items = check_questionnaire(questionnaire_resource(branching))
    assert not {"enableWhen", "enableBehavior", "extension"} & items["if_all_empty"].keys()


def _controls() -> st.SearchStrategy[dict[str, AnswerValue]]:
    optional = {
        "flag": st.booleans(),
        "colour": st.sampled_from(["red", "green", "blue"]),
        "extras": st.frozensets(st.sampled_from(["salt", "pepper", "none"]), min_size=1),
        "count": st.integers(0, 6),
        "amount": st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0]) | st.floats(0, 3),
    }
    return st.fixed_dictionaries({}, optional=optional)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(controls=_controls())
def test_renderer_enables_exactly_what_spinetriage_asks(
    branching: Questionnaire, controls: dict[str, AnswerValue]
) -> None:
    """enableWhen and the FHIRPath expressions agree with the condition language everywhere."""
    questionnaire = questionnaire_resource(branching)
    response = questionnaire_response(branching, controls, "2025-01-01T00:00:00Z")
    validate(response)
    asked = {q.id for q in branching.questions if q.when is None or evaluate(q.when, controls)}
    assert enabled_questions(questionnaire, response) == asked
