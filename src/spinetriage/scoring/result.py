"""The triage result: one frozen object; text, JSON, CSV and FHIR are renderings of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .._version import __version__
from ..clock import now
from ..conditions.values import AnswerValue
from ..errors import InvalidArgument
from .recovery import RecoveryTimeline
from .scores import Scores

RESULT_FORMAT = "spinetriage.result"
# 2: reasons carry `action` and `evidence`; `more_actions` and `set_aside_tiers` (bank 2.0.0)
RESULT_FORMAT_VERSION = 2
STOPPED_EARLY = (
    "The person stopped after an emergency sign; this is based on the answers given so far."
)


@dataclass(frozen=True, slots=True)
class Reason:
    rule_id: str
    tier: str
    text: str
    #: the answers (and scores) behind the rule, with their values; None means unanswered
    evidence: tuple[tuple[str, AnswerValue | None], ...]
    sources: tuple[str, ...]
    red_flag: bool
    #: what to do, specific to what this rule found (None: the tier's action)
    action: str | None = None
    #: where a source document and a guideline disagree about this
    evidence_note: str | None = None


@dataclass(frozen=True, slots=True)
class OptionView:
    name: str
    description: str
    source: str
    source_title: str
    evidence: str | None


@dataclass(frozen=True, slots=True)
class SourceView:
    key: str
    title: str
    citation: str


@dataclass(frozen=True, slots=True)
class BankStamp:
    id: str
    version: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class Result:
    tier: str
    tier_title: str
    #: 0 is the most urgent tier
    urgency_rank: int
    urgency: str
    action: str
    red_flags: tuple[Reason, ...]
    reasons: tuple[Reason, ...]
    #: every tier some rule matched, most urgent first
    matched_tiers: tuple[str, ...]
    options: tuple[OptionView, ...]
    risks: tuple[str, ...]
    watch_for: tuple[str, ...]
    evidence_notes: tuple[str, ...]
    sources: tuple[SourceView, ...]
    scores: Scores
    recovery: RecoveryTimeline | None
    answers: tuple[tuple[str, AnswerValue], ...]
    ignored_answers: tuple[str, ...]
    bank: BankStamp
    disclaimer: str
    #: the person stopped after an emergency sign: only that tier's rules were judged
    stopped_early: bool = False
    #: more things to do from the headline tier's rules, after `action` (the first)
    actions: tuple[str, ...] = ()
    #: matched tiers more urgent than the headline, set aside by the person's preference
    set_aside_tiers: tuple[str, ...] = ()
    #: when the result was made (local time with its UTC offset): every rendering shows it
    made_at: datetime = field(default_factory=now)

    @property
    def answer_map(self) -> dict[str, AnswerValue]:
        return dict(self.answers)


def json_value(value: AnswerValue | None) -> object:
    """An answer as JSON: multiple choices as a sorted list."""
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def reason_to_dict(reason: Reason) -> dict[str, object]:
    return {
        "rule_id": reason.rule_id,
        "tier": reason.tier,
        "text": reason.text,
        "red_flag": reason.red_flag,
        "answers": {k: json_value(v) for k, v in reason.evidence},
        "sources": list(reason.sources),
        "action": reason.action,
        "evidence": reason.evidence_note,
    }


def option_to_dict(option: OptionView) -> dict[str, object]:
    return {
        "name": option.name,
        "description": option.description,
        "source": option.source,
        "source_title": option.source_title,
        "evidence": option.evidence,
    }


def source_to_dict(source: SourceView) -> dict[str, object]:
    return {"key": source.key, "title": source.title, "citation": source.citation}


def recovery_to_dict(recovery: RecoveryTimeline) -> dict[str, object]:
    return {
        "procedure": recovery.procedure,
        "weeks_since": recovery.weeks_since,
        "stage": recovery.stage,
        "next_xray_week": recovery.next_xray_week,
        "source": recovery.source,
    }


def result_to_dict(result: Result) -> dict[str, object]:
    """The versioned JSON envelope of a result (InvalidArgument if `result` is not a Result)."""
    if not isinstance(result, Result):
        raise InvalidArgument(
            f"result must be a Result (triage() returns one), not {type(result).__name__}"
        )
    recovery = result.recovery
    return {
        "format": RESULT_FORMAT,
        "format_version": RESULT_FORMAT_VERSION,
        "generator": f"spinetriage {__version__}",
        "made_at": result.made_at.isoformat(),
        "bank": {
            "id": result.bank.id,
            "version": result.bank.version,
            "content_hash": result.bank.content_hash,
        },
        "result": {
            "tier": result.tier,
            "tier_title": result.tier_title,
            "urgency": result.urgency,
            "urgency_rank": result.urgency_rank,
            "action": result.action,
            "more_actions": list(result.actions),
            "red_flags": [reason_to_dict(r) for r in result.red_flags],
            "reasons": [reason_to_dict(r) for r in result.reasons],
            "matched_tiers": list(result.matched_tiers),
            "set_aside_tiers": list(result.set_aside_tiers),
            "options": [option_to_dict(o) for o in result.options],
            "risks": list(result.risks),
            "watch_for": list(result.watch_for),
            "evidence_notes": list(result.evidence_notes),
            "scores": result.scores.as_dict(),
            "recovery": None if recovery is None else recovery_to_dict(recovery),
            "sources": [source_to_dict(s) for s in result.sources],
            "disclaimer": result.disclaimer,
            "stopped_early": result.stopped_early,
        },
        "answers": {k: json_value(v) for k, v in result.answers},
        "ignored_answers": list(result.ignored_answers),
    }
