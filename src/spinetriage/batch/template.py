"""`spinetriage template`: the CSV header batch input expects, with synthetic example rows.

The examples are made up (no real person's answers) and each lands in the tier its id names.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import IO

from ..answers.validation import validate_answers
from ..bank.model import Questionnaire
from ..errors import AnswerError
from .layout import DEFAULT_ID_COLUMN

_NO_RED_FLAGS: dict[str, object] = {
    **dict.fromkeys(
        (
            "rf_bladder_bowel",
            "rf_saddle_numbness",
            "rf_sexual_dysfunction",
            "rf_both_legs",
            "rf_rapid_weakness",
            "rf_fever",
            "rf_cancer_history",
            "rf_weight_loss",
            "rf_night_pain",
            "rf_bone_risk",
            "rf_infection_risk",
        ),
        False,
    ),
    "rf_trauma": "none",
}
_DISABILITY = ("self_care", "lifting", "walking", "sitting", "standing", "sleeping", "social")
_PSYCHOSOCIAL = ("leg_spread", "neck_shoulder", "short_walks", "dressing_slow")
_DISTRESS = ("activity_unsafe", "worry", "never_better", "low_mood")

#: three weeks of back pain, nothing tried yet: conservative care
_BASE: dict[str, object] = {
    **_NO_RED_FLAGS,
    "back_pain": True,
    "leg_pain": "none",
    "numbness": False,
    "tingling": False,
    "leg_weakness": "none",
    "walking_tolerance": "over_30_min",
    "pain_now": 4,
    "pain_worst": 6,
    "symptom_weeks": 3,
    "diagnosis_known": False,
    "imaging_done": "none",
    **{f"dis_{item}": "slight" for item in _DISABILITY},
    **{f"ps_{item}": False for item in _PSYCHOSOCIAL + _DISTRESS},
    "ps_bothered": "moderately",
    "treatments_tried": "none",
    "had_spine_surgery": False,
    "avoid_surgery": True,
}

#: (record id, answers); the id ends with the tier the answers lead to
EXAMPLES: tuple[tuple[str, dict[str, object]], ...] = (
    ("example-1-conservative", _BASE),
    ("example-2-emergency", {**_BASE, "rf_bladder_bowel": True, "pain_now": 8}),
    ("example-3-urgent", {**_BASE, "rf_fever": True}),
    (
        "example-4-interventional",
        {
            **_BASE,
            "symptom_weeks": 10,
            "treatments_tried": "physical_therapy;nsaids",
            "physical_therapy_weeks": 8,
            "physical_therapy_helped": "partly",
            "nsaids_weeks": 6,
            "nsaids_helped": "no",
        },
    ),
    (
        "example-5-surgical_decompression",
        {
            **_BASE,
            "leg_pain": "one_side",
            "leg_pain_below_knee": True,
            "leg_weakness": "significant",
            "walking_tolerance": "10_to_30_min",
            "pain_worst": 8,
        },
    ),
    (
        "example-6-fusion",
        {
            **_BASE,
            "pain_worst": 8,
            "symptom_weeks": 40,
            "diagnosis_known": True,
            "diagnoses": "spondylolisthesis",
            "spine_levels": "l4_l5",
            "imaging_done": "xray;mri",
            "imaging_matches": "yes",
            "treatments_tried": "physical_therapy;injections",
            "physical_therapy_weeks": 12,
            "physical_therapy_helped": "no",
            "injection_count": 2,
            "injection_relief_weeks": 1,
            "injections_helped": "no",
            "avoid_surgery": False,
        },
    ),
    (
        "example-7-regenerative",
        {
            **_BASE,
            "symptom_weeks": 20,
            "treatments_tried": "physical_therapy;injections",
            "physical_therapy_weeks": 10,
            "physical_therapy_helped": "partly",
            "injection_count": 1,
            "injection_relief_weeks": 0,
            "injections_helped": "no",
        },
    ),
    (
        "example-8-postop",
        {
            **_BASE,
            "had_spine_surgery": True,
            "surgery_procedure": "discectomy",
            "weeks_since_surgery": 3,
            "postop_walking": "daily",
            "postop_xrays": "not_planned",
            "postop_warning_signs": "none",
        },
    ),
)


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def template_rows(bank: Questionnaire, examples: bool = False) -> Iterator[list[str]]:
    """The header row, then the example rows that are valid for this bank."""
    ids = [q.id for q in bank.questions]
    yield [DEFAULT_ID_COLUMN, *ids]
    if not examples:
        return
    for record_id, answers in usable_examples(bank):
        yield [record_id, *(_cell(answers.get(i, "")) for i in ids)]


def usable_examples(bank: Questionnaire) -> Iterator[tuple[str, Mapping[str, object]]]:
    """The examples, without any that another bank (`--questions`) would refuse."""
    for record_id, answers in EXAMPLES:
        known = {k: v for k, v in answers.items() if k in bank.by_id}
        try:
            validate_answers(bank, known)
        except AnswerError:
            continue
        yield record_id, known


def write_template(stream: IO[str], bank: Questionnaire, examples: bool = False) -> None:
    csv.writer(stream, lineterminator="\n").writerows(template_rows(bank, examples))
