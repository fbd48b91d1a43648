"""`spinetriage template`: the CSV header batch input expects, with synthetic example rows.

The examples are made up (no real person's answers) and each lands in the tier its id names.
The first, `BASELINE`, is also the answer set the tests vary: one copy, here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import IO

from ..answers.validation import validate_answers
from ..bank.model import Questionnaire
from ..errors import AnswerError
from .layout import DEFAULT_ID_COLUMN

#: every warning-sign question answered no (and no injury or fall), in bank order
NO_RED_FLAGS: dict[str, object] = {
    **dict.fromkeys(
        (
            "rf_bladder_bowel",
            "rf_saddle_numbness",
            "rf_genital_numbness",
            "rf_both_legs",
            "rf_rapid_weakness",
            "rf_unsteady",
            "rf_fever",
            "rf_infection_risk",
            "rf_cancer_history",
            "rf_weight_loss",
            "rf_night_pain",
        ),
        False,
    ),
    "rf_trauma": "none",
    "rf_bone_risk": False,
    "rf_sudden_severe": False,
}
DISABILITY_ITEMS = tuple(
    f"dis_{item}"
    for item in ("self_care", "lifting", "walking", "sitting", "standing", "sleeping", "social")
)
PSYCHOSOCIAL_YES_NO = tuple(
    f"ps_{item}"
    for item in (
        *("leg_spread", "neck_shoulder", "short_walks", "dressing_slow"),
        *("activity_unsafe", "worry", "never_better", "low_mood"),  # the distress subscale
    )
)

#: A synthetic 40-year-old with three weeks of back pain, no warning sign, no leg symptoms, no
#: operation and nothing tried yet: non-surgical care. The first example row, and the baseline
#: the tests vary.
BASELINE: dict[str, object] = {
    "age": 40,
    **NO_RED_FLAGS,
    "had_spine_surgery": False,
    "back_pain": True,
    "leg_pain": "none",
    "numbness": "none",
    "tingling": "none",
    "leg_weakness": "none",
    "walking_tolerance": "over_30_min",
    "pain_now": 4,
    "pain_worst": 6,
    "constant_pain": False,
    "first_episode": False,
    "symptom_weeks": 3,
    "diagnosis_known": False,
    "imaging_done": "none",
    **dict.fromkeys(DISABILITY_ITEMS, "slight"),
    **dict.fromkeys(PSYCHOSOCIAL_YES_NO, False),
    "ps_bothered": "moderately",
    "treatments_tried": "none",
    "pregnancy": "no",
    "avoid_surgery": True,
}

#: (record id, answers); the id names the tier the answers lead to
EXAMPLES: tuple[tuple[str, dict[str, object]], ...] = (
    ("example-1-conservative", BASELINE),
    ("example-2-emergency", {**BASELINE, "rf_bladder_bowel": True, "pain_now": 8}),
    ("example-3-urgent", {**BASELINE, "rf_fever": True}),
    (
        "example-4-interventional",
        {**BASELINE, "leg_pain": "one_side", "leg_pain_below_knee": True, "pain_worst": 8},
    ),
    (
        "example-5-surgical_decompression",
        {
            **BASELINE,
            "leg_pain": "one_side",
            "leg_pain_below_knee": True,
            "numbness": "one_leg",
            "pain_worst": 8,
            "symptom_weeks": 16,
            "diagnosis_known": True,
            "diagnoses": "disc_herniation",
            "spine_levels": "l5_s1",
            "imaging_done": "mri",
            "imaging_matches": "yes",
            "treatments_tried": "physical_therapy",
            "physical_therapy_weeks": 8,
            "physical_therapy_response": "stopped_helping",
            "morning_stiffness": False,
            "inflammatory_conditions": "none",
            "avoid_surgery": False,
        },
    ),
    (
        "example-6-fusion",
        {
            **BASELINE,
            "pain_worst": 8,
            "symptom_weeks": 40,
            "diagnosis_known": True,
            "diagnoses": "spondylolisthesis",
            "spine_levels": "l4_l5",
            "imaging_done": "xray;mri",
            "imaging_matches": "yes",
            "treatments_tried": "physical_therapy",
            "physical_therapy_weeks": 12,
            "physical_therapy_response": "no",
            "morning_stiffness": False,
            "inflammatory_conditions": "none",
            "avoid_surgery": False,
        },
    ),
    (
        "example-7-postop",
        {
            **BASELINE,
            "had_spine_surgery": True,
            "weeks_since_surgery": 3,
            "postop_warning_signs": "none",
            "surgery_procedure": "discectomy",
            "postop_walking": "daily",
            "postop_xrays": "not_planned",
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
