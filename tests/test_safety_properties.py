"""Safety properties over thousands of random answer sets (hypothesis).

- any emergency red flag gives `emergency`, whatever else is answered;
- past cancer, or fever or infection risk, together with any nerve sign is an emergency;
- adding any warning sign, or making a symptom worse, never lowers urgency;
- preferring to avoid surgery never raises a tier;
- the interview's alert never fires on a rule the finished answers would not hold;
- every answer set matches a rule (what `check` proves by search), every result has a reason,
  and every option cites a source document; scoring is deterministic.

A change to one answer can bring in follow-up questions or drop others: `completed` redraws
the answer set around the change, so every set scored here is one a person could give.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinetriage
from spinetriage.answers import asked_questions, parse_value
from spinetriage.bank.model import Questionnaire
from spinetriage.scoring import certain_rules, check_answers, decide
from support.answer_builders import EMERGENCY_FLAGS
from support.answer_strategies import answer_sets, blank_answers, completed

BANK = spinetriage.load_questionnaire()
EMERGENCY = BANK.tier_rank("emergency")
URGENT = BANK.tier_rank("urgent")
# Each warning-sign answer as it would raise a flag: red-flag questions change no branching
# except the sudden-pain follow-up, which `completed` draws.
RED_FLAG_ANSWERS = (
    *((flag, "yes") for flag in EMERGENCY_FLAGS),
    ("rf_unsteady", "yes"),
    ("rf_fever", "yes"),
    ("rf_infection_risk", "yes"),
    ("rf_cancer_history", "yes"),
    ("rf_weight_loss", "yes"),
    ("rf_night_pain", "yes"),
    ("rf_trauma", "significant"),
)
#: answers that are a sign of a nerve problem (NICE NG234's list)
NERVE_SIGNS = (
    ("leg_weakness", "mild"),
    ("leg_weakness", "significant"),
    ("numbness", "one_leg"),
    ("numbness", "both_legs"),
    ("tingling", "one_leg"),
    ("rf_unsteady", "yes"),
    ("rf_bladder_bowel", "yes"),
    ("walking_tolerance", "cannot_walk"),
)
INFECTION_NERVE_SIGNS = (
    ("leg_weakness", "mild"),
    ("leg_weakness", "significant"),
    ("numbness", "one_leg"),
    ("rf_bladder_bowel", "yes"),
    ("rf_saddle_numbness", "yes"),
)
TREATMENTS = tuple(c.code for c in BANK.question("treatments_tried").choices if not c.exclusive)
WEAKNESS = ("none", "mild", "significant")
MANY = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SOME = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def rank(raw: dict[str, Any], bank: Questionnaire = BANK) -> int:
    return spinetriage.triage(raw, bank).urgency_rank


def changed(data: st.DataObject, raw: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The answer set with these answers changed, completed around the change (what was left
    blank stays blank)."""
    return completed(data.draw, BANK, {**raw, **changes}, blank_answers(BANK, raw))


@MANY
@given(raw=answer_sets(BANK), flag=st.sampled_from(EMERGENCY_FLAGS), data=st.data())
def test_an_emergency_red_flag_always_gives_emergency(
    raw: dict[str, Any], flag: str, data: st.DataObject
) -> None:
    result = spinetriage.triage(changed(data, raw, **{flag: "yes"}), BANK)
    assert result.tier == "emergency"
    assert any(flag in dict(reason.evidence) for reason in result.red_flags)


@MANY
@given(
    raw=answer_sets(BANK),
    risk=st.sampled_from(("rf_cancer_history", "rf_fever", "rf_infection_risk")),
    data=st.data(),
)
def test_cancer_or_infection_with_a_nerve_sign_is_an_emergency(
    raw: dict[str, Any], risk: str, data: st.DataObject
) -> None:
    # NICE NG234: any nerve symptom with cancer; IFOMPT: weakness, numbness or a bladder or
    # bowel change with fever or infection risk
    signs = NERVE_SIGNS if risk == "rf_cancer_history" else INFECTION_NERVE_SIGNS
    question_id, value = data.draw(st.sampled_from(signs))
    raw = changed(data, raw, **{risk: "yes", question_id: value})
    assert spinetriage.triage(raw, BANK).tier == "emergency"


@MANY
@given(raw=answer_sets(BANK), flag=st.sampled_from(RED_FLAG_ANSWERS), data=st.data())
def test_adding_a_warning_sign_never_lowers_urgency(
    raw: dict[str, Any], flag: tuple[str, str], data: st.DataObject
) -> None:
    question_id, value = flag
    flagged = changed(data, raw, **{question_id: value})
    assert rank(flagged) <= rank(raw)
    assert rank(flagged) <= URGENT


@SOME
@given(raw=answer_sets(BANK), data=st.data())
def test_a_post_operative_warning_sign_never_lowers_urgency(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    recent = changed(
        data, raw, had_spine_surgery="yes", weeks_since_surgery=data.draw(st.integers(0, 52))
    )
    signs = [c.code for c in BANK.question("postop_warning_signs").choices if not c.exclusive]
    sign = data.draw(st.sampled_from(signs))
    before = {**recent, "postop_warning_signs": "none"}
    after = {**recent, "postop_warning_signs": sign}
    assert rank(after) <= rank(before)
    assert rank(after) <= URGENT


@SOME
@given(raw=answer_sets(BANK), more=st.integers(1, 10), data=st.data())
def test_more_pain_never_lowers_urgency(
    raw: dict[str, Any], more: int, data: st.DataObject
) -> None:
    worse = changed(
        data,
        raw,
        pain_now=min(10, raw["pain_now"] + more),
        pain_worst=min(10, raw["pain_worst"] + more),
    )
    assert rank(worse) <= rank(raw)


@SOME
@given(raw=answer_sets(BANK), more=st.integers(1, 600), data=st.data())
def test_longer_duration_never_lowers_urgency(
    raw: dict[str, Any], more: int, data: st.DataObject
) -> None:
    worse = changed(data, raw, symptom_weeks=min(2600, raw["symptom_weeks"] + more))
    assert rank(worse) <= rank(raw)


@SOME
@given(raw=answer_sets(BANK), steps=st.integers(1, 2), data=st.data())
def test_more_weakness_never_lowers_urgency(
    raw: dict[str, Any], steps: int, data: st.DataObject
) -> None:
    level = min(len(WEAKNESS) - 1, WEAKNESS.index(raw["leg_weakness"]) + steps)
    # the same onset when there was weakness before; drawn when weakness is new
    assert rank(changed(data, raw, leg_weakness=WEAKNESS[level])) <= rank(raw)


@SOME
@given(raw=answer_sets(BANK), treatment=st.sampled_from(TREATMENTS), data=st.data())
def test_another_failed_treatment_never_lowers_urgency(
    raw: dict[str, Any], treatment: str, data: st.DataObject
) -> None:
    tried = {code for code in raw["treatments_tried"].split(";") if code != "none"}
    worse = changed(data, raw, treatments_tried=";".join(sorted(tried | {treatment})))
    if treatment == "physical_therapy":
        worse["physical_therapy_response"] = "no"
    elif treatment == "medial_branch_block":
        worse["medial_branch_block_relief"] = "no"
    else:
        worse[f"{treatment}_helped"] = "no"
    assert rank(worse) <= rank(raw)


@MANY
@given(raw=answer_sets(BANK), data=st.data())
def test_preferring_to_avoid_surgery_never_raises_a_tier(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    open_to_it = rank(changed(data, raw, avoid_surgery="no"))
    avoiding = rank(changed(data, raw, avoid_surgery="yes"))
    assert avoiding >= open_to_it


@SOME
@given(raw=answer_sets(BANK), data=st.data())
def test_an_alert_during_the_interview_is_never_taken_back_by_later_answers(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    """What the interview alerts on (certain on the answers so far) holds at the end."""
    final = {r.rule_id for r in spinetriage.triage(raw, BANK).reasons}
    typed = {q.id: parse_value(q, raw[q.id]) for q in BANK.questions if q.id in raw}
    path = [q.id for q in asked_questions(BANK, typed)]
    stop = data.draw(st.integers(0, len(path)))
    so_far = {k: typed[k] for k in path[:stop] if k in typed}
    ids = [q.id for q in BANK.questions]
    decided = ids[: ids.index(path[stop])] if stop < len(path) else ids
    assert {r.id for r in certain_rules(BANK, so_far, decided)} <= final


@MANY
@given(raw=answer_sets(BANK))
def test_every_answer_set_matches_a_rule_and_is_explained_and_sourced(
    raw: dict[str, Any],
) -> None:
    assert decide(BANK, check_answers(BANK, raw).answers).rules  # what `check` proves
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
