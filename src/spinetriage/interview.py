"""The interview as a pure state machine: no terminal here, ui/interview.py only renders it.

An `Interview` is a value: the answers so far, the question on screen (or the review screen) and
the warning signs (alerts) the person has been told about. Every step returns a new `Interview`:

- `answer(value)` records an answer, drops the answers to questions that no longer apply (their
  `when` stopped holding) and moves on;
- `back()` goes to the previous question that applies, from any question or from the review;
- `edit(question_id)` opens an answered question from the review screen;
- `reopen(question_id)` asks the question just answered again (after a warning sign).

Before the review screen is first reached, moving on means the next question in order (an
answer given before is offered again as the default). After it, moving on means the next
question that still has no answer, and then the review screen again: changing one answer asks
only the questions that change brought in.

Which questions apply is decided by the bank's compiled `asked_if` predicates, the same ones
that decide which answers a file must hold (answers.validation.asked_questions).

Alerts: the rules of the bank's "alert tiers" (its most urgent tiers that carry red-flag rules:
emergency and urgent) are announced as soon as the answers so far make them certain (the one
rule matcher, three-valued: scoring.matching.certain_rules). `alert_rules` is the one place that
decides which; the terminal only renders `Alert`s.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .answers.validation import AnswerSet, asked_questions
from .bank.model import Question, Questionnaire, Rule, Section, Tier
from .conditions.values import AnswerValue
from .errors import AnswerError, Problem
from .scoring.matching import certain_rules


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the person is: question `number` of about `total`, in `section`.

    `total` counts the questions that apply given the answers so far. A follow-up question
    counts once the answer that brings it in is given, so the total can grow or shrink as the
    person answers: hence "about".
    """

    section: Section
    number: int
    total: int
    #: the first question of its section that applies: show the section's introduction
    starts_section: bool


def alert_tiers(bank: Questionnaire) -> tuple[Tier, ...]:
    """The bank's most urgent tiers that carry red-flag rules (emergency, then urgent).

    A rule of one of these tiers is announced as soon as the answers make it certain; the first
    tier that has no red-flag rule, and every tier after it, waits for the result.
    """
    flagged = {rule.tier for rule in bank.rules if rule.red_flag}
    return tuple(itertools.takewhile(lambda tier: tier.id in flagged, bank.tiers))


def alert_rules(
    bank: Questionnaire,
    answers: Mapping[str, AnswerValue],
    decided: Collection[str] | None = None,
) -> tuple[Rule, ...]:
    """The rules of the alert tiers that these answers make certain, most urgent tier first.

    The one rule matcher scoring uses (the same rules, answers and derived scores), so the
    interview says at once what the final result will say. `decided`: the questions settled so
    far (default: all of them); a rule that holds only because a question still to come has no
    answer yet (a `not`, an "asked again" question) is not certain, so it does not alert.
    """
    rank = {tier.id: index for index, tier in enumerate(alert_tiers(bank))}
    settled = [q.id for q in bank.questions] if decided is None else decided
    met = [r for r in certain_rules(bank, answers, settled) if r.tier in rank]
    return tuple(sorted(met, key=lambda rule: rank[rule.tier]))


@dataclass(frozen=True, slots=True)
class Alert:
    """Warning signs the answers make certain, and the most urgent tier among them (whose
    advice and action the person needs)."""

    tier: Tier
    #: most urgent tier first
    rules: tuple[Rule, ...]
    #: 0 for the bank's most urgent tier: no later answer can make the result more urgent
    rank: int

    @classmethod
    def of(cls, bank: Questionnaire, rules: Iterable[Rule]) -> Alert | None:
        kept = tuple(rules)
        if not kept:
            return None
        return cls(bank.tier(kept[0].tier), kept, bank.tier_rank(kept[0].tier))


@dataclass(frozen=True, slots=True)
class Interview:
    bank: Questionnaire
    answers: Mapping[str, AnswerValue] = field(default_factory=lambda: MappingProxyType({}))
    #: the question on screen; None means every question that applies is answered: the review
    current: str | None = None
    #: the review screen has been reached once: moving on now skips answered questions
    reviewed: bool = False
    #: ids of the alert rules the person has been told about
    alerted: frozenset[str] = frozenset()
    #: the answers the last `answer` dropped because their questions no longer apply
    dropped: tuple[str, ...] = ()
    #: the answers as the review screen last showed them, once the person has left it (to
    #: change an answer): back on the review, what changed is told against these
    reviewed_answers: Mapping[str, AnswerValue] | None = None

    # -- starting -------------------------------------------------------------------------------

    @classmethod
    def start(cls, bank: Questionnaire) -> Interview:
        first = asked_questions(bank, {})
        if not first:
            raise AnswerError([Problem(message="the question bank has no question to ask")])
        return cls(bank, current=first[0].id)

    # -- reading the state ------------------------------------------------------------------------

    @property
    def path(self) -> list[Question]:
        """The questions that apply given the answers so far, in order."""
        return asked_questions(self.bank, self.answers)

    @property
    def question(self) -> Question | None:
        return self.bank.question(self.current) if self.current is not None else None

    @property
    def at_review(self) -> bool:
        return self.current is None

    @property
    def can_go_back(self) -> bool:
        path = self.path
        return self.current is None or (bool(path) and path[0].id != self.current)

    @property
    def progress(self) -> Progress:
        """Position of the current question; at the review screen, the last question's."""
        path = self.path
        ids = [q.id for q in path]
        index = ids.index(self.current) if self.current in ids else len(ids) - 1
        question = path[index]
        section = next(s for s in self.bank.sections if s.id == question.section)
        starts = index == 0 or path[index - 1].section != question.section
        return Progress(section, index + 1, len(path), starts)

    def previous_answer(self) -> AnswerValue | None:
        """The answer the current question already has (offered as the default), if any."""
        return self.answers.get(self.current) if self.current is not None else None

    def answer_set(self) -> AnswerSet:
        """The answers to score: only those to questions that apply, in bank order."""
        return AnswerSet({q.id: self.answers[q.id] for q in self.path if q.id in self.answers})

    @property
    def decided(self) -> list[str]:
        """The questions settled so far: every question before the one on screen in the bank's
        order (answered, or not asked), and any answered later one (after the review)."""
        if self.current is None:
            return [q.id for q in self.bank.questions]
        ids = [q.id for q in self.bank.questions]
        return list(dict.fromkeys([*ids[: ids.index(self.current)], *self.answers]))

    @property
    def alerts(self) -> tuple[Rule, ...]:
        """Alert rules that the answers so far make certain, most urgent tier first."""
        return alert_rules(self.bank, self.answers, self.decided)

    def alert(self) -> Alert | None:
        """Every warning sign the answers so far make certain (what the person must not lose)."""
        return Alert.of(self.bank, self.alerts)

    def told_alert(self) -> Alert | None:
        """The warning signs made certain so far that the person has been told about."""
        return Alert.of(self.bank, (r for r in self.alerts if r.id in self.alerted))

    def new_alert(self) -> Alert | None:
        """Warning signs made certain now that the person has not yet been told about."""
        return Alert.of(self.bank, (r for r in self.alerts if r.id not in self.alerted))

    def new_alert_raises_urgency(self) -> bool:
        """Whether the new warning signs call for more urgent care than the person was told:
        worth interrupting the questions for; a sign of the same urgency is only noted."""
        new, told = self.new_alert(), self.told_alert()
        return new is not None and (told is None or new.rank < told.rank)

    # -- moving -----------------------------------------------------------------------------------

    def answer(self, value: AnswerValue) -> Interview:
        """Record a typed answer for the current question (see `parse_value`) and move on."""
        if self.current is None:
            raise ValueError("there is no question on screen to answer")
        merged = {**self.answers, self.current: value}
        path = asked_questions(self.bank, merged)
        applies = {q.id for q in path}
        kept = {k: v for k, v in merged.items() if k in applies}
        dropped = tuple(q.id for q in self.bank.questions if q.id in merged and q.id not in kept)
        ids = [q.id for q in path]
        later = path[ids.index(self.current) + 1 :]
        if self.reviewed:
            later = [q for q in later if q.id not in kept]
        moved = replace(
            self,
            answers=MappingProxyType(kept),
            current=later[0].id if later else None,
            reviewed=self.reviewed or not later,
            dropped=dropped,
        )
        still_met = {r.id for r in moved.alerts}
        return replace(moved, alerted=self.alerted & still_met)

    def back(self) -> Interview:
        """The previous question that applies; from the review screen, the last one."""
        path = self.path
        ids = [q.id for q in path]
        if self.current is None:
            return replace(self, current=ids[-1], dropped=(), reviewed_answers=self.answers)
        index = ids.index(self.current)
        if index == 0:
            return replace(self, dropped=())
        return replace(self, current=ids[index - 1], dropped=())

    def edit(self, question_id: str) -> Interview:
        """Open a question that applies (normally from the review screen) to change its answer."""
        if question_id not in {q.id for q in self.path}:
            raise ValueError(f"question '{question_id}' does not apply to these answers")
        return replace(self, current=question_id, dropped=(), reviewed_answers=self.answers)

    def reopen(self, question_id: str) -> Interview:
        """Back to the question just answered, to answer it again (after a warning sign)."""
        return replace(self, current=question_id, dropped=())

    def acknowledge(self) -> Interview:
        """The person has been told about every warning sign made certain so far."""
        return replace(self, alerted=self.alerted | {r.id for r in self.alerts})
