"""Synthetic answer sets for tests: small builders over the package's baseline answer set.

Only synthetic data: no real patient's answers belong in this repository.
"""

from __future__ import annotations

from typing import Any

from spinetriage.batch.template import BASELINE, DISABILITY_ITEMS

__all__ = [
    "BASELINE",
    "DISABILITY_ITEMS",
    "EMERGENCY_FLAGS",
    "FUSION_CANDIDATE",
    "TIER_ORDER",
    "answers",
    "tried",
    "with_treatments",
]

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


#: degenerative disc disease after physical therapy and injections did not help: a fusion
#: consultation, with many answers behind its reason (long questions and answers to show)
FUSION_CANDIDATE = with_treatments(
    "physical_therapy",
    "injections",
    diagnosis_known="yes",
    diagnoses="degenerative_disc_disease;foraminal_stenosis",
    spine_levels="l5_s1",
    pain_worst=8,
    symptom_weeks=30,
    avoid_surgery="no",
)
