"""The interview state machine: branching, progress, back, edit, dropped answers, alerts."""

from __future__ import annotations

from typing import Any

import pytest

from spinetriage.answers.validation import asked_questions, validate_answers
from spinetriage.answers.values import parse_value
from spinetriage.bank.model import Questionnaire
from spinetriage.conditions.tree import leaves
from spinetriage.interview import Interview, alert_rules, alert_tiers
from spinetriage.scoring.decision import triage_answer_set
from support.answer_builders import BASELINE, answers, with_treatments
from support.clinical_cases import CLINICAL_CASES, RECENT_FUSION


def answer_raw(interview: Interview, raw: Any) -> Interview:
    question = interview.question
    assert question is not None
    return interview.answer(parse_value(question, raw))


def run(bank: Questionnaire, raw: dict[str, Any], interview: Interview | None = None) -> Interview:
    """Answer every question the flow asks from `raw` until the review screen."""
    interview = interview or Interview.start(bank)
    for _ in range(len(bank.questions) + 1):
        if interview.at_review:
            return interview
        assert interview.current in raw, f"the flow asked {interview.current}, not in the answers"
        interview = answer_raw(interview, raw[interview.current])
    raise AssertionError("the flow never reached the review screen")


def past_age(bank: Questionnaire, age: int = 40) -> Interview:
    """The interview after its first question, the person's age."""
    return answer_raw(Interview.start(bank), age)


def test_starts_with_the_red_flags(bank: Questionnaire) -> None:
    interview = Interview.start(bank)
    progress = interview.progress
    assert interview.current == "age"
    assert progress.section.id == "red_flags"
    assert progress.starts_section
    assert (progress.number, progress.total) == (1, len(asked_questions(bank, {})))
    assert not interview.can_go_back


def test_asks_exactly_the_questions_that_apply(bank: Questionnaire) -> None:
    raw = with_treatments("physical_therapy", "injections", leg_pain="one_side")
    raw["leg_pain_below_knee"] = "yes"
    done = run(bank, raw)
    assert done.at_review
    expected = validate_answers(bank, raw).answers
    assert done.answer_set().answers == expected
    assert "leg_pain_below_knee" in done.answers
    assert "nsaids_weeks" not in done.answers


def test_follow_up_is_asked_only_when_its_condition_holds(bank: Questionnaire) -> None:
    before = run(bank, BASELINE)
    assert "leg_pain_below_knee" not in before.answers
    interview = Interview.start(bank)
    while interview.current != "leg_pain":
        interview = answer_raw(interview, BASELINE[interview.current])
    assert answer_raw(interview, "none").current == "numbness"
    assert answer_raw(interview, "both_sides").current == "leg_pain_below_knee"


def test_progress_total_follows_branching(bank: Questionnaire) -> None:
    interview = Interview.start(bank)
    while interview.current != "treatments_tried":
        interview = answer_raw(interview, BASELINE[interview.current])
    total_before = interview.progress.total
    number = interview.progress.number
    after = answer_raw(interview, "physical_therapy;injections")
    assert after.current == "physical_therapy_weeks"
    assert after.progress.number == number + 1
    # two follow-ups for physical therapy, three for injections
    assert after.progress.total == total_before + 5
    assert not after.progress.starts_section


def test_back_goes_to_the_previous_question_and_keeps_answers(bank: Questionnaire) -> None:
    interview = past_age(bank)
    interview = answer_raw(interview, "no")
    interview = answer_raw(interview, "no")
    assert interview.current == "rf_genital_numbness"
    back = interview.back()
    assert back.current == "rf_saddle_numbness"
    assert back.previous_answer() is False
    assert back.progress.number == 3
    # answering again moves on to the next question in order, as before
    assert answer_raw(back, "yes").current == "rf_genital_numbness"


def test_back_at_the_first_question_stays_there(bank: Questionnaire) -> None:
    interview = Interview.start(bank)
    assert interview.back() == interview


def test_back_twice_then_forward_visits_each_question_again(bank: Questionnaire) -> None:
    interview = past_age(bank)
    for _ in range(3):
        interview = answer_raw(interview, "no")
    twice = interview.back().back()
    assert twice.current == "rf_saddle_numbness"
    forward = answer_raw(twice, "no")
    assert forward.current == "rf_genital_numbness"
    assert forward.previous_answer() is False


def test_back_skips_questions_that_do_not_apply(bank: Questionnaire) -> None:
    interview = Interview.start(bank)
    while interview.current != "numbness":
        interview = answer_raw(interview, BASELINE[interview.current])
    # leg_pain is none, so leg_pain_below_knee sits between them in the bank but is not asked
    assert interview.back().current == "leg_pain"


def test_back_from_review_goes_to_the_last_question(bank: Questionnaire) -> None:
    done = run(bank, BASELINE)
    back = done.back()
    assert back.current == done.path[-1].id == "avoid_surgery"
    # after the review was reached, an answer returns to the review
    assert answer_raw(back, "no").at_review


def test_edit_asks_new_follow_ups_then_returns_to_review(bank: Questionnaire) -> None:
    done = run(bank, BASELINE)
    editing = done.edit("leg_pain")
    assert editing.previous_answer() == "none"
    changed = answer_raw(editing, "one_side")
    assert changed.current == "leg_pain_below_knee"
    assert not changed.dropped
    finished = answer_raw(changed, "yes")
    assert finished.at_review
    assert finished.answers["leg_pain"] == "one_side"
    assert finished.answers["leg_pain_below_knee"] is True


def test_edit_without_change_returns_straight_to_review(bank: Questionnaire) -> None:
    done = run(bank, BASELINE)
    again = answer_raw(done.edit("pain_now"), 5)
    assert again.at_review
    assert again.answers["pain_now"] == 5
    assert again.answers.keys() == done.answers.keys()


def test_pain_now_above_the_worst_pain_is_asked_again(bank: Questionnaire) -> None:
    done = run(bank, BASELINE)  # pain now 4, worst 6
    higher = answer_raw(done.edit("pain_now"), 8)
    assert higher.current == "pain_worst_recheck"
    rechecked = answer_raw(higher, 8)
    assert rechecked.at_review
    assert triage_answer_set(bank, rechecked.answer_set()).scores.pain_worst == 8


def test_both_legs_answers_that_disagree_are_asked_again(bank: Questionnaire) -> None:
    interview = Interview.start(bank)
    while interview.current != "tingling":
        interview = answer_raw(interview, BASELINE[interview.current])
    asked_again = answer_raw(interview, "both_legs")
    assert asked_again.current == "both_legs_onset"
    # not yet an emergency: the answer to the question asked again may settle it
    assert asked_again.new_alert() is None
    not_sure = answer_raw(asked_again, "not_sure")
    assert alerted_ids(not_sure) == ["ces_both_legs_unresolved"]
    long_standing = answer_raw(asked_again, "longstanding")
    assert long_standing.new_alert() is None


def test_edit_refuses_a_question_that_does_not_apply(bank: Questionnaire) -> None:
    done = run(bank, BASELINE)
    with pytest.raises(ValueError, match="leg_pain_below_knee"):
        done.edit("leg_pain_below_knee")


def test_changing_an_answer_drops_answers_that_no_longer_apply(bank: Questionnaire) -> None:
    done = run(bank, with_treatments("physical_therapy", "nsaids"))
    assert "nsaids_helped" in done.answers
    changed = answer_raw(done.edit("treatments_tried"), "physical_therapy")
    assert changed.at_review
    assert changed.dropped == ("nsaids_weeks", "nsaids_helped")
    assert "nsaids_weeks" not in changed.answers
    assert changed.answers["physical_therapy_weeks"] == 8


def test_dropping_follows_chains_of_follow_ups(bank: Questionnaire) -> None:
    done = run(bank, answers(**RECENT_FUSION))
    assert done.answers["fusion_level"] == "l5_s1"
    changed = answer_raw(done.edit("had_spine_surgery"), "no")
    assert changed.at_review
    assert changed.dropped == (
        "weeks_since_surgery",
        "postop_warning_signs",
        "surgery_procedure",
        "fusion_level",
        "postop_walking",
        "postop_xrays",
    )
    assert changed.answer_set().answers == validate_answers(bank, answers(pain_now=3)).answers


def test_leaving_the_review_remembers_the_answers_it_showed(bank: Questionnaire) -> None:
    done = run(bank, BASELINE)
    assert done.reviewed_answers is None
    opened = done.edit("rf_fever")
    assert opened.reviewed_answers == done.answers
    changed = answer_raw(opened, "yes")
    assert changed.at_review
    assert changed.reviewed_answers == done.answers
    # asked again after a warning sign: still told against what the review showed
    reopened = changed.reopen("rf_fever")
    assert reopened.current == "rf_fever"
    assert answer_raw(reopened, "no").answers == done.answers
    assert done.back().reviewed_answers == done.answers


def test_answer_at_review_is_refused(bank: Questionnaire) -> None:
    with pytest.raises(ValueError, match="no question"):
        run(bank, BASELINE).answer(True)


def alerted_ids(interview: Interview) -> list[str]:
    alert = interview.new_alert()
    return [] if alert is None else [r.id for r in alert.rules]


def answer_until(interview: Interview, question_id: str) -> Interview:
    """Answer as BASELINE does (no warning signs) until `question_id` is on screen."""
    while interview.current != question_id:
        assert interview.current is not None
        interview = answer_raw(interview, BASELINE[interview.current])
    return interview


def test_the_alert_tiers_are_the_most_urgent_tiers_with_red_flags(bank: Questionnaire) -> None:
    assert [t.id for t in alert_tiers(bank)] == ["emergency", "urgent"]
    assert [t.id for t in bank.tiers[:2]] == ["emergency", "urgent"]


def test_emergency_is_reported_as_soon_as_it_is_answered(bank: Questionnaire) -> None:
    interview = answer_raw(past_age(bank), "yes")
    alert = interview.new_alert()
    assert alert is not None
    assert (alert.tier.id, alert.rank) == (bank.tiers[0].id, 0)
    assert [r.id for r in alert.rules] == ["ces_bladder_bowel"]
    assert interview.new_alert_raises_urgency()
    told = interview.acknowledge()
    assert told.new_alert() is None
    assert answer_raw(told, "no").new_alert() is None
    # a second, different emergency sign is new again, but no more urgent than the first
    second = answer_raw(told, "yes")
    assert alerted_ids(second) == ["ces_saddle_numbness"]
    assert not second.new_alert_raises_urgency()


def test_an_urgent_sign_is_announced_as_soon_as_it_is_answered(bank: Questionnaire) -> None:
    interview = answer_raw(answer_until(past_age(bank), "rf_fever"), "yes")
    alert = interview.new_alert()
    assert alert is not None
    assert (alert.tier.id, alert.rank) == ("urgent", 1)
    assert [r.id for r in alert.rules] == ["infection_fever"]
    assert interview.new_alert_raises_urgency()
    # a second urgent sign is noted, not announced: it asks nothing more urgent
    second = answer_raw(interview.acknowledge(), "yes")
    assert alerted_ids(second) == ["infection_risk"]
    assert not second.new_alert_raises_urgency()
    told = second.acknowledge().told_alert()
    assert told is not None
    assert [r.id for r in told.rules] == ["infection_fever", "infection_risk"]


def test_an_urgent_sign_after_an_emergency_does_not_interrupt(bank: Questionnaire) -> None:
    told = answer_raw(past_age(bank), "yes").acknowledge()
    fever = answer_raw(answer_until(told, "rf_fever"), "yes")
    assert "infection_fever" in alerted_ids(fever)
    assert not fever.new_alert_raises_urgency()
    everything = fever.alert()
    assert everything is not None
    assert everything.tier.id == "emergency"
    assert {"ces_bladder_bowel", "infection_fever"} <= {r.id for r in everything.rules}


def test_an_emergency_after_an_urgent_sign_interrupts(bank: Questionnaire) -> None:
    cancer = answer_raw(answer_until(past_age(bank), "rf_cancer_history"), "yes")
    assert alerted_ids(cancer) == ["cancer_history"]
    numb = answer_raw(answer_until(cancer.acknowledge(), "numbness"), "one_leg")
    assert alerted_ids(numb) == ["cancer_with_nerve_symptoms"]
    assert numb.new_alert_raises_urgency()


def test_taking_back_an_emergency_answer_clears_the_alert(bank: Questionnaire) -> None:
    told = answer_raw(past_age(bank), "yes").acknowledge()
    cleared = answer_raw(told.back(), "no")
    assert cleared.alerted == frozenset()
    assert cleared.alert() is None
    again = answer_raw(cleared.back(), "yes")
    assert alerted_ids(again) == ["ces_bladder_bowel"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, [], id="baseline"),
        pytest.param({"rf_both_legs": "yes"}, ["ces_both_legs"], id="both-legs"),
        pytest.param(
            {
                "had_spine_surgery": "yes",
                "surgery_procedure": "discectomy",
                "weeks_since_surgery": 3,
                "postop_walking": "daily",
                "postop_xrays": "not_planned",
                "postop_warning_signs": "calf;fever",
            },
            ["postop_calf", "postop_fever"],
            id="postop-calf",
        ),
    ],
)
def test_alert_rules_match_the_scoring_rules(
    bank: Questionnaire, changes: dict[str, Any], expected: list[str]
) -> None:
    answer_set = validate_answers(bank, answers(**changes))
    assert [r.id for r in alert_rules(bank, answer_set.answers)] == expected
    result = triage_answer_set(bank, answer_set)
    alerting = {t.id for t in alert_tiers(bank)}
    assert expected == [r.rule_id for r in result.reasons if r.tier in alerting]


@pytest.mark.parametrize(("raw", "accept"), CLINICAL_CASES)
def test_vignettes_through_the_flow(
    bank: Questionnaire, raw: dict[str, Any], accept: tuple[str, ...]
) -> None:
    """The flow asks exactly the questions an answer file needs, and the alert fires exactly
    when the result will be in an alert tier, as soon as the answers make an alert rule
    certain."""
    interview = Interview.start(bank)
    alerted_at: str | None = None
    while not interview.at_review:
        asked = interview.current
        assert asked is not None
        if asked not in raw:  # left blank in a form: a person in the interview must answer
            pytest.skip(f"the vignette leaves '{asked}' blank, which only a form can")
        interview = answer_raw(interview, raw[asked])
        if alerted_at is None and interview.new_alert():
            alerted_at = asked
        interview = interview.acknowledge()
    expected = validate_answers(bank, raw)
    assert interview.answer_set().answers == expected.answers
    result = triage_answer_set(bank, interview.answer_set())
    assert result.tier in accept
    alerting = {t.id for t in alert_tiers(bank)}
    assert (alerted_at is not None) is (result.tier in alerting)
    told = interview.told_alert()
    assert (told.tier.id if told else None) == (result.tier if result.tier in alerting else None)
    if alerted_at is not None:
        fired = {r.rule_id for r in result.reasons if r.tier in alerting}
        named = [r for r in bank.rules if r.id in fired]
        assert alerted_at in {leaf.subject for rule in named for leaf in leaves(rule.when)}
