"""Scoring: from validated answers to one explained, sourced `Result`.

Every rule whose condition holds is kept as a reason; the result's tier is the most urgent tier
among them (the bank lists tiers most urgent first). Because a red-flag rule only ever adds a
match, no other answer can lower the urgency a red flag sets.
"""

from __future__ import annotations

from collections.abc import Mapping

from .answers import AnswerSet, validate_answers
from .conditions import evidence
from .errors import BankError, Problem
from .model import Questionnaire
from .recovery import recovery_timeline
from .result import BankStamp, OptionView, Reason, Result, SourceView
from .scores import compute_scores


def triage_answer_set(bank: Questionnaire, answer_set: AnswerSet) -> Result:
    answers = answer_set.answers
    scores = compute_scores(bank, answers)
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
        for rule in bank.rules
        if rule.matches is not None and rule.matches(facts)
    )
    if not reasons:
        raise BankError(
            [
                Problem(
                    bank.path,
                    None,
                    "rules",
                    "no rule matched these answers; the rules must give every answer set a tier",
                )
            ]
        )
    matched = sorted({r.tier for r in reasons}, key=bank.tier_rank)
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
        matched_tiers=tuple(matched),
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
    )


def triage(answers: Mapping[str, object], bank: Questionnaire | None = None) -> Result:
    """Score raw answers (ids to values) against a bank (default: the packaged one)."""
    from .loader import load_questionnaire

    bank = bank or load_questionnaire()
    return triage_answer_set(bank, validate_answers(bank, answers))
