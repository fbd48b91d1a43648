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


@pytest.mark.parametrize(("raw", "tier", "rule_ids"), CLINICAL_CASES)
def test_clinical_case(
    bank: Questionnaire, raw: dict[str, Any], tier: str, rule_ids: tuple[str, ...]
) -> None:
    result = spinetriage.triage(raw, bank)
    assert result.tier == tier
    assert set(rule_ids) <= {r.rule_id for r in result.reasons}
    assert result.urgency_rank == TIER_ORDER.index(tier)


def test_vignettes_cover_every_tier_and_every_red_flag(bank: Questionnaire) -> None:
    tiers = {param.values[1] for param in CLINICAL_CASES}
    assert tiers == set(TIER_ORDER)
    named_rules = {rule_id for param in CLINICAL_CASES for rule_id in param.values[2]}
    red_flag_rules = {rule.id for rule in bank.rules if rule.red_flag}
    assert red_flag_rules <= named_rules
    assert len(CLINICAL_CASES) >= 30


def test_reasons_carry_the_answers_behind_them(bank: Questionnaire) -> None:
    result = spinetriage.triage(
        with_treatments("physical_therapy", weeks=8, symptom_weeks=10), bank
    )
    reason = next(r for r in result.reasons if r.rule_id == "interventional_after_conservative")
    assert dict(reason.evidence) == {
        "had_spine_surgery": False,
        "physical_therapy_weeks": 8,
        "physical_therapy_helped": "no",
    }
    assert reason.sources == ("000", "001", "acr-lbp")


def test_red_flags_are_listed_separately(bank: Questionnaire) -> None:
    result = spinetriage.triage(answers(rf_fever="yes", rf_night_pain="yes"), bank)
    assert [r.rule_id for r in result.red_flags] == ["infection_fever", "cancer_night_pain"]
    assert result.matched_tiers == ("urgent", "conservative")


def test_a_result_without_red_flags_lists_none(bank: Questionnaire) -> None:
    assert spinetriage.triage(answers(), bank).red_flags == ()


def test_options_come_from_the_tier_with_their_sources(bank: Questionnaire) -> None:
    result = spinetriage.triage(with_treatments("physical_therapy", symptom_weeks=10), bank)
    names = [o.name for o in result.options]
    assert names[0] == "Epidural or foraminal steroid injection"
    acupuncture = next(o for o in result.options if o.name == "Acupuncture")
    assert acupuncture.source == "000"
    assert acupuncture.source_title == "The L5 S1 Fusion Alternatives Non-Surgical Options"
    assert acupuncture.evidence == "NICE NG59 advises against acupuncture for low back pain."


def test_regenerative_always_carries_the_evidence_note(bank: Questionnaire) -> None:
    tier = bank.tier("regenerative")
    assert all(option.evidence for option in tier.options)
    assert any("no benefit at 12 months" in note for note in tier.evidence_notes)


def test_fusion_shows_risks_and_the_nice_caveat(bank: Questionnaire) -> None:
    tier = bank.tier("fusion")
    assert (
        "Adjacent segment degeneration (extra wear at the levels next to the fusion)" in tier.risks
    )
    assert any("randomised" in note for note in tier.evidence_notes)


def test_scores_are_reported(bank: Questionnaire) -> None:
    raw = answers(
        pain_now=5,
        pain_worst=9,
        symptom_weeks=13,
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
    raw["nsaids_helped"] = "yes"
    raw["acupuncture_helped"] = "partly"
    assert spinetriage.triage(raw, bank).scores.failed_treatment_count == 3


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
    assert document["format_version"] == 1
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
    copy.write_text(text.replace('version: "1.0.0"', 'version: "1.0.1"'), encoding="utf-8")
    other = spinetriage.load_questionnaire(copy)
    assert other.content_hash != bank.content_hash
    assert other.content_hash.startswith("sha256:")
    assert len(other.content_hash) == 71


def test_answers_not_asked_are_not_used(bank: Questionnaire) -> None:
    raw = answers(fusion_level="l4_l5", postop_warning_signs="bladder_bowel")
    result = spinetriage.triage(raw, bank)
    assert result.tier == "conservative"
    assert result.ignored_answers == ("fusion_level", "postop_warning_signs")
    assert "fusion_level" not in result.answer_map


def test_a_result_stopped_early_keeps_only_the_emergency_reasons(bank: Questionnaire) -> None:
    from spinetriage.answers.validation import AnswerSet
    from spinetriage.scoring.decision import triage_stopped_early

    # five red-flag questions answered, the fifth an emergency; nothing else asked yet
    so_far = AnswerSet(
        {
            "rf_bladder_bowel": False,
            "rf_saddle_numbness": False,
            "rf_sexual_dysfunction": False,
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
        "clinical-reference",
        "postop-care",
    }
    document = result_to_dict(result)["result"]
    assert isinstance(document, dict)
    assert document["stopped_early"] is True
    assert result_to_dict(spinetriage.triage(answers(), bank))["result"]["stopped_early"] is False
