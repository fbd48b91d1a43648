"""Slow, plain references for the fast paths: what they must give, byte for byte.

`reference_result` builds a `Result` as `triage_answer_set` did before it remembered the parts
that repeat (scoring/result_parts.py); the batch writers' lines are compared with
`result_to_dict` and `result_bundle` dumped by the json module.
"""

from __future__ import annotations

from spinetriage.answers.validation import AnswerSet
from spinetriage.bank.model import Questionnaire
from spinetriage.conditions.tree import evidence
from spinetriage.scoring.decision import Decision
from spinetriage.scoring.recovery import recovery_timeline
from spinetriage.scoring.result import BankStamp, OptionView, Reason, Result, SourceView


def reference_result(
    bank: Questionnaire, answer_set: AnswerSet, decision: Decision, stopped_early: bool = False
) -> Result:
    """The full result for validated answers, each part worked out afresh."""
    answers = answer_set.answers
    scores = decision.scores
    facts = {**answers, **scores.rule_values()}
    reasons = tuple(
        Reason(
            rule.id,
            rule.tier,
            rule.reason,
            tuple(evidence(rule.when, facts).items()),
            rule.sources,
            rule.red_flag,
            rule.action,
            rule.evidence,
        )
        for rule in decision.rules
    )
    tier = bank.tier(decision.tier)
    # the headline tier's own actions, in the bank's order: the first is what to do first
    actions = tuple(dict.fromkeys(r.action for r in reasons if r.tier == tier.id and r.action))
    options = tuple(o for o in tier.options if o.fits is None or o.fits(facts))
    source_keys = dict.fromkeys(
        [*tier.sources, *(o.source for o in options), *(s for r in reasons for s in r.sources)]
    )
    return Result(
        tier=tier.id,
        tier_title=tier.title,
        urgency_rank=bank.tier_rank(tier.id),
        urgency=tier.urgency,
        action=actions[0] if actions else tier.action,
        red_flags=tuple(r for r in reasons if r.red_flag),
        reasons=tuple(sorted(reasons, key=lambda r: bank.tier_rank(r.tier))),
        matched_tiers=decision.tiers,
        options=tuple(
            OptionView(o.name, o.description, o.source, bank.source(o.source).title, o.evidence)
            for o in options
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
        actions=actions[1:],
        set_aside_tiers=decision.set_aside,
    )
