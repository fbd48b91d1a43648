"""A decision dressed as a `Result`, with the parts that repeat worked out once.

A rule's reason (its evidence above all) depends only on the values of the answers and scores
its condition reads: a batch of thousands of answer sets meets the same few values again and
again, so each rule remembers its reasons by those values (RULE_MEMO_LIMIT of them). What a rule
gives every reason of it (its tier's rank, whether it is a red flag, its action, its sources) is
worked out once per bank, and so are the options shown per set of options that fit (MEMO_LIMIT)
and each source as shown. Every remembered part is a pure function of its key; memory stays
flat. `triage_answer_set` dresses every decision here; tests/support/reference.py keeps the plain
construction the tests hold these results to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING

from ..answers.validation import AnswerSet
from ..bank.model import Questionnaire, Rule, TierOption
from ..clock import now
from ..conditions.tree import evidence, leaves
from ..conditions.values import AnswerValue
from .per_bank import per_bank
from .recovery import recovery_timeline
from .result import BankStamp, OptionView, Reason, Result, SourceView

if TYPE_CHECKING:
    from .decision import Decision

#: entries kept per kind of remembered part; past this many, new ones are worked out each time
MEMO_LIMIT = 4096
#: reasons kept per rule (a rule reading many numbers meets many sets of values; it must not
#: crowd out the others)
RULE_MEMO_LIMIT = 256
#: what a rule gives each reason of it: the subjects its condition reads, the rank of its tier,
#: whether it is a red flag, its tier, its action and its sources; and its reasons remembered,
#: by the values of those subjects
_RuleFacts = tuple[
    tuple[str, ...], int, bool, str, "str | None", tuple[str, ...], dict[object, Reason]
]


class ResultParts:
    """Results for one bank, with the parts that repeat remembered."""

    def __init__(self, bank: Questionnaire) -> None:
        self.bank = bank
        self._tiers = {tier.id: tier for tier in bank.tiers}
        self._rank = {tier.id: rank for rank, tier in enumerate(bank.tiers)}
        self._stamp = BankStamp(bank.id, bank.version, bank.content_hash)
        #: what each of the bank's rules (by id: the bank keeps them) gives every reason of it
        self._rules = {id(rule): self._rule_facts(rule) for rule in bank.rules}
        self._sources = {
            source.key: SourceView(source.key, source.title, source.citation)
            for source in bank.sources
        }
        #: the options shown, by the tier options that fit (few sets: a tier has a few options)
        self._options: dict[tuple[int, ...], tuple[OptionView, ...]] = {}

    def _rule_facts(self, rule: Rule) -> _RuleFacts:
        subjects = tuple(dict.fromkeys(leaf.subject for leaf in leaves(rule.when)))
        return (
            subjects,
            self._rank[rule.tier],
            rule.red_flag,
            rule.tier,
            rule.action,
            rule.sources,
            {},
        )

    def result(self, answer_set: AnswerSet, decision: Decision, stopped_early: bool) -> Result:
        answers = answer_set.answers
        scores = decision.scores
        facts = {**answers, **scores.rule_values()}
        tier = self._tiers.get(decision.tier) or self.bank.tier(decision.tier)
        headline = tier.id
        options = self._option_views(
            tuple(o for o in tier.options if o.fits is None or o.fits(facts))
        )
        reasons: list[Reason] = []
        ranks: list[int] = []
        red_flags: list[Reason] = []
        actions: list[str] = []
        source_keys = [*tier.sources, *(o.source for o in options)]
        for rule in decision.rules:
            known = self._rules.get(id(rule))
            if known is None:  # not one of the bank's rules: nothing remembered
                reason = _reason(rule, facts)
                subjects, rank, red_flag, rule_tier, action, sources, _ = self._rule_facts(rule)
            else:
                subjects, rank, red_flag, rule_tier, action, sources, remembered = known
                # keyed by the values and their types, which tell apart True, 1 and 1.0; floats
                # by their repr, which tells apart 0.0 and -0.0 (equal, but written apart)
                values = tuple(map(facts.get, subjects))
                kinds = tuple(map(type, values))
                key = (values, kinds) if float not in kinds else tuple(map(repr, values))
                found = remembered.get(key)
                if found is None:
                    reason = _reason(rule, facts)
                    if len(remembered) < RULE_MEMO_LIMIT:
                        remembered[key] = reason
                else:
                    reason = found
            reasons.append(reason)
            ranks.append(rank)
            if red_flag:
                red_flags.append(reason)
            if action and rule_tier == headline:
                actions.append(action)
            source_keys += sources
        if len(actions) > 1:
            # the headline tier's own actions, in the bank's order: the first is what to do first
            actions = list(dict.fromkeys(actions))
        keys = dict.fromkeys(source_keys)
        try:
            shown = tuple(map(self._sources.__getitem__, keys))
        except KeyError:  # a source the bank does not list: refused as bank.source refuses it
            shown = tuple(map(self._source, keys))
        return _result(
            headline,
            tier.title,
            self._rank[headline],
            tier.urgency,
            actions[0] if actions else tier.action,
            tuple(red_flags),
            # most urgent tier first; a stable sort keeps the bank's order within a tier
            tuple(map(reasons.__getitem__, sorted(range(len(ranks)), key=ranks.__getitem__))),
            decision.tiers,
            options,
            tier.risks,
            tier.watch_for,
            tier.evidence_notes,
            shown,
            scores,
            recovery_timeline(answers),
            tuple(answers.items()),
            answer_set.ignored,
            self._stamp,
            self.bank.disclaimer,
            stopped_early,
            tuple(actions[1:]),
            decision.set_aside,
            now(),
        )

    def _option_views(self, options: tuple[TierOption, ...]) -> tuple[OptionView, ...]:
        # tier options are the bank's (by id: the bank keeps them)
        key = tuple(map(id, options))
        views = self._options.get(key)
        if views is None:
            views = tuple(
                OptionView(
                    o.name, o.description, o.source, self._source(o.source).title, o.evidence
                )
                for o in options
            )
            if len(self._options) < MEMO_LIMIT:
                self._options[key] = views
        return views

    def _source(self, key: str) -> SourceView:
        view = self._sources.get(key)
        if view is None:  # the bank names only its own sources: StopIteration, as bank.source
            source = self.bank.source(key)
            view = SourceView(source.key, source.title, source.citation)
        return view


#: each field's slot, in the order of the fields: a frozen dataclass's __init__ sets every field
#: through object.__setattr__, which costs more than all the rest of dressing a decision
_RESULT_SLOTS = tuple(getattr(Result, f.name).__set__ for f in fields(Result))


def _result(*values: object) -> Result:
    """A Result of its fields' values, in their order (as `Result(*values)` makes it)."""
    result = object.__new__(Result)
    for set_slot, value in zip(_RESULT_SLOTS, values, strict=True):
        set_slot(result, value)
    return result


def _reason(rule: Rule, facts: Mapping[str, AnswerValue]) -> Reason:
    return Reason(
        rule.id,
        rule.tier,
        rule.reason,
        tuple(evidence(rule.when, facts).items()),
        rule.sources,
        rule.red_flag,
        rule.action,
        rule.evidence,
    )


@per_bank
def result_parts(bank: Questionnaire) -> ResultParts:
    """The bank's result parts, made on first use."""
    return ResultParts(bank)
