"""Scoring: from validated answers to one explained, sourced `Result`.

Every rule whose condition holds is kept as a reason; the result's tier is the most urgent tier
among them (the bank lists tiers most urgent first). Because a red-flag rule only ever adds a
match, no other answer can lower the urgency a red flag sets. The one exception to "most urgent"
is a stated preference: a tier with `set_aside_when` (surgery, for someone who would rather
avoid it and has no weakness that forces it) gives way to the next matched tier, and is shown as
"also matched, if you change your mind"; red-flag tiers have no such condition.

The action is the headline tier's, unless one of its rules says what to do for what it found
(a clot: call an ambulance; cauda equina syndrome: an emergency department now): then the first
such rule's, in bank order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from ..answers.validation import AnswerSet, validate_answers
from ..bank.model import Questionnaire, Rule, Tier
from ..conditions.values import Answers, AnswerValue
from ..errors import AnswerError, InvalidArgument, Problem
from .matching import RuleMatcher, red_flags_in, rule_matcher
from .result import Result
from .result_parts import result_parts
from .scores import Scores

#: answers no rule matches (`check` does not yet prove that the rules cover every answer set)
NO_TIER = (
    "no rule of the bank matches these answers, so they have no tier and were not scored "
    "(the bank's rules must give every answer set a tier)"
)


class Decision(NamedTuple):
    """What the rules decided, before it is dressed as a `Result` (batch rows need only this).

    A named tuple: a batch makes one per row (built in C, unlike a frozen dataclass)."""

    scores: Scores
    #: the rules whose condition holds, in bank order
    rules: tuple[Rule, ...]
    #: every tier some rule matched, most urgent first
    tiers: tuple[str, ...]
    #: matched tiers more urgent than the headline, set aside by a stated preference (a tier's
    #: `set_aside_when`): shown as "also matched, if you change your mind"
    set_aside: tuple[str, ...] = ()

    @property
    def tier(self) -> str:
        """The headline tier: the most urgent matched tier that was not set aside."""
        return self.tiers[len(self.set_aside)]


def decide(
    bank: Questionnaire, answers: dict[str, AnswerValue], matcher: RuleMatcher | None = None
) -> Decision:
    """Scores and matching rules for validated answers (`matcher`: the bank's, kept for speed)."""
    matcher = rule_matcher(bank) if matcher is None else matcher
    scores, rules, tiers = matcher.match_tiers(bank, answers)
    return decision_from(bank, matcher, scores, rules, tiers, lambda: answers)


def decision_from(
    bank: Questionnaire,
    matcher: RuleMatcher,
    scores: Scores,
    rules: tuple[Rule, ...],
    tiers: tuple[str, ...],
    answers: Callable[[], Answers],
) -> Decision:
    """The decision, once the matching rules and their tiers are known; `answers()` gives the
    answers, wanted only when a stated preference may set a tier aside (batch rows build
    them only then)."""
    if not rules:
        # the bank's gap, found on these answers: they cannot be scored, the next set may be
        raise AnswerError([Problem(message=NO_TIER)])
    if len(tiers) < 2 or tiers[0] not in matcher.may_set_aside:
        return Decision(scores, rules, tiers)  # nothing a preference could set aside
    facts: dict[str, AnswerValue] = {}

    def holds(tier: Tier) -> bool:
        if not facts:
            facts.update(answers())
            facts.update(scores.rule_values())
        return tier.set_aside_if is not None and tier.set_aside_if(facts)

    return Decision(scores, rules, tiers, set_aside(bank, tiers, holds))


def set_aside(
    bank: Questionnaire, tiers: tuple[str, ...], holds: Callable[[Tier], bool]
) -> tuple[str, ...]:
    """The most urgent matched tiers the person's preference sets aside (`holds(tier)`: its
    `set_aside_when` holds), while a less urgent tier matched too (the least urgent one matched
    is never set aside)."""
    aside: list[str] = []
    for tier_id in tiers[:-1]:
        tier = bank.tier(tier_id)
        if tier.set_aside_when is None or not holds(tier):
            break
        aside.append(tier_id)
    return tuple(aside)


def check_answers(bank: Questionnaire, raw: Mapping[str, object]) -> AnswerSet:
    """`validate_answers`, with the red flags of a refused answer set named in its error."""
    try:
        return validate_answers(bank, raw)
    except AnswerError as error:
        raise with_red_flags(bank, error) from None


def with_red_flags(bank: Questionnaire, error: AnswerError) -> AnswerError:
    """The error, naming what to do about each red flag its valid answers already hold."""
    flags = red_flags_in(bank, error.valid_answers)
    return error.flagged(tuple(f"{r.reason} {_action(bank.tier(r.tier), r)}" for r in flags))


def red_flags_among(bank: Questionnaire, raw: Mapping[str, object]) -> tuple[str, ...]:
    """The red flags (with what to do) that the valid answers among `raw` hold.

    For a caller that refuses an answer set for its own reasons (a FHIR response that is not
    finished): the refusal must not hide a red flag.
    """
    try:
        answer_set = validate_answers(bank, raw)
    except AnswerError as error:
        return with_red_flags(bank, error).red_flags
    flags = red_flags_in(bank, answer_set.answers)
    return tuple(f"{r.reason} {_action(bank.tier(r.tier), r)}" for r in flags)


def _action(tier: Tier, rule: Rule) -> str:
    return rule.action or tier.action


def triage_stopped_early(bank: Questionnaire, answer_set: AnswerSet) -> Result:
    """The result when the person stops after an emergency sign, with the answers so far.

    Only the most urgent tier's rules are kept: rules of less urgent tiers would be judged on
    questions not yet asked (unanswered), so they are left out rather than shown as if they held.
    """
    full = decide(bank, answer_set.answers)
    top = full.tiers[0]
    kept = Decision(full.scores, tuple(r for r in full.rules if r.tier == top), (top,), ())
    return triage_answer_set(bank, answer_set, kept, stopped_early=True)


def triage_answer_set(
    bank: Questionnaire,
    answer_set: AnswerSet,
    decision: Decision | None = None,
    stopped_early: bool = False,
) -> Result:
    """The full result for validated answers (`decision`: already made by `decide`).

    The parts that repeat from one answer set to the next are remembered (`result_parts`).
    """
    decision = decide(bank, answer_set.answers) if decision is None else decision
    return result_parts(bank).result(answer_set, decision, stopped_early)


def triage(answers: Mapping[str, object], bank: Questionnaire | None = None) -> Result:
    """Score raw answers (ids to values) against a bank (default: the packaged one).

    Raises AnswerError for answers that do not fit the bank, and InvalidArgument (a TypeError)
    when `answers` is not a mapping or `bank` is not a loaded bank.
    """
    if not isinstance(answers, Mapping):
        raise InvalidArgument(
            "answers must be a mapping of question ids to answers (a dict), "
            f"not {type(answers).__name__}"
        )
    if bank is None:  # only then is the YAML reading imported
        from ..bank.loader import load_questionnaire

        bank = load_questionnaire()
    elif not isinstance(bank, Questionnaire):
        raise InvalidArgument(
            f"bank must be a Questionnaire (load_questionnaire() returns one), "
            f"not {type(bank).__name__}"
        )
    return triage_answer_set(bank, check_answers(bank, answers))
