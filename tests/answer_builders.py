"""Synthetic answer sets for tests: a complete, red-flag-free baseline and small builders.

Only synthetic data: no real patient's answers belong in this repository.
"""

from __future__ import annotations

from typing import Any

#: the tier ids, most urgent first, as the issue fixes them
TIER_ORDER = (
    "emergency",
    "urgent",
    "fusion",
    "surgical_decompression",
    "regenerative",
    "interventional",
    "conservative",
    "postop",
)
#: red-flag questions whose "yes" means suspected cauda equina or progressive deficit
EMERGENCY_FLAGS = (
    "rf_bladder_bowel",
    "rf_saddle_numbness",
    "rf_sexual_dysfunction",
    "rf_both_legs",
    "rf_rapid_weakness",
)

NO_RED_FLAGS: dict[str, Any] = {
    "rf_bladder_bowel": "no",
    "rf_saddle_numbness": "no",
    "rf_sexual_dysfunction": "no",
    "rf_both_legs": "no",
    "rf_rapid_weakness": "no",
    "rf_fever": "no",
    "rf_cancer_history": "no",
    "rf_weight_loss": "no",
    "rf_night_pain": "no",
    "rf_trauma": "none",
    "rf_bone_risk": "no",
    "rf_infection_risk": "no",
}

DISABILITY_ITEMS = (
    "dis_self_care",
    "dis_lifting",
    "dis_walking",
    "dis_sitting",
    "dis_standing",
    "dis_sleeping",
    "dis_social",
)
PSYCHOSOCIAL_YES_NO = (
    "ps_leg_spread",
    "ps_neck_shoulder",
    "ps_short_walks",
    "ps_dressing_slow",
    "ps_activity_unsafe",
    "ps_worry",
    "ps_never_better",
    "ps_low_mood",
)

#: A person with three weeks of back pain, no leg symptoms, nothing tried yet: conservative.
BASELINE: dict[str, Any] = {
    **NO_RED_FLAGS,
    "back_pain": "yes",
    "leg_pain": "none",
    "numbness": "no",
    "tingling": "no",
    "leg_weakness": "none",
    "walking_tolerance": "over_30_min",
    "pain_now": 4,
    "pain_worst": 6,
    "symptom_weeks": 3,
    "diagnosis_known": "no",
    "imaging_done": "none",
    **dict.fromkeys(DISABILITY_ITEMS, "slight"),
    **dict.fromkeys(PSYCHOSOCIAL_YES_NO, "no"),
    "ps_bothered": "moderately",
    "treatments_tried": "none",
    "had_spine_surgery": "no",
    "avoid_surgery": "yes",
}


def answers(**changes: Any) -> dict[str, Any]:
    """The baseline with changes; a value of None removes the answer."""
    merged = {**BASELINE, **changes}
    return {key: value for key, value in merged.items() if value is not None}


def tried(treatment: str, weeks: int = 8, helped: str = "no") -> dict[str, Any]:
    """Follow-up answers for one treatment (combine codes in treatments_tried yourself)."""
    if treatment == "injections":
        return {"injection_count": 2, "injection_relief_weeks": 2, "injections_helped": helped}
    return {f"{treatment}_weeks": weeks, f"{treatment}_helped": helped}


def with_treatments(
    *treatments: str, weeks: int = 8, helped: str = "no", **changes: Any
) -> dict[str, Any]:
    """The baseline with these treatments tried (all with the same weeks and response)."""
    follow_ups: dict[str, Any] = {}
    for treatment in treatments:
        follow_ups.update(tried(treatment, weeks, helped))
    return answers(treatments_tried=";".join(treatments), **follow_ups, **changes)
