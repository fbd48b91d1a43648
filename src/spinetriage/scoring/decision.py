"""Scoring: from validated answers to one explained, sourced `Result`.

Every rule whose condition holds is kept as a reason; the result's tier is the most urgent tier
among them (the bank lists tiers most urgent first). Because a red-flag rule only ever adds a
match, no other answer can lower the urgency a red flag sets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter

from ..answers.validation import AnswerSet, validate_answers
from ..bank.model import Questionnaire, Rule
from ..conditions.compiler import compile_selection
from ..conditions.tree import evidence
from ..conditions.values import Answers, AnswerValue
from ..errors import AnswerError, InvalidArgument, Problem
from .recovery import recovery_timeline
from .result import BankStamp, OptionView, Reason, Result, SourceView
from .scores import ScaleQuestions, Scores, compute_scores, scale_questions

_tier_of = attrgetter("tier")
#: answers no rule matches (`check` does not yet prove that the rules cover every answer set)
NO_TIER = (
    "no rule of the bank matches these answers, so they have no tier and were not scored "
    "(the bank's rules must give every answer set a tier)"
)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the rules decided, before it is dressed as a `Result` (batch rows need only this)."""

    scores: Scores
    #: the rules whose condition holds, in bank order
    rules: tuple[Rule, ...]
    #: every tier some rule matched, most urgent first
    tiers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScoringPlan:
    """What scoring needs from a bank, worked out once when many answer sets are scored."""

    scales: ScaleQuestions
    #: (answers, scores) -> the rules whose condition holds, in bank order
    matching_rules: Callable[[Answers, Scores], list[Rule]]
    tier_rank: dict[str, int]


#: plans of the banks scored lately; a bank is frozen, so its plan never goes stale
_PLANS: dict[int, tuple[Questionnaire, ScoringPlan]] = {}
_PLANS_KEPT = 8


def scoring_plan(bank: Questionnaire) -> ScoringPlan:
    """The bank's plan, built on first use (compiling the rules takes about a millisecond)."""
    kept = _PLANS.get(id(bank))
    if kept is not None and kept[0] is bank:
        return kept[1]
    plan = _new_plan(bank)
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.pop(next(iter(_PLANS)))
    _PLANS[id(bank)] = (bank, plan)
    return plan


def _new_plan(bank: Questionnaire) -> ScoringPlan:
    return ScoringPlan(
        scale_questions(bank),
        compile_selection([(rule, rule.when) for rule in bank.rules]),
        {tier.id: rank for rank, tier in enumerate(bank.tiers)},
    )


def decide(
    bank: Questionnaire, answers: dict[str, AnswerValue], plan: ScoringPlan | None = None
) -> Decision:
    """Scores and matching rules for validated answers (`plan`: precomputed for speed)."""
    plan = scoring_plan(bank) if plan is None else plan
    scores = compute_scores(bank, answers, plan.scales)
    rules = tuple(plan.matching_rules(answers, scores))
    if not rules:
        # the bank's gap, found on these answers: they cannot be scored, the next set may be
        raise AnswerError([Problem(message=NO_TIER)])
    tiers = tuple(sorted(set(map(_tier_of, rules)), key=plan.tier_rank.__getitem__))
    return Decision(scores, rules, tiers)


def triage_stopped_early(bank: Questionnaire, answer_set: AnswerSet) -> Result:
    """The result when the person stops after an emergency sign, with the answers so far.

    Only the most urgent tier's rules are kept: rules of less urgent tiers would be judged on
    questions not yet asked (unanswered), so they are left out rather than shown as if they held.
    """
    full = decide(bank, answer_set.answers)
    top = full.tiers[0]
    kept = Decision(full.scores, tuple(r for r in full.rules if r.tier == top), (top,))
    return triage_answer_set(bank, answer_set, kept, stopped_early=True)


def triage_answer_set(
    bank: Questionnaire,
    answer_set: AnswerSet,
    decision: Decision | None = None,
    stopped_early: bool = False,
) -> Result:
    """The full result for validated answers (`decision`: already made by `decide`)."""
    answers = answer_set.answers
    decision = decide(bank, answers) if decision is None else decision
    scores, matched = decision.scores, decision.tiers
    facts = {**answers, **scores.rule_values()}
    reasons = tuple(
        Reason(
            rule.id,
            rule.tier,
            rule.reason,
            tuple(evidence(rule.when, facts).items()),
            rule.sources,
            rule.red_flag,
        )
        for rule in decision.rules
    )
    tier = bank.tier(matched[0])
    source_keys = dict.fromkeys(
        [*tier.sources, *(o.source for o in tier.options), *(s for r in reasons for s in r.sources)]
    )
    return Result(
        tier=tier.id,
        tier_title=tier.title,
        urgency_rank=bank.tier_rank(tier.id),
        urgency=tier.urgency,
        action=tier.action,
        red_flags=tuple(r for r in reasons if r.red_flag),
        reasons=tuple(sorted(reasons, key=lambda r: bank.tier_rank(r.tier))),
        matched_tiers=matched,
        options=tuple(
            OptionView(o.name, o.description, o.source, bank.source(o.source).title, o.evidence)
            for o in tier.options
        ),
        risks=tier.risks,
        watch_for=tier.watch_for,
        evidence_notes=tier.evidence_notes,
        sources=tuple(
            SourceView(s.key, s.title, s.citation) for s in (bank.source(k) for k in source_keys)
        ),
        scores=scores,
        recovery=recovery_timeline(answers),
        answers=tuple(answers.items()),
        ignored_answers=answer_set.ignored,
        bank=BankStamp(bank.id, bank.version, bank.content_hash),
        disclaimer=bank.disclaimer,
        stopped_early=stopped_early,
    )


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
    return triage_answer_set(bank, validate_answers(bank, answers))
