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
    "SPONDYLOLISTHESIS",
    "TIER_ORDER",
    "answers",
    "tried",
    "with_treatments",
]

#: the tier ids, most urgent first (bank 2.0.0: regenerative below non-surgical care)
TIER_ORDER = (
    "emergency",
    "urgent",
    "fusion",
    "surgical_decompression",
    "interventional",
    "conservative",
    "regenerative",
    "postop",
)
#: red-flag questions whose "yes" means suspected cauda equina or progressive deficit
EMERGENCY_FLAGS = (
    "rf_bladder_bowel",
    "rf_saddle_numbness",
    "rf_genital_numbness",
    "rf_both_legs",
    "rf_rapid_weakness",
)


def answers(**changes: Any) -> dict[str, Any]:
    """The baseline with changes; a value of None removes the answer."""
    merged = {**BASELINE, **changes}
    return {key: value for key, value in merged.items() if value is not None}


def tried(treatment: str, weeks: int = 8, helped: str = "no") -> dict[str, Any]:
    """Follow-up answers for one treatment (combine codes in treatments_tried yourself).

    Physiotherapy's response has its own choices: `helped` "no" and "partly" map to "no" and
    "stopped_helping", "yes" to "helped_enough".
    """
    if treatment == "injections":
        return {"injection_count": 2, "injection_relief_weeks": 2, "injections_helped": helped}
    if treatment == "medial_branch_block":
        return {"medial_branch_block_relief": "yes" if helped == "yes" else "no"}
    if treatment == "physical_therapy":
        response = {"yes": "helped_enough", "partly": "stopped_helping"}.get(helped, helped)
        return {"physical_therapy_weeks": weeks, "physical_therapy_response": response}
    return {f"{treatment}_weeks": weeks, f"{treatment}_helped": helped}


def with_treatments(
    *treatments: str, weeks: int = 8, helped: str = "no", **changes: Any
) -> dict[str, Any]:
    """The baseline with these treatments tried (all with the same weeks and response)."""
    follow_ups: dict[str, Any] = {}
    for treatment in treatments:
        follow_ups.update(tried(treatment, weeks, helped))
    return answers(treatments_tried=";".join(treatments), **follow_ups, **changes)


#: a slipped vertebra with matching scans and persistent, disabling pain
SPONDYLOLISTHESIS = {
    "diagnosis_known": "yes",
    "diagnoses": "spondylolisthesis;degenerative_disc_disease",
    "spine_levels": "l5_s1",
    "imaging_done": "xray;mri",
    "imaging_matches": "yes",
    "pain_worst": 8,
    "symptom_weeks": 30,
    "morning_stiffness": "no",
    "inflammatory_conditions": "none",
}
#: that person, after physical therapy did not help, open to surgery: a fusion consultation,
#: with many answers behind its reason (long questions and answers to show)
FUSION_CANDIDATE = with_treatments("physical_therapy", avoid_surgery="no", **SPONDYLOLISTHESIS)
