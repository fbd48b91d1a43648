"""The one rule matcher: scoring, the interview's alerts and refused answer sets all use it.

A bank's rules are compiled once into one selection function (conditions.compiler), and the
derived scores are worked out from the same answers, so a rule that tests a score holds in all
three places alike:

- `decision.decide` matches a complete, valid answer set;
- `red_flags_in` finds the red flags among the valid answers of a refused answer set (a batch
  row or an answer file with a bad value is not scored, but its red flags are never silent);
- `certain_rules` gives the interview the rules that hold on the answers so far and would still
  hold whatever the questions not yet reached are answered: the alert never fires on a rule
  that only holds because a later question (such as "asked again") has no answer yet.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from ..bank.model import Questionnaire, Rule
from ..bank.score_vocabulary import DERIVED_SCORES
from ..conditions.compiler import compile_selection
from ..conditions.tree import Leaf, leaf_holds, truth
from ..conditions.values import Answers
from .per_bank import per_bank
from .scores import ScaleQuestions, Scores, compute_scores, scale_questions


@dataclass(frozen=True, slots=True)
class RuleMatcher:
    """What matching needs from a bank, worked out once and kept while the bank is in use."""

    scales: ScaleQuestions
    #: (answers, scores) -> the rules whose condition holds, in bank order, and the ranks of
    #: their tiers as bits (`tiers_of`)
    select: Callable[[Answers, Scores], tuple[list[Rule], int]]
    tier_rank: dict[str, int]
    #: for each derived score, the questions it is made from
    score_inputs: dict[str, frozenset[str]]
    #: the tiers a stated preference may set aside (a tier's `set_aside_when`)
    may_set_aside: frozenset[str]
    #: the tiers of each combination of tier bits seen, most urgent first (bit i: rank i)
    _tiers: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def match(self, bank: Questionnaire, answers: Answers) -> tuple[Scores, tuple[Rule, ...]]:
        """The scores of these answers and the rules that hold on them, in bank order."""
        scores, rules, _ = self.match_tiers(bank, answers)
        return scores, rules

    def match_tiers(
        self, bank: Questionnaire, answers: Answers
    ) -> tuple[Scores, tuple[Rule, ...], tuple[str, ...]]:
        """`match`, with the tiers of the rules that hold, most urgent first."""
        scores = compute_scores(bank, answers, self.scales)
        rules, ranks = self.select(answers, scores)
        return scores, tuple(rules), self.tiers_of(ranks)

    def tiers_of(self, ranks: int) -> tuple[str, ...]:
        """The tiers whose rank bits are set in `ranks`, most urgent first."""
        tiers = self._tiers.get(ranks)
        if tiers is None:
            # at most one entry per set of tiers that occurs: a bank has a handful of tiers
            by_rank = sorted(self.tier_rank, key=self.tier_rank.__getitem__)
            tiers = self._tiers[ranks] = tuple(
                tier for rank, tier in enumerate(by_rank) if ranks >> rank & 1
            )
        return tiers


@per_bank
def rule_matcher(bank: Questionnaire) -> RuleMatcher:
    """The bank's matcher, built on first use (compiling the rules takes about a millisecond)."""
    rank = {tier.id: rank for rank, tier in enumerate(bank.tiers)}
    return RuleMatcher(
        scale_questions(bank),
        compile_selection([(rule, rule.when) for rule in bank.rules], lambda r: rank[r.tier]),
        rank,
        score_inputs(bank),
        frozenset(tier.id for tier in bank.tiers if tier.set_aside_if is not None),
    )


def score_inputs(bank: Questionnaire) -> dict[str, frozenset[str]]:
    """The questions each derived score is made from (bank.score_vocabulary `made_from`)."""
    by_scale: dict[str, set[str]] = {}
    for question in bank.questions:
        if question.scale is not None:
            by_scale.setdefault(question.scale.value, set()).add(question.id)
    return {
        name: frozenset(q for part in spec.made_from for q in by_scale.get(part, {part}))
        for name, spec in DERIVED_SCORES.items()
    }


def red_flags_in(bank: Questionnaire, answers: Answers) -> tuple[Rule, ...]:
    """The red-flag rules that hold on the valid answers of a refused answer set."""
    _, rules = rule_matcher(bank).match(bank, answers)
    return tuple(rule for rule in rules if rule.red_flag)


def certain_rules(
    bank: Questionnaire, answers: Answers, decided: Collection[str]
) -> tuple[Rule, ...]:
    """The rules that hold now and cannot stop holding, whatever is still to be answered.

    `decided`: the questions settled so far (answered, skipped or not asked); every other
    question may still get any answer, so a leaf on it is not known (three-valued truth).
    """
    matcher = rule_matcher(bank)
    scores, rules = matcher.match(bank, answers)
    facts = {**answers, **scores.rule_values()}
    settled = set(decided)

    def leaf_truth(leaf: Leaf) -> bool | None:
        inputs = matcher.score_inputs.get(leaf.subject) if leaf.is_score else {leaf.subject}
        if inputs is None or not inputs <= settled:
            return None
        return leaf_holds(leaf, facts.get(leaf.subject))

    return tuple(rule for rule in rules if truth(rule.when, leaf_truth) is True)
