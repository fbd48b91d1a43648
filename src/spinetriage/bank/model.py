"""Typed, frozen models of the question bank: questions, sections, tiers, rules and sources.

Plain dataclasses rather than pydantic: every error must carry the YAML line it came from, which
means walking PyYAML's node tree ourselves anyway, and dataclasses cost nothing at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..conditions.tree import Condition, Predicate
from ..conditions.values import QuestionType


class ScoreScale(str, Enum):
    """Which derived score a question feeds (points come from its choices, or yes = 1)."""

    DISABILITY = "disability"
    PSYCHOSOCIAL = "psychosocial"
    PSYCHOSOCIAL_DISTRESS = "psychosocial_distress"
    #: 1 point when a tried treatment did not help enough
    TREATMENT_RESPONSE = "treatment_response"


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    label: str
    points: int | None = None
    #: an "exclusive" choice (such as "none") cannot be combined with others
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: str
    type: QuestionType
    text: str
    line: int
    help: str | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = True
    when: Condition | None = None
    sources: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    scale: ScoreScale | None = None
    #: compiled `when`, built once at load time
    asked_if: Predicate | None = field(default=None, compare=False, repr=False)

    def choice(self, code: str) -> Choice | None:
        return next((c for c in self.choices if c.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    question_ids: tuple[str, ...]
    intro: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    citation: str


@dataclass(frozen=True, slots=True)
class TierOption:
    name: str
    description: str
    source: str
    evidence: str | None = None
    #: shown only to the people it fits (None: to everyone in the tier)
    when: Condition | None = None
    #: compiled `when`, over answers and derived scores
    fits: Predicate | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Tier:
    id: str
    title: str
    urgency: str
    action: str
    options: tuple[TierOption, ...]
    watch_for: tuple[str, ...]
    sources: tuple[str, ...]
    risks: tuple[str, ...] = ()
    evidence_notes: tuple[str, ...] = ()
    #: when this holds and a less urgent tier matched too, that tier is the headline and this
    #: one is shown as "also matched, if you change your mind" (a stated preference)
    set_aside_when: Condition | None = None
    set_aside_if: Predicate | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    tier: str
    reason: str
    sources: tuple[str, ...]
    when: Condition
    line: int
    red_flag: bool = False
    matches: Predicate | None = field(default=None, compare=False, repr=False)
    #: what to do, specific to what this rule found (None: the tier's action)
    action: str | None = None
    #: a note where a source document and a guideline disagree about this
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """A validated question bank with its tiers and rules."""

    id: str
    title: str
    version: str
    #: sha256 of the bank file's bytes: any result can be reproduced from exactly this bank
    content_hash: str
    path: str
    disclaimer: str
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    sources: tuple[Source, ...]
    tiers: tuple[Tier, ...]
    rules: tuple[Rule, ...]
    definitions: tuple[str, ...] = ()
    by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def question(self, question_id: str) -> Question:
        return self.by_id[question_id]

    def tier(self, tier_id: str) -> Tier:
        return next(t for t in self.tiers if t.id == tier_id)

    def tier_rank(self, tier_id: str) -> int:
        """0 is the most urgent tier: the order of `tiers` in the bank."""
        return next(i for i, t in enumerate(self.tiers) if t.id == tier_id)

    def source(self, key: str) -> Source:
        return next(s for s in self.sources if s.key == key)

    @property
    def condition_count(self) -> int:
        return sum(q.when is not None for q in self.questions) + len(self.rules)
