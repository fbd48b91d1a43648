"""Scoring: from validated answers to one explained, sourced, frozen `Result`.

`scores` computes the derived scores (Oswestry disability, duration, STarT Back psychosocial
risk, failed treatments); `decision` matches the bank's rules (compiled once per bank) and takes
the most urgent tier, then dresses the decision as a `Result` (`result`), with the recovery
timeline after surgery (`recovery`). Nothing here reads YAML: the bank comes in loaded.
"""

from __future__ import annotations

from .decision import (
    Decision,
    ScoringPlan,
    decide,
    scoring_plan,
    triage,
    triage_answer_set,
    triage_stopped_early,
)
from .recovery import RecoveryTimeline, recovery_timeline
from .result import (
    RESULT_FORMAT,
    RESULT_FORMAT_VERSION,
    STOPPED_EARLY,
    BankStamp,
    OptionView,
    Reason,
    Result,
    SourceView,
    json_value,
    result_to_dict,
)
from .scores import ScaleQuestions, Scores, compute_scores, scale_questions

__all__ = [
    "RESULT_FORMAT",
    "RESULT_FORMAT_VERSION",
    "STOPPED_EARLY",
    "BankStamp",
    "Decision",
    "OptionView",
    "Reason",
    "RecoveryTimeline",
    "Result",
    "ScaleQuestions",
    "Scores",
    "ScoringPlan",
    "SourceView",
    "compute_scores",
    "decide",
    "json_value",
    "recovery_timeline",
    "result_to_dict",
    "scale_questions",
    "scoring_plan",
    "triage",
    "triage_answer_set",
    "triage_stopped_early",
]
