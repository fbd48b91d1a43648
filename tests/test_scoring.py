"""Scoring: the clinical vignettes, the scores, and the shape of a result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire
from spinetriage.scoring.result import result_to_dict
from spinetriage.scoring.scores import disability_band, duration_band, psychosocial_risk
from support.answer_builders import DISABILITY_ITEMS, TIER_ORDER, answers, with_treatments
from support.clinical_cases import CLINICAL_CASES


@pytest.mark.parametrize(("raw", "accept"), CLINICAL_CASES)
def test_clinical_case(bank: Questionnaire, raw: dict[str, Any], accept: tuple[str, ...]) -> None:
    answer_set = spinetriage.scoring.check_answers(bank, raw)
    assert answer_set.ignored == ()  # every answer of the vignette was used
    result = spinetriage.triage(raw, bank)
    assert result.tier in accept
    assert result.urgency_rank == TIER_ORDER.index(result.tier)


def test_vignettes_cover_every_tier_and_every_red_flag(bank: Questionnaire) -> None:
    results = [spinetriage.triage(param.values[0], bank) for param in CLINICAL_CASES]
    assert {r.tier for r in results} == set(TIER_ORDER) - {"regenerative"}
    # regenerative is never the headline (no guideline supports it): it is only also matched
    assert "regenerative" in {t for r in results for t in r.matched_tiers}
    fired = {reason.rule_id for r in results for reason in r.reasons}
    assert {rule.id for rule in bank.rules if rule.red_flag} <= fired
    assert len(CLINICAL_CASES) >= 100


def test_reasons_carry_the_answers_behind_them(bank: Questionnaire) -> None:
    raw = with_treatments(
        "physical_therapy", weeks=8, helped="partly", leg_pain="one_side", leg_pain_below_knee="yes"
    )
    result = spinetriage.triage(raw, bank)
    reason = next(r for r in result.reasons if r.rule_id == "nerve_pain_after_care")
    # the answers that made the rule hold; not "no operation", which only keeps the
    # non-surgical pathway open (a negated definition is a gate, not a finding)
    assert dict(reason.evidence) == {
        "leg_pain_below_knee": True,
        "physical_therapy_weeks": 8,
        "physical_therapy_response": "stopped_helping",
    }
    assert reason.sources == ("001", "nice-ng59", "acr-lbp")
    low_risk = next(r for r in result.reasons if r.rule_id == "conservative_low_risk")
    assert dict(low_risk.evidence) == {"psychosocial_risk": "low"}


def test_a_negated_question_is_shown_as_a_finding(bank: Questionnaire) -> None:
    raw = answers(tingling="both_legs", both_legs_onset="not_sure")
    reason = next(
        r for r in spinetriage.triage(raw, bank).reasons if r.rule_id == "ces_both_legs_unresolved"
    )
    assert dict(reason.evidence) == {
        "tingling": "both_legs",
        "rf_both_legs": False,
        "both_legs_onset": "not_sure",
    }


def test_red_flags_are_listed_separately(bank: Questionnaire) -> None:
    result = spinetriage.triage(answers(rf_fever="yes", rf_night_pain="yes"), bank)
    assert [r.rule_id for r in result.red_flags] == ["infection_fever", "night_pain"]
    assert result.matched_tiers == ("urgent", "conservative")


def test_a_result_without_red_flags_lists_none(bank: Questionnaire) -> None:
    assert spinetriage.triage(answers(), bank).red_flags == ()


def test_options_come_from_the_tier_with_their_sources(bank: Questionnaire) -> None:
    sciatica = answers(leg_pain="one_side", leg_pain_below_knee="yes", pain_worst=8)
    result = spinetriage.triage(sciatica, bank)
    assert result.tier == "interventional"
    names = [o.name for o in result.options]
    assert names[0] == "Epidural or foraminal steroid injection"
    acupuncture = next(o for o in result.options if o.name == "Acupuncture")
    assert acupuncture.source == "000"
    assert acupuncture.source_title == "The L5 S1 Fusion Alternatives Non-Surgical Options"
    assert acupuncture.evidence == "NICE NG59 advises against acupuncture for low back pain."


@pytest.mark.parametrize(
    ("changes", "shown", "not_shown"),
    [
        pytest.param(
            {},
            ["Anti-inflammatory painkillers (NSAIDs) and muscle relaxants"],
            [
                "Nerve pain medicines (gabapentin, pregabalin)",
                "Painkillers during pregnancy or after a birth",
                "Combined physical and psychological programme",
            ],
            id="back-pain-only",
        ),
        pytest.param(
            {"leg_pain": "one_side", "leg_pain_below_knee": "yes", "pain_worst": 5},
            ["Nerve pain medicines (gabapentin, pregabalin)"],
            [],
            id="leg-pain-gets-nerve-medicines",
        ),
        pytest.param(
            {"pregnancy": "pregnant"},
            ["Painkillers during pregnancy or after a birth"],
            ["Anti-inflammatory painkillers (NSAIDs) and muscle relaxants"],
            id="pregnancy-no-nsaids",
        ),
        pytest.param(
            {
                "ps_activity_unsafe": "yes",
                "ps_worry": "yes",
                "ps_never_better": "yes",
                "ps_low_mood": "yes",
                "ps_short_walks": "yes",
            },
            ["Combined physical and psychological programme"],
            [],
            id="high-risk-combined-programme-first",
        ),
    ],
)
def test_options_fit_the_person(
    bank: Questionnaire, changes: dict[str, Any], shown: list[str], not_shown: list[str]
) -> None:
    result = spinetriage.triage(answers(**changes), bank)
    assert result.tier == "conservative"
    names = [o.name for o in result.options]
    assert set(shown) <= set(names)
    assert not set(not_shown) & set(names)
    if "Combined physical and psychological programme" in shown:
        assert names[0] == "Combined physical and psychological programme"


def test_the_action_is_the_rule_s_own_where_it_has_one(bank: Questionnaire) -> None:
    calf = answers(
        had_spine_surgery="yes",
        weeks_since_surgery=2,
        postop_warning_signs="calf;chest",
        surgery_procedure="fusion",
        fusion_level="l4_l5",
        postop_walking="short",
        postop_xrays="on_schedule",
    )
    result = spinetriage.triage(calf, bank)
    assert result.tier == "emergency"
    assert result.action == "Call an ambulance now (your local emergency number)."
    assert result.actions == (
        "Go to an emergency department now; call an ambulance if you also have chest pain or "
        "breathlessness.",
    )
    ces = spinetriage.triage(answers(rf_bladder_bowel="yes"), bank)
    assert ces.action == "Go to an emergency department now; an MRI scan is needed within hours."
    fever = spinetriage.triage(answers(rf_fever="yes"), bank)
    assert fever.action == bank.tier("urgent").action


def test_avoiding_surgery_sets_surgery_aside_unless_weakness_forces_it(
    bank: Questionnaire,
) -> None:
    sciatica = with_treatments(
        "physical_therapy",
        weeks=8,
        helped="partly",
        leg_pain="one_side",
        leg_pain_below_knee="yes",
        symptom_weeks=16,
        diagnosis_known="yes",
        diagnoses="disc_herniation",
        spine_levels="l5_s1",
        imaging_done="mri",
        imaging_matches="yes",
        morning_stiffness="no",
        inflammatory_conditions="none",
    )
    open_to_it = spinetriage.triage({**sciatica, "avoid_surgery": "no"}, bank)
    assert (open_to_it.tier, open_to_it.set_aside_tiers) == ("surgical_decompression", ())
    avoiding = spinetriage.triage({**sciatica, "avoid_surgery": "yes"}, bank)
    assert avoiding.tier == "interventional"
    assert avoiding.set_aside_tiers == ("surgical_decompression",)
    assert "surgical_decompression" in avoiding.matched_tiers
    weak = spinetriage.triage(
        {**sciatica, "leg_weakness": "mild", "weakness_onset": "longstanding"}, bank
    )
    assert (weak.tier, weak.set_aside_tiers) == ("surgical_decompression", ())


def test_worst_pain_is_the_highest_pain_answer(bank: Questionnaire) -> None:
    assert spinetriage.triage(answers(pain_now=8, pain_worst=5), bank).scores.pain_worst == 8
    rechecked = answers(pain_now=6, pain_worst=3, pain_worst_recheck=9)
    assert spinetriage.triage(rechecked, bank).scores.pain_worst == 9


def test_regenerative_always_carries_the_evidence_note(bank: Questionnaire) -> None:
    tier = bank.tier("regenerative")
    assert all(option.evidence for option in tier.options)
    assert any("no benefit at 12 months" in note for note in tier.evidence_notes)


def test_fusion_shows_risks_and_the_nice_caveat(bank: Questionnaire) -> None:
    tier = bank.tier("fusion")
    assert "Extra wear at the levels next to the fusion (adjacent segment degeneration)" in (
        tier.risks
    )
    assert any("randomised" in note for note in tier.evidence_notes)


def test_scores_are_reported(bank: Questionnaire) -> None:
    raw = answers(
        pain_now=5,
        pain_worst=9,
        symptom_weeks=13,
        morning_stiffness="no",
        inflammatory_conditions="none",
        **dict.fromkeys(DISABILITY_ITEMS, "marked"),
    )
    scores = spinetriage.triage(raw, bank).scores
    assert (scores.pain_now, scores.pain_worst) == (5, 9)
    assert scores.disability_percent == 60.0
    assert scores.disability_band == "severe"
    assert (scores.duration_weeks, scores.duration_band) == (13, "chronic")
    assert (scores.psychosocial_total, scores.psychosocial_distress) == (0, 0)
    assert scores.psychosocial_risk == "low"
    assert scores.failed_treatment_count == 0


def test_failed_treatments_are_counted(bank: Questionnaire) -> None:
    raw = with_treatments("physical_therapy", "nsaids", "acupuncture", "injections")
    raw["physical_therapy_response"] = "improving"  # still helping: not a failure
    raw["nsaids_helped"] = "yes"
    raw["acupuncture_helped"] = "partly"
    assert spinetriage.triage(raw, bank).scores.failed_treatment_count == 2


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "minimal"),
        (20, "minimal"),
        (20.1, "moderate"),
        (40, "moderate"),
        (41, "severe"),
        (60, "severe"),
        (61, "crippling"),
        (80, "crippling"),
        (81, "bed_bound"),
        (100, "bed_bound"),
    ],
)
def test_disability_bands(percent: float, band: str) -> None:
    assert disability_band(percent) == band


@pytest.mark.parametrize(
    ("weeks", "band"),
    [
        (0, "acute"),
        (3, "acute"),
        (4, "subacute"),
        (12, "subacute"),
        (13, "chronic"),
        (520, "chronic"),
    ],
)
def test_duration_bands(weeks: int, band: str) -> None:
    assert duration_band(weeks) == band


@pytest.mark.parametrize(
    ("total", "distress", "risk"),
    [
        (0, 0, "low"),
        (3, 3, "low"),
        (4, 3, "medium"),
        (4, 4, "high"),
        (9, 5, "high"),
        (8, 3, "medium"),
    ],
)
def test_psychosocial_risk(total: int, distress: int, risk: str) -> None:
    assert psychosocial_risk(total, distress) == risk


def test_psychosocial_scores_follow_the_method(bank: Questionnaire) -> None:
    raw = answers(
        ps_leg_spread="yes",
        ps_worry="yes",
        ps_never_better="yes",
        ps_low_mood="yes",
        ps_bothered="very_much",
    )
    scores = spinetriage.triage(raw, bank).scores
    assert (scores.psychosocial_total, scores.psychosocial_distress) == (5, 4)
    assert scores.psychosocial_risk == "high"


def test_recovery_timeline_after_fusion(bank: Questionnaire) -> None:
    raw = answers(
        had_spine_surgery="yes",
        surgery_procedure="fusion",
        fusion_level="l4_l5",
        weeks_since_surgery=14,
        pain_now=3,
        postop_walking="daily",
        postop_xrays="on_schedule",
        postop_warning_signs="none",
    )
    recovery = spinetriage.triage(raw, bank).recovery
    assert recovery is not None
    assert (recovery.procedure, recovery.weeks_since, recovery.next_xray_week) == ("fusion", 14, 26)


def test_json_envelope_is_versioned(bank: Questionnaire) -> None:
    document = result_to_dict(spinetriage.triage(answers(rf_fever="yes"), bank))
    assert document["format"] == "spinetriage.result"
    assert document["format_version"] == 2
    assert document["bank"] == {
        "id": "spinetriage-lumbar",
        "version": bank.version,
        "content_hash": bank.content_hash,
    }
    result = document["result"]
    assert isinstance(result, dict)
    assert result["tier"] == "urgent"
    assert result["red_flags"][0]["answers"] == {"rf_fever": True}
    assert "does not diagnose" in result["disclaimer"]
    json.dumps(document)  # serialisable as it is


def test_content_hash_changes_with_the_bank(bank: Questionnaire, tmp_path: Path) -> None:
    text = Path(bank.path).read_text(encoding="utf-8")
    copy = tmp_path / "bank.yaml"
    copy.write_text(text.replace('version: "2.0.0"', 'version: "2.0.1"'), encoding="utf-8")
    other = spinetriage.load_questionnaire(copy)
    assert other.content_hash != bank.content_hash
    assert other.content_hash.startswith("sha256:")
    assert len(other.content_hash) == 71


def test_answers_not_asked_are_not_used(bank: Questionnaire) -> None:
    raw = answers(fusion_level="l4_l5", postop_warning_signs="bladder_bowel")
    result = spinetriage.triage(raw, bank)
    assert result.tier == "conservative"
    assert result.ignored_answers == ("postop_warning_signs", "fusion_level")  # in bank order
    assert "fusion_level" not in result.answer_map


def test_a_result_stopped_early_keeps_only_the_emergency_reasons(bank: Questionnaire) -> None:
    from spinetriage.answers.validation import AnswerSet
    from spinetriage.scoring.decision import triage_stopped_early

    # six warning-sign questions answered, the sixth an emergency; nothing else asked yet
    so_far = AnswerSet(
        {
            "age": 50,
            "rf_bladder_bowel": False,
            "rf_saddle_numbness": False,
            "rf_genital_numbness": False,
            "rf_both_legs": False,
            "rf_rapid_weakness": True,
        }
    )
    result = triage_stopped_early(bank, so_far)
    assert result.stopped_early
    assert result.tier == "emergency"
    assert [r.rule_id for r in result.reasons] == ["progressive_weakness"]
    assert result.matched_tiers == ("emergency",)
    assert {s.key for s in result.sources} == {
        "girft-ces",
        "001",
        "nice-ng234",
        "nice-ng41",
        "clinical-reference",
        "postop-care",
    }
    document = result_to_dict(result)["result"]
    assert isinstance(document, dict)
    assert document["stopped_early"] is True
    assert result_to_dict(spinetriage.triage(answers(), bank))["result"]["stopped_early"] is False
