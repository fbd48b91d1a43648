"""Prove what a bank's rules can do over every possible answer set, by search.

`spinetriage check` asks three things of the rules:
- coverage: does every valid answer set match at least one rule? If not, a concrete answer set
  that matches none is the proof (a batch would otherwise stop on that row);
- dead rules: can each rule hold for some valid answer set?
- unreached tiers: does some live rule name each tier?

The search assigns questions in bank order, so each question's `when` is known when it is
reached (it may only use earlier questions): a question not asked is unanswered, one asked takes
each of its possible values, or none when it is not required. Numbers take one value per
interval between the thresholds the bank's conditions compare them with, which is exact for
`at_least`, `at_most`, `equals` and `in`. A multiple-choice question is decided one choice at a
time. After each step the condition is evaluated in three-valued logic (true, false, or not
known yet): a branch stops as soon as the answer is known, and only the questions that the parts
still open depend on are branched on (the others take one valid value each), so the search
visits a few thousand states for the shipped bank rather than the astronomically many answer
sets. A derived score is known once every answer it is made from is decided.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..bank.model import Question, Questionnaire
from ..conditions.tree import Any_, Condition, Leaf, Not, Op, Ref, leaf_holds, leaves
from ..conditions.values import AnswerValue, QuestionType
from .matching import score_inputs
from .scores import compute_scores

#: a question not yet decided is missing from the partial answers; decided but unanswered is
#: UNANSWERED; a multiple-choice question being decided holds the set of choices decided so far
UNANSWERED = None
Truth = bool | None  # None: not known yet

#: how many search states one question about the rules may visit before giving up: the shipped
#: bank needs at most about 8,000 (a few seconds); a bank whose coverage rests on a derived
#: score's bands (low, medium, high) can need far more, and is reported as not settled
DEFAULT_BUDGET = 40_000


@dataclass(frozen=True, slots=True)
class RuleCoverage:
    """What the search proved about a bank's rules."""

    #: a valid answer set that matches no rule, or None when every answer set matches one
    uncovered: dict[str, AnswerValue] | None
    #: ids of rules no valid answer set can make hold
    dead_rules: tuple[str, ...]
    #: ids of tiers that no rule that can hold names
    unreached_tiers: tuple[str, ...]
    #: what the search could not settle within its budget ("coverage", or rule ids)
    undecided: tuple[str, ...] = ()


class BudgetSpent(Exception):
    """The search visited more states than its budget before it knew the answer."""


@dataclass
class _Partial:
    """Answers decided so far: question id -> value (None: unanswered)."""

    decided: dict[str, AnswerValue | None]
    #: the multiple-choice question being decided: its id, ticked and unticked codes so far
    open_multi: tuple[str, frozenset[str], frozenset[str]] | None = None


class RuleSearch:
    """Searches one bank; build once, ask several questions."""

    def __init__(self, bank: Questionnaire, budget: int = DEFAULT_BUDGET) -> None:
        self.bank = bank
        self.budget = budget
        self.domains = {q.id: _domain(q, _thresholds(bank, q.id)) for q in bank.questions}
        self.score_inputs = score_inputs(bank)
        self._score_cache: dict[tuple[tuple[str, object], ...], dict[str, AnswerValue]] = {}
        #: each question with the earlier questions that decide whether it is asked
        self._asked_after = _asked_after(bank)

    # -- the three questions ------------------------------------------------------------------

    def coverage(self) -> RuleCoverage:
        undecided: list[str] = []
        try:
            no_rule_holds = Not(Any_(tuple(rule.when for rule in self.bank.rules)))
            uncovered = self.example(no_rule_holds)
        except BudgetSpent:
            uncovered, undecided = None, ["coverage"]
        dead: list[str] = []
        for rule in self.bank.rules:
            try:
                if self.example(rule.when) is None:
                    dead.append(rule.id)
            except BudgetSpent:
                undecided.append(rule.id)
        live_tiers = {r.tier for r in self.bank.rules if r.id not in dead}
        unreached = tuple(t.id for t in self.bank.tiers if t.id not in live_tiers)
        return RuleCoverage(uncovered, tuple(dead), unreached, tuple(undecided))

    def example(self, condition: Condition) -> dict[str, AnswerValue] | None:
        """A complete, valid answer set for which `condition` holds, or None if none can.

        BudgetSpent when the search visits more states than its budget before it knows.
        """
        self._spent = 0
        found = self._search(_Partial({}), 0, condition)
        return None if found is None else {k: v for k, v in found.items() if v is not None}

    # -- search -------------------------------------------------------------------------------

    def _search(
        self, partial: _Partial, index: int, condition: Condition
    ) -> dict[str, AnswerValue | None] | None:
        self._spent += 1
        if self._spent > self.budget:
            raise BudgetSpent
        verdict, open_subjects = self._walk(condition, partial)
        if verdict is False:
            return None
        if verdict is True:
            return self._complete(partial, index)
        if index >= len(self.bank.questions) and partial.open_multi is None:
            return None  # every question decided: the condition is known (never reached)
        # branch only on questions the parts still open depend on: the rest cannot change it
        relevant = {q for s in open_subjects for q in self._asked_after.get(s, (s,))}
        for child, next_index in self._children(partial, index, relevant):
            found = self._search(child, next_index, condition)
            if found is not None:
                return found
        return None

    def _walk(self, condition: Condition, partial: _Partial) -> tuple[Truth, set[str]]:
        """Three-valued truth, and the subjects of the parts not settled yet."""
        if isinstance(condition, Leaf):
            value = self._leaf(condition, partial)
            if value is not None:
                return value, set()
            if condition.is_score:
                return None, set(self.score_inputs.get(condition.subject, ()))
            return None, {condition.subject}
        if isinstance(condition, Not):
            value, subjects = self._walk(condition.item, partial)
            return (None if value is None else not value), subjects
        if isinstance(condition, Ref):
            return self._walk(condition.target, partial)
        settles = isinstance(condition, Any_)  # the value one part settles the whole with
        result: Truth = not settles
        open_subjects: set[str] = set()
        for item in condition.items:
            value, subjects = self._walk(item, partial)
            if value is settles:
                return settles, set()
            if value is None:
                result = None
                open_subjects |= subjects
        return result, open_subjects

    def _children(
        self, partial: _Partial, index: int, relevant: set[str] | None = None
    ) -> Iterator[tuple[_Partial, int]]:
        if partial.open_multi is not None:
            yield from self._multi_children(partial, index)
            return
        question = self.bank.questions[index]
        asked = question.asked_if is None or question.asked_if(_known(partial))
        if not asked:
            yield _Partial({**partial.decided, question.id: UNANSWERED}), index + 1
            return
        if relevant is None or question.id not in relevant:
            yield _Partial({**partial.decided, question.id: _any_value(question)}), index + 1
            return
        if question.type is QuestionType.MULTI_CHOICE:
            opened = _Partial(partial.decided, (question.id, frozenset(), frozenset()))
            yield from self._multi_children(opened, index)
            return
        for value in self.domains[question.id]:
            yield _Partial({**partial.decided, question.id: value}), index + 1
        if not question.required:
            yield _Partial({**partial.decided, question.id: UNANSWERED}), index + 1

    def _multi_children(self, partial: _Partial, index: int) -> Iterator[tuple[_Partial, int]]:
        assert partial.open_multi is not None
        question_id, ticked, unticked = partial.open_multi
        question = self.bank.question(question_id)
        remaining = [c for c in question.choices if c.code not in ticked | unticked]
        if not remaining:
            value: AnswerValue | None = frozenset(ticked) if ticked else UNANSWERED
            if ticked or not question.required:
                yield _Partial({**partial.decided, question_id: value}), index + 1
            return
        choice = remaining[0]
        exclusive_ticked = any(c.exclusive and c.code in ticked for c in question.choices)
        allowed_tick = not exclusive_ticked and not (choice.exclusive and ticked)
        # unticked first, so that an example found reads like a plain answer set
        yield _Partial(partial.decided, (question_id, ticked, unticked | {choice.code})), index
        if allowed_tick:
            yield _Partial(partial.decided, (question_id, ticked | {choice.code}, unticked)), index

    def _complete(self, partial: _Partial, index: int) -> dict[str, AnswerValue | None] | None:
        """Fill the undecided questions with a valid value each (the condition holds anyway)."""
        state, position = partial, index
        while state.open_multi is not None or position < len(self.bank.questions):
            child = next(self._children(state, position), None)
            if child is None:
                return None
            state, position = child
        return state.decided

    # -- three-valued truth of a leaf -----------------------------------------------------------

    def _leaf(self, leaf: Leaf, partial: _Partial) -> Truth:
        if leaf.is_score:
            scores = self._scores(leaf.subject, partial)
            return None if scores is None else leaf_holds(leaf, scores.get(leaf.subject))
        if leaf.subject in partial.decided:
            return leaf_holds(leaf, partial.decided[leaf.subject])
        if partial.open_multi is not None and partial.open_multi[0] == leaf.subject:
            _, ticked, unticked = partial.open_multi
            if leaf.op is Op.INCLUDES:
                if leaf.value in ticked:
                    return True
                return False if leaf.value in unticked else None
            if leaf.op is Op.ANSWERED and ticked:
                return leaf.value is True
        return None

    def _scores(self, name: str, partial: _Partial) -> dict[str, AnswerValue] | None:
        """The derived scores once every answer score `name` is made from is decided."""
        inputs = self.score_inputs.get(name, frozenset())
        if not inputs <= partial.decided.keys():
            return None
        known = tuple(sorted((i, partial.decided[i]) for i in inputs))
        cached = self._score_cache.get(known)
        if cached is None:
            answers = {k: v for k, v in known if v is not None}
            cached = compute_scores(self.bank, answers).rule_values()
            self._score_cache[known] = cached
        return cached


def _asked_after(bank: Questionnaire) -> dict[str, frozenset[str]]:
    """Each question with every earlier question its being asked depends on (through `when`)."""
    found: dict[str, frozenset[str]] = {}
    for question in bank.questions:  # bank order: a `when` names only earlier questions
        before = {question.id}
        if question.when is not None:
            for leaf in leaves(question.when):
                before |= found.get(leaf.subject, {leaf.subject})
        found[question.id] = frozenset(before)
    return found


def _any_value(question: Question) -> AnswerValue:
    """A valid answer to a question whose value cannot change what is searched for."""
    if question.type is QuestionType.YES_NO:
        return False
    if question.type is QuestionType.MULTI_CHOICE:
        return frozenset({question.choices[0].code})
    if question.type.has_choices:
        return question.codes[0]
    low = question.minimum if question.minimum is not None else 0
    return int(low) if question.type is QuestionType.INTEGER else float(low)


def _known(partial: _Partial) -> Mapping[str, AnswerValue]:
    return {k: v for k, v in partial.decided.items() if v is not None}


def _thresholds(bank: Questionnaire, question_id: str) -> set[float]:
    """Every number a condition compares this question with."""
    conditions = [q.when for q in bank.questions if q.when is not None]
    conditions += [r.when for r in bank.rules]
    found: set[float] = set()
    for condition in conditions:
        for leaf in leaves(condition):
            if leaf.subject != question_id or leaf.is_score:
                continue
            values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
            found.update(float(v) for v in values if isinstance(v, (int, float)) and _is_number(v))
    return found


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _domain(question: Question, thresholds: set[float]) -> tuple[AnswerValue, ...]:
    """One value for each way the bank's conditions can tell this question's answers apart."""
    if question.type is QuestionType.YES_NO:
        return (False, True)
    if question.type.has_choices:
        return question.codes
    low = question.minimum if question.minimum is not None else min(thresholds, default=0.0) - 1
    high = question.maximum if question.maximum is not None else max(thresholds, default=0.0) + 1
    points = {low, high}
    for t in thresholds:
        if question.type is QuestionType.INTEGER:
            points.update(range(math.floor(t) - 1, math.ceil(t) + 2))
        else:
            points.update((t - 1e-6, t, t + 1e-6))
    inside = sorted(p for p in points if low <= p <= high)
    if question.type is QuestionType.INTEGER:
        return tuple(dict.fromkeys(int(p) for p in inside))
    return tuple(float(p) for p in inside)
