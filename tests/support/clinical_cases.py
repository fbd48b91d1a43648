"""Clinical vignettes written from the source documents, with the tier each must get.

All synthetic. Each case names the documents that motivate it. CLINICAL_CASES is shared by the
scoring tests, the command-line tests and the FHIR round trip.
"""

from __future__ import annotations

from typing import Any

import pytest

from support.answer_builders import answers, with_treatments

# A recent operation (within the past year) with a calm recovery; tier postop.
RECENT_FUSION: dict[str, Any] = {
    "had_spine_surgery": "yes",
    "surgery_procedure": "fusion",
    "fusion_level": "l5_s1",
    "weeks_since_surgery": 8,
    "postop_walking": "daily",
    "postop_xrays": "on_schedule",
    "postop_warning_signs": "none",
    "pain_now": 3,
}
RECENT_DISCECTOMY: dict[str, Any] = {
    "had_spine_surgery": "yes",
    "surgery_procedure": "discectomy",
    "weeks_since_surgery": 3,
    "postop_walking": "daily",
    "postop_xrays": "not_planned",
    "postop_warning_signs": "none",
}


def postop(base: dict[str, Any], *signs: str, **changes: Any) -> dict[str, Any]:
    return answers(**{**base, "postop_warning_signs": ";".join(signs) or "none", **changes})


# Imaging-confirmed foraminal stenosis with sciatica at L5-S1 (seed 001).
SCIATICA_L5_S1: dict[str, Any] = {
    "leg_pain": "one_side",
    "leg_pain_below_knee": "yes",
    "numbness": "yes",
    "tingling": "yes",
    "diagnosis_known": "yes",
    "diagnoses": "foraminal_stenosis",
    "spine_levels": "l5_s1",
    "imaging_done": "mri",
    "imaging_matches": "yes",
    "symptom_weeks": 16,
    "pain_worst": 8,
}
# Degenerative spondylolisthesis at L4-L5 with disabling symptoms (seeds 002, 003).
SPONDYLOLISTHESIS_L4_L5: dict[str, Any] = {
    "diagnosis_known": "yes",
    "diagnoses": "spondylolisthesis;degenerative_disc_disease",
    "spine_levels": "l4_l5",
    "imaging_done": "xray;mri",
    "imaging_matches": "yes",
    "symptom_weeks": 30,
    "pain_worst": 8,
    **dict.fromkeys(("dis_lifting", "dis_walking", "dis_standing", "dis_social"), "marked"),
    "avoid_surgery": "no",
}
CONSERVATIVE_AND_INJECTIONS = ("physical_therapy", "nsaids", "injections")


def case(case_id: str, raw: dict[str, Any], tier: str, *rule_ids: str) -> Any:
    """A vignette: raw answers, the expected tier, and rules that must be among the reasons."""
    return pytest.param(raw, tier, rule_ids, id=case_id)


CLINICAL_CASES = [
    # -- emergency: cauda equina and progressive deficit (GIRFT, seed 001)
    case("ces-bladder-bowel", answers(rf_bladder_bowel="yes"), "emergency", "ces_bladder_bowel"),
    case(
        "ces-saddle-numbness", answers(rf_saddle_numbness="yes"), "emergency", "ces_saddle_numbness"
    ),
    case(
        "ces-sexual-dysfunction",
        answers(rf_sexual_dysfunction="yes"),
        "emergency",
        "ces_sexual_dysfunction",
    ),
    case(
        "ces-both-legs",
        answers(rf_both_legs="yes", leg_pain="both_sides", leg_pain_below_knee="yes"),
        "emergency",
        "ces_both_legs",
    ),
    case(
        "progressive-foot-drop",
        answers(rf_rapid_weakness="yes", leg_weakness="significant"),
        "emergency",
        "progressive_weakness",
        "decompression_significant_weakness",
    ),
    case(
        "ces-despite-reassuring-answers",
        answers(
            rf_bladder_bowel="yes",
            pain_now=1,
            pain_worst=2,
            symptom_weeks=1,
            **dict.fromkeys(("dis_self_care", "dis_walking"), "none"),
        ),
        "emergency",
        "ces_bladder_bowel",
    ),
    case(
        "ces-while-wanting-to-avoid-surgery",
        with_treatments(
            "physical_therapy", "injections", rf_saddle_numbness="yes", **SCIATICA_L5_S1
        ),
        "emergency",
        "ces_saddle_numbness",
    ),
    case(
        "postop-bladder-bowel",
        postop(RECENT_DISCECTOMY, "bladder_bowel"),
        "emergency",
        "postop_bladder_bowel",
    ),
    case(
        "postop-legs-cannot-move",
        postop(RECENT_FUSION, "legs_cannot_move"),
        "emergency",
        "postop_legs_cannot_move",
    ),
    case("postop-chest-pain", postop(RECENT_FUSION, "chest"), "emergency", "postop_chest"),
    case(
        "postop-calf-swelling",
        postop(RECENT_DISCECTOMY, "calf", "wound"),
        "emergency",
        "postop_calf",
        "postop_wound",
    ),
    # -- urgent: cancer, infection, fracture (NICE NG234, IFOMPT, ACR); post-op complications
    case("infection-fever", answers(rf_fever="yes"), "urgent", "infection_fever"),
    case("infection-iv-drug-use", answers(rf_infection_risk="yes"), "urgent", "infection_risk"),
    case(
        "cancer-history-with-leg-weakness",
        answers(rf_cancer_history="yes", leg_weakness="mild"),
        "emergency",
        "cancer_with_neurological_signs",
        "cancer_history",
    ),
    case("cancer-history", answers(rf_cancer_history="yes"), "urgent", "cancer_history"),
    case("cancer-weight-loss", answers(rf_weight_loss="yes"), "urgent", "cancer_weight_loss"),
    case("cancer-night-pain", answers(rf_night_pain="yes"), "urgent", "cancer_night_pain"),
    case(
        "fracture-significant-trauma",
        answers(rf_trauma="significant"),
        "urgent",
        "fracture_significant_trauma",
    ),
    case(
        "fracture-minor-fall-osteoporosis",
        answers(rf_trauma="minor", rf_bone_risk="yes"),
        "urgent",
        "fracture_minor_trauma_bone_risk",
    ),
    case(
        "urgent-flag-outranks-fusion",
        with_treatments(
            *CONSERVATIVE_AND_INJECTIONS,
            weeks=12,
            rf_cancer_history="yes",
            **SPONDYLOLISTHESIS_L4_L5,
        ),
        "urgent",
        "cancer_history",
        "fusion_structural_after_care",
    ),
    case("postop-fever", postop(RECENT_FUSION, "fever"), "urgent", "postop_fever"),
    case("postop-wound-drainage", postop(RECENT_DISCECTOMY, "wound"), "urgent", "postop_wound"),
    case(
        "postop-new-weakness",
        postop(RECENT_FUSION, "numbness_weakness"),
        "urgent",
        "postop_new_deficit",
    ),
    case(
        "postop-increasing-pain",
        postop(RECENT_DISCECTOMY, "increasing_pain"),
        "urgent",
        "postop_increasing_pain",
    ),
    # -- fusion consultation (seeds 001, 002, 003)
    case(
        "fusion-spondylolisthesis-after-care",
        with_treatments(*CONSERVATIVE_AND_INJECTIONS, weeks=12, **SPONDYLOLISTHESIS_L4_L5),
        "fusion",
        "fusion_structural_after_care",
        "interventional_after_conservative",
    ),
    case(
        "fusion-instability-ddd-l5-s1",
        with_treatments(
            "physical_therapy",
            "injections",
            "chiropractic",
            weeks=10,
            diagnosis_known="yes",
            diagnoses="instability;degenerative_disc_disease",
            spine_levels="l5_s1",
            imaging_done="xray",
            imaging_matches="yes",
            symptom_weeks=40,
            pain_worst=7,
        ),
        "fusion",
        "fusion_structural_after_care",
    ),
    # -- decompression consultation (seeds 001, 004; NICE NG59)
    case(
        "decompression-foraminal-stenosis-after-care",
        with_treatments(*CONSERVATIVE_AND_INJECTIONS, weeks=10, **SCIATICA_L5_S1),
        "surgical_decompression",
        "decompression_after_care",
    ),
    case(
        "decompression-significant-weakness",
        answers(leg_weakness="significant", leg_pain="one_side", leg_pain_below_knee="yes"),
        "surgical_decompression",
        "decompression_significant_weakness",
    ),
    case(
        "decompression-mild-weakness-after-care",
        with_treatments(
            "physical_therapy", "injections", weeks=8, leg_weakness="mild", symptom_weeks=9
        ),
        "surgical_decompression",
        "decompression_deficit_after_care",
    ),
    case(
        "decompression-central-stenosis-despite-wish-to-avoid-surgery",
        with_treatments(
            *CONSERVATIVE_AND_INJECTIONS,
            weeks=14,
            **{
                **SCIATICA_L5_S1,
                "diagnoses": "central_stenosis",
                "leg_pain": "both_sides",
                "walking_tolerance": "under_10_min",
            },
        ),
        "surgical_decompression",
        "decompression_after_care",
        "regenerative_exhausted_care",
    ),
    # -- regenerative (seed 000, with the evidence note)
    case(
        "regenerative-exhausted-care-avoid-surgery",
        with_treatments(
            "physical_therapy",
            "nsaids",
            "injections",
            weeks=12,
            symptom_weeks=40,
            diagnosis_known="yes",
            diagnoses="degenerative_disc_disease",
            spine_levels="l5_s1",
            imaging_done="mri",
            imaging_matches="not_told",
            pain_worst=6,
        ),
        "regenerative",
        "regenerative_exhausted_care",
    ),
    # -- interventional (seeds 000, 001; ACR)
    case(
        "interventional-physio-not-helping",
        with_treatments("physical_therapy", weeks=8, symptom_weeks=10),
        "interventional",
        "interventional_after_conservative",
    ),
    case(
        "interventional-nsaids-partly",
        with_treatments("nsaids", weeks=6, helped="partly", symptom_weeks=8),
        "interventional",
        "interventional_after_conservative",
    ),
    case(
        "interventional-old-surgery-new-episode",
        with_treatments(
            "physical_therapy",
            weeks=9,
            symptom_weeks=12,
            had_spine_surgery="yes",
            surgery_procedure="discectomy",
            weeks_since_surgery=150,
        ),
        "interventional",
        "interventional_after_conservative",
    ),
    # -- conservative (seeds 000, 001; stratified care)
    case(
        "conservative-acute-back-pain",
        answers(symptom_weeks=2),
        "conservative",
        "conservative_first_line",
        "conservative_low_risk",
    ),
    case(
        "conservative-physio-too-short",
        with_treatments("physical_therapy", weeks=4, symptom_weeks=5),
        "conservative",
        "conservative_first_line",
    ),
    case(
        "conservative-physio-helping",
        with_treatments("physical_therapy", weeks=10, helped="yes", symptom_weeks=12),
        "conservative",
        "conservative_first_line",
    ),
    case(
        "conservative-high-psychosocial-risk",
        answers(
            **dict.fromkeys(
                (
                    "ps_leg_spread",
                    "ps_short_walks",
                    "ps_activity_unsafe",
                    "ps_worry",
                    "ps_never_better",
                    "ps_low_mood",
                ),
                "yes",
            ),
            ps_bothered="extremely",
        ),
        "conservative",
        "conservative_high_risk",
    ),
    case(
        "conservative-medium-psychosocial-risk",
        answers(
            **dict.fromkeys(
                ("ps_leg_spread", "ps_short_walks", "ps_dressing_slow", "ps_worry"), "yes"
            )
        ),
        "conservative",
        "conservative_medium_risk",
    ),
    case(
        "conservative-minor-fall-without-bone-risk",
        answers(rf_trauma="minor"),
        "conservative",
        "conservative_first_line",
    ),
    case(
        "conservative-bone-risk-without-fall",
        answers(rf_bone_risk="yes"),
        "conservative",
        "conservative_first_line",
    ),
    # -- recovery after surgery (seeds 002, 003, 004)
    case("postop-fusion-on-track", answers(**RECENT_FUSION), "postop", "postop_recovery"),
    case(
        "postop-discectomy-pain-beyond-expected",
        answers(**{**RECENT_DISCECTOMY, "weeks_since_surgery": 10, "pain_now": 6}),
        "postop",
        "postop_pain_after_decompression",
    ),
    case(
        "postop-fusion-pain-beyond-six-months",
        answers(**{**RECENT_FUSION, "weeks_since_surgery": 30, "pain_now": 6}),
        "postop",
        "postop_pain_after_fusion",
    ),
    case(
        "postop-fusion-xray-overdue",
        answers(**{**RECENT_FUSION, "weeks_since_surgery": 20, "postop_xrays": "none_yet"}),
        "postop",
        "postop_xray_overdue",
    ),
    case(
        "postop-not-walking",
        answers(**{**RECENT_DISCECTOMY, "postop_walking": "not_yet"}),
        "postop",
        "postop_not_walking",
    ),
]
