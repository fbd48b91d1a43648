"""Safety properties over thousands of random answer sets (hypothesis).

- any emergency red flag gives `emergency`, whatever else is answered;
- adding a red flag, or making a symptom worse, never lowers urgency;
- every result has a reason, and every option cites a source document;
- scoring is deterministic.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinetriage
from spinetriage.bank.model import Questionnaire
from support.answer_builders import EMERGENCY_FLAGS
from support.answer_strategies import answer_sets

BANK = spinetriage.load_questionnaire()
# Each red-flag answer as it would raise a flag (red-flag questions never change branching).
RED_FLAG_ANSWERS = (
    *((flag, "yes") for flag in EMERGENCY_FLAGS),
    ("rf_fever", "yes"),
    ("rf_cancer_history", "yes"),
    ("rf_weight_loss", "yes"),
    ("rf_night_pain", "yes"),
    ("rf_trauma", "significant"),
    ("rf_infection_risk", "yes"),
)
FAILED_TREATMENTS = (
    "physical_therapy",
    "nsaids",
    "muscle_relaxants",
    "neuropathic_agents",
    "injections",
    "decompression_therapy",
    "chiropractic",
    "acupuncture",
    "mind_body",
    "regenerative",
)
WEAKNESS = ("none", "mild", "significant")
MANY = settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SOME = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def rank(raw: dict[str, Any], bank: Questionnaire = BANK) -> int:
    return spinetriage.triage(raw, bank).urgency_rank


@MANY
@given(raw=answer_sets(BANK), flag=st.sampled_from(EMERGENCY_FLAGS))
def test_an_emergency_red_flag_always_gives_emergency(raw: dict[str, Any], flag: str) -> None:
    result = spinetriage.triage({**raw, flag: "yes"}, BANK)
    assert result.tier == "emergency"
    assert any(reason.red_flag and flag in dict(reason.evidence) for reason in result.red_flags)


@MANY
@given(raw=answer_sets(BANK), flag=st.sampled_from(RED_FLAG_ANSWERS))
def test_adding_a_red_flag_never_lowers_urgency(raw: dict[str, Any], flag: tuple[str, str]) -> None:
    question_id, value = flag
    flagged = {**raw, question_id: value}
    assert rank(flagged) <= rank(raw)
    assert rank(flagged) <= BANK.tier_rank("urgent")


@SOME
@given(raw=answer_sets(BANK), more=st.integers(1, 10))
def test_more_pain_never_lowers_urgency(raw: dict[str, Any], more: int) -> None:
    worse = {
        **raw,
        "pain_now": min(10, raw["pain_now"] + more),
        "pain_worst": min(10, raw["pain_worst"] + more),
    }
    assert rank(worse) <= rank(raw)


@SOME
@given(raw=answer_sets(BANK), more=st.integers(1, 600))
def test_longer_duration_never_lowers_urgency(raw: dict[str, Any], more: int) -> None:
    worse = {**raw, "symptom_weeks": min(2600, raw["symptom_weeks"] + more)}
    assert rank(worse) <= rank(raw)


@SOME
@given(raw=answer_sets(BANK), steps=st.integers(1, 2))
def test_more_weakness_never_lowers_urgency(raw: dict[str, Any], steps: int) -> None:
    level = min(len(WEAKNESS) - 1, WEAKNESS.index(raw["leg_weakness"]) + steps)
    assert rank({**raw, "leg_weakness": WEAKNESS[level]}) <= rank(raw)


@SOME
@given(
    raw=answer_sets(BANK), treatment=st.sampled_from(FAILED_TREATMENTS), weeks=st.integers(0, 52)
)
def test_another_failed_treatment_never_lowers_urgency(
    raw: dict[str, Any], treatment: str, weeks: int
) -> None:
    tried = {code for code in raw["treatments_tried"].split(";") if code != "none"}
    worse = {**raw, "treatments_tried": ";".join(sorted(tried | {treatment}))}
    if treatment == "injections":
        worse.setdefault("injection_count", 1)
        worse.setdefault("injection_relief_weeks", 0)
    elif treatment not in tried:
        worse[f"{treatment}_weeks"] = weeks
    worse[f"{treatment}_helped"] = "no"
    assert rank(worse) <= rank(raw)


@MANY
@given(raw=answer_sets(BANK))
def test_every_result_is_explained_and_sourced(raw: dict[str, Any]) -> None:
    result = spinetriage.triage(raw, BANK)
    source_keys = {source.key for source in BANK.sources}
    assert result.reasons
    assert result.tier in {reason.tier for reason in result.reasons}
    assert all(reason.sources and set(reason.sources) <= source_keys for reason in result.reasons)
    assert result.options
    assert all(option.source in source_keys and option.source_title for option in result.options)


@SOME
@given(raw=answer_sets(BANK))
def test_scoring_is_deterministic(raw: dict[str, Any]) -> None:
    assert spinetriage.triage(raw, BANK) == spinetriage.triage(dict(reversed(raw.items())), BANK)
